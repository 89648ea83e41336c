"""Validators of the nd47 schemas.

Every message is Vietnamese first with English beside it, so a steward
sees it in Vietnamese whatever the interface language and an API client
can still read it. Validators that need the field definition (its
choices, its source field) are scheming validators: they take
``(field, schema)`` and return the validator.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Callable, Iterable, NoReturn

from dateutil.relativedelta import relativedelta
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey
from ckanext.scheming.validation import scheming_validator

from ckanext.nd47 import admin_units
from ckanext.nd47.compliance import gate

__all__ = [
    "nd47_required", "nd47_text", "nd47_choice", "nd47_choices",
    "nd47_boolean", "nd47_boolean_output", "nd47_date", "nd47_not_future",
    "nd47_temporal_end", "nd47_deadline", "nd47_admin_units",
    "nd47_email", "nd47_phone", "nd47_url", "nd47_agency_code",
    "nd47_agency_code_unique",
    "nd47_non_negative_int", "nd47_checksum", "nd47_format_flag",
    "nd47_dataset_names", "nd47_source_database", "nd47_reject_nul",
    "nd47_publication_gate", "nd47_json_list_output", "nd47_default",
    "nd47_license", "nd47_slug", "nd47_owner_org", "nd47_group_slug",
    "nd47_link_url", "nd47_image_url",
]

Validator = Callable[..., Any]
missing = tk.missing
_MAX_TEXT = 20000
_DATE_FORMAT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL = re.compile(r"^[^@\s<>\"']+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_PHONE_CHARS = re.compile(r"^\+?[0-9 ().-]+$")
_AGENCY_CODE = re.compile(r"^[A-Z0-9]+([.-][A-Z0-9]+)*$")
_CHECKSUM = re.compile(r"^(?:(md5|sha1|sha256|sha512):)?([0-9a-f]+)$")
_HEX_LENGTHS = {"md5": 32, "sha1": 40, "sha256": 64, "sha512": 128}


def message(vi: str, en: str) -> str:
    """A bilingual error message, Vietnamese first."""
    return f"{vi} / {en}"


def _empty(value: Any) -> bool:
    return value is missing or value is None or value == [] or \
        (isinstance(value, str) and not value.strip())


def _fail(key: FlattenKey, errors: FlattenErrorDict, text: str) -> NoReturn:
    errors.setdefault(key, []).append(text)
    raise tk.StopOnError


def _skip(key: FlattenKey, data: FlattenDataDict) -> NoReturn:
    """Leave an empty optional field out (nothing is stored for it)."""
    data.pop(key, None)
    raise tk.StopOnError


def nd47_required(key: FlattenKey, data: FlattenDataDict,
                  errors: FlattenErrorDict, context: Context) -> None:
    """The field must be filled in."""
    if _empty(data.get(key)):
        _fail(key, errors, message("Trường này là bắt buộc",
                                   "This field is required"))


def nd47_text(key: FlattenKey, data: FlattenDataDict,
              errors: FlattenErrorDict, context: Context) -> None:
    """Plain text of a sane length; numbers are accepted as text."""
    value = data.get(key)
    if value is missing or value is None:
        _skip(key, data)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        _fail(key, errors, message("Giá trị phải là văn bản",
                                   "The value must be text"))
    text = str(value).strip()
    if len(text) > _MAX_TEXT:
        _fail(key, errors, message(
            f"Văn bản dài quá {_MAX_TEXT} ký tự",
            f"The text is longer than {_MAX_TEXT} characters"))
    data[key] = text


@scheming_validator
def nd47_default(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """Use the field's ``default`` when the field is not sent at all; an
    empty value the steward sent on purpose stays empty."""
    def validator(key: FlattenKey, data: FlattenDataDict,
                  errors: FlattenErrorDict, context: Context) -> None:
        if data.get(key, missing) in (missing, None):
            data[key] = field["default"]
    return validator


def nd47_license(key: FlattenKey, data: FlattenDataDict,
                 errors: FlattenErrorDict, context: Context) -> None:
    """A licence of the portal's licence list."""
    value = data.get(key)
    licences = context["model"].Package.get_license_register()
    if not isinstance(value, str) or value not in licences:
        _fail(key, errors, message(
            "Giấy phép không có trong danh sách giấy phép của cổng",
            "Not a licence of the portal's licence list"))


