"""The one place that decides whether a DCAT request can be answered.

The catalogue page (``/catalog.<format>``), a dataset's RDF
(``/dataset/<id>.<format>``) and the three API actions behind them
(``dcat_catalog_show``, ``dcat_catalog_search``, ``dcat_dataset_show``)
all go through ``check``, before any search, lookup or serializer: a
direct API call and a page get the same refusal, in the same words.

Every parameter is bounded before it costs anything. ckanext-dcat looks
each requested profile name up among the installed entry points, a scan
of every installed package's metadata (about 50 ms a name): 1,000 empty
names took a worker for 70–90 seconds before failing. ``profiles`` is
therefore held to the configured list, without empty or repeated items.

Refusals are ``BadRequest`` (a ``ValidationError``: HTTP 409 from the API,
400 from the pages) or ``ObjectNotFound`` (404), bilingual.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any, Literal

import dateutil.parser

import ckan.plugins.toolkit as tk
from ckan.types import DataDict
from ckanext.dcat.utils import CONTENT_TYPES

from ckanext.nd47.logic.validators import message
from ckanext.nd47.request_guard import is_bad_text

__all__ = ["BadRequest", "Checked", "check", "check_page",
           "parse_modified_since", "served_profiles", "FORMATS",
           "MAX_QUERY_LENGTH", "NOT_FOUND"]

FORMATS = tuple(CONTENT_TYPES)
Kind = Literal["catalog", "dataset"]

MAX_QUERY_LENGTH = 500
# a dataset's name is at most 100 characters, its id 36
_MAX_ID_LENGTH = 100
# longer than any ISO 8601 date-time with fractions and an offset
_MAX_DATE_LENGTH = 64
_MAX_PROFILES_LENGTH = 200
_PAGE = re.compile(r"[0-9]+")
# pages beyond this are never searched for (no catalogue is that long)
_MAX_PAGE_DIGITS = 12

NOT_FOUND = message("Không tìm thấy bộ dữ liệu", "Dataset not found")


class BadRequest(tk.ValidationError):
    """A DCAT request the pages answer with HTTP 400 (the API with 409)."""

    def text(self) -> str:
        """The messages on one line, for a plain-text answer."""
        return "; ".join(text for messages in self.error_dict.values()
                         for text in messages)


def _refuse(key: str, vi: str, en: str) -> BadRequest:
    return BadRequest({key: [message(vi, en)]})


def _shown(value: Any) -> str:
    """A value as it may be echoed in a message: short and printable."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


@dataclasses.dataclass(frozen=True)
class Checked:
    """A DCAT request that passed ``check``, in normal form."""
    format: str | None = None
    profiles: list[str] | None = None
    page: int = 1
    modified_since: str | None = None
    q: str | None = None
    id: str | None = None


def served_profiles() -> list[str]:
    """The RDF profiles the portal serves (``ckanext.dcat.rdf.profiles``)."""
    return tk.aslist(tk.config.get("ckanext.dcat.rdf.profiles"))


def check(data_dict: DataDict, kind: Kind) -> Checked:
    """The request in normal form, or the reason it cannot be answered.

    ``kind`` is ``"catalog"`` (a catalogue page or search) or
    ``"dataset"`` (one dataset's RDF). Nothing is read from the database
    or the search index; a page past the last one and a dataset outside
    the catalogue are found out later (``check_page``, the action).

    :raises BadRequest: a malformed or unsupported parameter
    :raises tk.ObjectNotFound: a dataset id no dataset can have
    """
    if not isinstance(data_dict, dict):
        raise _refuse("data_dict", "Tham số phải là một đối tượng JSON",
                      "The parameters must be a JSON object")
    fields: dict[str, Any] = {
        "format": _format(data_dict.get("format")),
        "profiles": _profiles(data_dict.get("profiles"))}
    if kind == "dataset":
        fields["id"] = _dataset_id(data_dict.get("id"))
        return Checked(**fields)
    if data_dict.get("fq"):
        raise _refuse("fq", "Danh mục công khai không nhận tham số fq; dùng q",
                      "The public catalogue does not take fq; use q")
    fields["page"] = _page(data_dict.get("page"))
    fields["modified_since"] = parse_modified_since(
        data_dict.get("modified_since"))
    fields["q"] = _query(data_dict.get("q"))
    return Checked(**fields)