def _core(name: str, key: FlattenKey, data: FlattenDataDict,
          errors: FlattenErrorDict, context: Context, vi: str,
          en: str) -> None:
    """Run one of CKAN's validators and give its refusal in both
    languages (CKAN's own text follows in brackets)."""
    try:
        tk.get_validator(name)(key, data, errors, context)
    except tk.Invalid as error:
        _fail(key, errors, message(vi, en) + f" ({error.error})")


def _url_name(key: FlattenKey, data: FlattenDataDict,
              errors: FlattenErrorDict, context: Context,
              free_validator: str) -> None:
    """A URL name of lowercase letters, digits, - and _ that CKAN's
    ``free_validator`` finds unused."""
    value = data.get(key)
    if not isinstance(value, str) or \
            not re.match(r"^[a-z0-9_-]{2,100}$", value):
        _fail(key, errors, message(
            "Đường dẫn dài 2–100 ký tự, chỉ gồm chữ thường không dấu, "
            "chữ số, - và _",
            "The URL name has 2-100 lowercase ASCII letters, digits, - "
            "and _"))
    _core(free_validator, key, data, errors, context,
          "Đường dẫn này đã được dùng", "That URL is already in use")


def nd47_slug(key: FlattenKey, data: FlattenDataDict,
              errors: FlattenErrorDict, context: Context) -> None:
    """The URL name of a dataset, database or service."""
    _url_name(key, data, errors, context, "package_name_validator")


def nd47_group_slug(key: FlattenKey, data: FlattenDataDict,
                    errors: FlattenErrorDict, context: Context) -> None:
    """The URL name of an agency."""
    _url_name(key, data, errors, context, "group_name_validator")


def nd47_owner_org(key: FlattenKey, data: FlattenDataDict,
                   errors: FlattenErrorDict, context: Context) -> None:
    """An agency the user may publish for."""
    if not isinstance(data.get(key), str):
        _fail(key, errors, message("Cơ quan không tồn tại",
                                   "No such agency"))
    _core("owner_org_validator", key, data, errors, context,
          "Cơ quan không tồn tại hoặc bạn không có quyền thêm dữ liệu "
          "cho cơ quan này",
          "No such agency, or you may not add datasets to it")


def _choice_values(field: dict[str, Any]) -> list[str]:
    return [str(c["value"]) for c in field.get("choices", [])]


@scheming_validator
def nd47_choice(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """One value of the field's controlled list (``choices``); empty is
    allowed unless ``nd47_required`` comes first. An empty value takes the
    field's ``default`` (which the form also preselects) or its
    ``nd47_default`` (applied here only, so the form starts empty)."""
    allowed = _choice_values(field)
    default = field.get("default", field.get("nd47_default"))

    def validator(key: FlattenKey, data: FlattenDataDict,
                  errors: FlattenErrorDict, context: Context) -> None:
        value = data.get(key)
        if _empty(value):
            if default is None:
                _skip(key, data)
            data[key] = default
            return
        if not isinstance(value, str) or value not in allowed:
            _fail(key, errors, message(
                f"Giá trị không có trong danh mục; chọn một trong: "
                f"{', '.join(allowed)}",
                f"Not a value of the controlled list; choose one of: "
                f"{', '.join(allowed)}"))
    return validator


def _as_list(value: Any) -> list[Any] | None:
    """A list from a list, a JSON list or a comma-separated string."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except ValueError:
                return None
            return parsed if isinstance(parsed, list) else None
        return [part.strip() for part in re.split(r"[,;\s]+", text)
                if part.strip()]
    return None


@scheming_validator
def nd47_choices(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """Several values of the field's controlled list, stored as a JSON list
    in the order of the list."""
    allowed = _choice_values(field)

    def validator(key: FlattenKey, data: FlattenDataDict,
                  errors: FlattenErrorDict, context: Context) -> None:
        value = data.get(key)
        if _empty(value):
            data[key] = "[]"
            return
        values = _as_list(value)
        if values is None:
            _fail(key, errors, message("Cần một danh sách giá trị",
                                       "A list of values is expected"))
        wrong = [str(v) for v in values
                 if not isinstance(v, str) or v not in allowed]
        if wrong:
            _fail(key, errors, message(
                f"Giá trị không có trong danh mục: {', '.join(wrong)}; "
                f"chọn trong: {', '.join(allowed)}",
                f"Not in the controlled list: {', '.join(wrong)}; "
                f"choose from: {', '.join(allowed)}"))
        data[key] = json.dumps([v for v in allowed if v in values])
    return validator


def nd47_json_list_output(value: Any) -> list[Any]:
    """A stored JSON list back as a list (empty for anything else)."""
    if isinstance(value, list):
        return value
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return []
    return parsed if isinstance(parsed, list) else []


_TRUE = {"true", "1", "yes", "on", "có"}
_FALSE = {"false", "0", "no", "off", "không"}


@scheming_validator
def nd47_boolean(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """Yes or no, stored as ``true``/``false``; the field's ``default`` is
    used when it is left empty."""
    default = field.get("default", False)

    def validator(key: FlattenKey, data: FlattenDataDict,
                  errors: FlattenErrorDict, context: Context) -> None:
        value = data.get(key)
        if _empty(value):
            value = default
        if isinstance(value, bool):
            data[key] = "true" if value else "false"
            return
        text = str(value).strip().lower() if isinstance(value, (str, int)) \
            else None
        if text in _TRUE:
            data[key] = "true"
        elif text in _FALSE:
            data[key] = "false"
        else:
            _fail(key, errors, message("Chỉ nhận Có (true) hoặc Không (false)",
                                       "Only true or false is accepted"))
    return validator


def nd47_boolean_output(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def parse_date(value: Any) -> dt.date | None:
    """A date from a date, a datetime or ``YYYY-MM-DD`` (None if it is
    none of these)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()[:10]
        if _DATE_FORMAT.match(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                return None
    return None


def nd47_date(key: FlattenKey, data: FlattenDataDict,
              errors: FlattenErrorDict, context: Context) -> None:
    """A calendar date between 1900 and 2100, stored as ``YYYY-MM-DD``."""
    value = data.get(key)
    if _empty(value):
        _skip(key, data)
    date = parse_date(value)
    if date is None or not 1900 <= date.year <= 2100:
        _fail(key, errors, message(
            "Ngày không hợp lệ; nhập theo dạng NNNN-TT-NN, ví dụ 2025-07-01",
            "Invalid date; use YYYY-MM-DD, e.g. 2025-07-01"))
    data[key] = date.isoformat()


def nd47_not_future(key: FlattenKey, data: FlattenDataDict,
                    errors: FlattenErrorDict, context: Context) -> None:
    """A date that has already happened (one day of slack for time zones)."""
    date = parse_date(data.get(key))
    if date and date > dt.date.today() + dt.timedelta(days=1):
        _fail(key, errors, message("Ngày này chưa đến",
                                   "This date is in the future"))


def nd47_temporal_end(key: FlattenKey, data: FlattenDataDict,
                      errors: FlattenErrorDict, context: Context) -> None:
    """The end of the temporal coverage is not before its start."""
    end = parse_date(data.get(key))
    start = parse_date(data.get(key[:-1] + ("temporal_start",)))
    if end and start and end < start:
        _fail(key, errors, message(
            "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu",
            "The end date must not be before the start date"))


@scheming_validator
def nd47_deadline(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """A deadline computed from another date field (``nd47_from``) plus
    ``nd47_months``; whatever the client sends is replaced."""
    source, months = field["nd47_from"], int(field["nd47_months"])

    def validator(key: FlattenKey, data: FlattenDataDict,
                  errors: FlattenErrorDict, context: Context) -> None:
        start = parse_date(data.get(key[:-1] + (source,)))
        if start is None:
            _skip(key, data)
        data[key] = (start + relativedelta(months=months)).isoformat()
    return validator


def nd47_admin_units(key: FlattenKey, data: FlattenDataDict,
                     errors: FlattenErrorDict, context: Context) -> None:
    """Administrative-unit codes: current (2025) province and commune codes,
    or pre-2025 codes for historical data. Stored as a JSON list."""
    value = data.get(key)
    if _empty(value):
        _skip(key, data)
    codes = _as_list(value)
    if codes is None or not all(isinstance(c, (str, int)) for c in codes):
        _fail(key, errors, message("Cần danh sách mã đơn vị hành chính",
                                   "A list of administrative-unit codes "
                                   "is expected"))
    codes = [str(c).strip() for c in codes]
    unknown = [c for c in codes if not admin_units.is_known(c)]
    if unknown:
        _fail(key, errors, message(
            f"Mã đơn vị hành chính không tồn tại: {', '.join(unknown[:10])}",
            f"Unknown administrative-unit codes: {', '.join(unknown[:10])}"))
    data[key] = json.dumps(list(dict.fromkeys(codes)))


def nd47_email(key: FlattenKey, data: FlattenDataDict,
               errors: FlattenErrorDict, context: Context) -> None:
    value = data.get(key)
    if _empty(value):
        _skip(key, data)
    if not isinstance(value, str) or len(value) > 254 or \
            not _EMAIL.match(value.strip()):
        _fail(key, errors, message("Địa chỉ thư điện tử không hợp lệ",
                                   "Invalid email address"))
    data[key] = value.strip()


def nd47_phone(key: FlattenKey, data: FlattenDataDict,
               errors: FlattenErrorDict, context: Context) -> None:
    value = data.get(key)
    if _empty(value):
        _skip(key, data)
    text = str(value).strip() if isinstance(value, (str, int)) else ""
    digits = re.sub(r"\D", "", text)
    if not _PHONE_CHARS.match(text) or not 8 <= len(digits) <= 15:
        _fail(key, errors, message(
            "Số điện thoại không hợp lệ (8–15 chữ số)",
            "Invalid phone number (8-15 digits)"))
    data[key] = text


def nd47_url(key: FlattenKey, data: FlattenDataDict,
             errors: FlattenErrorDict, context: Context) -> None:
    """An absolute http(s) address."""
    value = data.get(key)
    if _empty(value):
        _skip(key, data)
    text = value.strip() if isinstance(value, str) else ""
    if not re.match(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$", text) \
            or len(text) > 2000:
        _fail(key, errors, message(
            "Địa chỉ phải bắt đầu bằng http:// hoặc https://",
            "The address must start with http:// or https://"))
    data[key] = text


def nd47_agency_code(key: FlattenKey, data: FlattenDataDict,
                     errors: FlattenErrorDict, context: Context) -> None:
    """An agency code (mã định danh) such as ``000.00.20.H40``."""
    value = data.get(key)
    if _empty(value):
        _skip(key, data)
    text = value.strip().upper() if isinstance(value, str) else ""
    if not _AGENCY_CODE.match(text) or len(text) > 40:
        _fail(key, errors, message(
            "Mã định danh gồm chữ in hoa, chữ số, dấu chấm, "
            "ví dụ 000.00.20.H40",
            "The agency code has capital letters, digits and dots, "
            "e.g. 000.00.20.H40"))
    data[key] = text


def nd47_agency_code_unique(key: FlattenKey, data: FlattenDataDict,
                            errors: FlattenErrorDict,
                            context: Context) -> None:
    """No other agency (organisation that is not deleted) has this code,
    compared case-insensitively; runs after ``nd47_agency_code``. An
    agency's own code is found again on update (its ``id`` or name is in
    the data), so saving it unchanged is fine."""
    code = data.get(key)
    if not isinstance(code, str) or not code:
        return
    model = context["model"]
    query = model.Session.query(model.Group.id).join(
        model.GroupExtra, model.GroupExtra.group_id == model.Group.id
    ).filter(
        model.GroupExtra.key == key[-1],
        model.GroupExtra.state == "active",
        sa.func.upper(sa.func.trim(model.GroupExtra.value)) == code.upper(),
        model.Group.is_organization.is_(True),
        model.Group.state != "deleted")
    own = data.get(("id",))
    if isinstance(own, str) and own:
        query = query.filter(model.Group.id != own, model.Group.name != own)
    if query.first() is not None:
        _fail(key, errors, message(
            f"Mã định danh {code} đã được dùng cho một cơ quan khác",
            f"The agency code {code} is already used by another agency"))


def nd47_non_negative_int(key: FlattenKey, data: FlattenDataDict,
                          errors: FlattenErrorDict, context: Context) -> None:
    value = data.get(key)
    if _empty(value):
        _skip(key, data)
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) \
            else -1
    except ValueError:
        number = -1
    if number < 0 or number > 2 ** 62:
        _fail(key, errors, message("Cần một số nguyên không âm",
                                   "A non-negative whole number is expected"))
    data[key] = number


def nd47_checksum(key: FlattenKey, data: FlattenDataDict,
                  errors: FlattenErrorDict, context: Context) -> None:
    """A hex digest, optionally prefixed with its algorithm
    (``sha256:…``); the length must match the algorithm."""
    value = data.get(key)
    if _empty(value):
        data[key] = ""
        return
    text = value.strip().lower() if isinstance(value, str) else ""
    match = _CHECKSUM.match(text)
    if match is None:
        ok = False
    elif match.group(1):
        ok = len(match.group(2)) == _HEX_LENGTHS[match.group(1)]
    else:
        ok = len(match.group(2)) in _HEX_LENGTHS.values()
    if not ok:
        _fail(key, errors, message(
            "Mã kiểm tra phải là chuỗi hex MD5, SHA-1, SHA-256 hoặc "
            "SHA-512, ví dụ sha256:…",
            "The checksum must be an MD5, SHA-1, SHA-256 or SHA-512 hex "
            "digest, e.g. sha256:…"))
    data[key] = text


@scheming_validator
def nd47_format_flag(field: dict[str, Any],
                     schema: dict[str, Any]) -> Validator:
    """Whether the resource's format is in a vocabulary of the enforced
    rulebook (``nd47_vocabulary``), derived, never typed in."""
    vocabulary = field["nd47_vocabulary"]

    def validator(key: FlattenKey, data: FlattenDataDict,
                  errors: FlattenErrorDict, context: Context) -> None:
        fmt = data.get(key[:-1] + ("format",))
        formats = gate.vocabulary(vocabulary)
        data[key] = isinstance(fmt, str) and fmt.strip().upper() in formats
    return validator


def _existing_datasets(names: Iterable[str], dataset_type: str | None,
                       context: Context) -> list[str]:
    """The names among ``names`` that are not datasets of that type."""
    model = context["model"]
    query = model.Session.query(model.Package.name).filter(
        model.Package.name.in_(list(names)),
        model.Package.state != "deleted")
    if dataset_type:
        query = query.filter(model.Package.type == dataset_type)
    found = {row[0] for row in query}
    return [n for n in names if n not in found]


def nd47_dataset_names(key: FlattenKey, data: FlattenDataDict,
                       errors: FlattenErrorDict, context: Context) -> None:
    """Names of existing open-data datasets, stored as a JSON list."""
    value = data.get(key)
    if _empty(value):
        _skip(key, data)
    names = _as_list(value)
    if names is None or not all(isinstance(n, str) for n in names):
        _fail(key, errors, message("Cần danh sách tên bộ dữ liệu",
                                   "A list of dataset names is expected"))
    names = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    unknown = _existing_datasets(names, "dataset", context)
    if unknown:
        _fail(key, errors, message(
            f"Không có bộ dữ liệu: {', '.join(unknown[:10])}",
            f"No such dataset: {', '.join(unknown[:10])}"))
    data[key] = json.dumps(names)


def nd47_source_database(key: FlattenKey, data: FlattenDataDict,
                         errors: FlattenErrorDict, context: Context) -> None:
    """The name of a database-catalogue entry."""
    value = data.get(key)
    if _empty(value):
        _skip(key, data)
    if not isinstance(value, str) or \
            _existing_datasets([value.strip()], "database", context):
        _fail(key, errors, message(
            "Không có cơ sở dữ liệu này trong danh mục CSDL",
            "No such database in the database catalogue"))
    data[key] = value.strip()


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    return False


def nd47_reject_nul(key: FlattenKey, data: FlattenDataDict,
                    errors: FlattenErrorDict, context: Context) -> None:
    """PostgreSQL cannot store NUL characters: refuse them field by field
    before anything else runs."""
    for field, value in list(data.items()):
        if field[-1] not in ("__before", "__after", "__extras",
                             "__junk") and _has_nul(value):
            errors.setdefault(field, []).append(message(
                "Văn bản chứa ký tự NUL không hợp lệ",
                "The text contains an invalid NUL character"))
            data[field] = ""
    if any(errors.values()):
        raise tk.StopOnError


# a scheme: letters first, as RFC 3986 and browsers read it
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# browsers drop tabs and newlines inside a URL ("java\tscript:" runs)
_URL_CONTROL = re.compile(r"[\x00-\x20\x7f]")
LINK_SCHEMES = ("http", "https", "ftp")


def safe_url_problem(value: str, schemes: tuple[str, ...],
                     allow_bare: bool) -> str | None:
    """Why ``value`` may not be stored as a link, or None.

    Only ``schemes`` may run when a visitor follows the link;
    ``javascript:``, ``vbscript:``, ``data:`` and ``file:`` never do.
    ``allow_bare``: a value without a scheme is an uploaded file's name.
    """
    if _URL_CONTROL.search(value) or len(value) > 2000:
        return message(
            "Địa chỉ không được chứa khoảng trắng hay ký tự điều khiển và "
            "dài tối đa 2000 ký tự",
            "An address may not contain spaces or control characters and "
            "has at most 2000 characters")
    scheme = _SCHEME.match(value)
    if scheme is None and allow_bare:
        return None
    if scheme is None or scheme.group(1).lower() not in schemes or \
            not re.match(r"^[A-Za-z]+://[^/?#]+", value):
        shown = " hoặc ".join(f"{s}://" for s in schemes)
        return message(
            f"Địa chỉ phải bắt đầu bằng {shown}",
            f"The address must start with {' or '.join(s + '://' for s in schemes)}")
    return None


def _check_address(key: FlattenKey, data: FlattenDataDict,
                   errors: FlattenErrorDict, schemes: tuple[str, ...],
                   allow_bare: bool) -> None:
    value = data.get(key)
    if _empty(value):
        return
    if not isinstance(value, str):
        _fail(key, errors, message("Địa chỉ phải là văn bản",
                                   "The address must be text"))
    problem = safe_url_problem(value, schemes, allow_bare=allow_bare)
    if problem:
        _fail(key, errors, problem)


def nd47_link_url(key: FlattenKey, data: FlattenDataDict,
                  errors: FlattenErrorDict, context: Context) -> None:
    """A link of a resource or a dataset: http(s) or ftp, or (a resource
    whose ``url_type`` is ``upload``) an uploaded file's name."""
    upload = data.get(key[:-1] + ("url_type",)) == "upload"
    _check_address(key, data, errors, LINK_SCHEMES, allow_bare=upload)


def nd47_image_url(key: FlattenKey, data: FlattenDataDict,
                   errors: FlattenErrorDict, context: Context) -> None:
    """A logo or picture: an http(s) address or an uploaded file's name."""
    _check_address(key, data, errors, ("http", "https"), allow_bare=True)


nd47_publication_gate = gate.publication_gate