def check_page(checked: Checked, last: int) -> None:
    """A page past the ``last`` page of the catalogue is not found.

    :raises tk.ObjectNotFound: the page is past the last one
    """
    if checked.page > last:
        raise tk.ObjectNotFound(message(
            f"Trang yêu cầu vượt quá trang cuối ({last})",
            f"The page asked for is past the last page ({last})"))


def _format(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value not in FORMATS:
        shown = _shown(value)
        raise _refuse(
            "format",
            f"Định dạng không được hỗ trợ: {shown}; dùng một trong "
            f"{', '.join(FORMATS)}",
            f"Unsupported format {shown}; use one of {', '.join(FORMATS)}")
    return value


def _profiles(value: Any) -> list[str] | None:
    """Nothing, or profiles of the configured list, each once.

    ``profiles`` is a comma-separated string (pages, API GET) or a list of
    strings (API POST); ckanext-dcat would read a string letter by
    letter."""
    if value is None or value == "" or value == []:
        return None
    served = served_profiles()
    refusal = _refuse(
        "profiles",
        f"Cổng chỉ cung cấp hồ sơ RDF {', '.join(served)}, mỗi hồ sơ một lần,"
        " không có mục rỗng",
        f"This portal serves the RDF profiles: {', '.join(served)} "
        "(each at most once, no empty items)")
    if isinstance(value, str):
        if len(value) > _MAX_PROFILES_LENGTH:
            raise refusal
        names: list[Any] = value.split(",")
    elif isinstance(value, list) and len(value) <= len(served):
        names = value
    else:
        raise refusal
    if any(not isinstance(name, str) or name not in served
           for name in names) or len(set(names)) != len(names):
        raise refusal
    return names


def _page(value: Any) -> int:
    if value is None or value == "":
        return 1
    if isinstance(value, str) and _PAGE.fullmatch(value.strip()):
        digits = value.strip().lstrip("0")
        if len(digits) > _MAX_PAGE_DIGITS:
            # past the last page of any catalogue: not worth converting
            return 10 ** _MAX_PAGE_DIGITS
        value = int(digits or "0")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return min(value, 10 ** _MAX_PAGE_DIGITS)
    raise _refuse("page", "Số trang phải là số nguyên dương",
                  "page must be a positive integer")


def parse_modified_since(value: Any) -> str | None:
    """ISO 8601 date or date-time → UTC search time; naive times are UTC.

    :raises BadRequest: not an ISO 8601 date-time, or one that cannot be
        told in UTC (``0001-01-01T00:00:00+14:00``)
    """
    if value is None or value == "":
        return None
    try:
        if not isinstance(value, str) or len(value) > _MAX_DATE_LENGTH:
            raise ValueError(value)
        moment = dateutil.parser.isoparse(value)
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise _refuse(
            "modified_since",
            "modified_since phải theo ISO 8601, vd. 2025-01-31T00:00:00Z",
            "modified_since must be ISO 8601, e.g. 2025-01-31T00:00:00Z"
        ) from None
    # strftime writes year 1 as "1", not "0001"
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
            f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z")


def _query(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _refuse("q", "Truy vấn q phải là một chuỗi",
                      "q must be a string")
    if len(value) > MAX_QUERY_LENGTH:
        raise _refuse(
            "q", f"Truy vấn q dài quá {MAX_QUERY_LENGTH} ký tự",
            f"q is longer than {MAX_QUERY_LENGTH} characters")
    if is_bad_text(value):
        raise _refuse(
            "q",
            "Truy vấn q chứa ký tự không hợp lệ (NUL hoặc nửa cặp UTF-16)",
            "q contains an invalid character (NUL or a lone UTF-16 "
            "surrogate)")
    return value


def _dataset_id(value: Any) -> str:
    if value is None or value == "":
        raise _refuse("id", "Thiếu id của bộ dữ liệu",
                      "The dataset id is missing")
    if not isinstance(value, str):
        raise _refuse("id", "id của bộ dữ liệu phải là một chuỗi",
                      "The dataset id must be a string")
    # no dataset has such an id or name: not found, without asking
    # PostgreSQL (which cannot hold NUL) or the search
    if len(value) > _MAX_ID_LENGTH or is_bad_text(value):
        raise tk.ObjectNotFound(NOT_FOUND)
    return value
