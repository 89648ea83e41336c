"""Bad input at the web layer: one gate in front of every page and API
call, and one place for the input errors CKAN's own code does not catch.

The gate refuses input that no part of the portal can store or process: a
NUL character or a lone UTF-16 surrogate, anywhere in the path, the query
string, a form or a JSON body, and API bodies that are not a JSON object.

Why here and not in each action: PostgreSQL text cannot hold NUL, and a
lone surrogate (JSON ``"\\ud800"``) cannot be encoded as UTF-8, so both
fail deep inside CKAN's own code (``package_show``'s id lookup,
``package_autocomplete``, the activity plugin, the search) with a server
error. Rejecting them once, before any view runs, gives every endpoint —
CKAN's and ours — the same bilingual 400, and nothing is read or written.
Code called from Python (actions, jobs) keeps its own checks.

What slips past CKAN's own validation in its actions — a number where a
name is expected (``{"id": -1}`` reaches PostgreSQL as ``text = integer``),
``int()`` or ``asbool()`` of free text (``include_datasets=abc``,
``limit=_``), a body nested too deeply for the JSON decoder — is answered
as the client's mistake (400), with the session rolled back, instead of a
server error, and logged with its traceback: on pages by the error
handlers below; in the API by :func:`install`, because CKAN's API view
turns every exception an action raises into its own 500 before Flask's
error handlers could see it.
"""
from __future__ import annotations

import functools
import json
import logging
from typing import Any, Callable, Iterable

import sqlalchemy as sa
from flask import Blueprint

import ckan.model as model  # the session to roll back; not in the toolkit
import ckan.plugins.toolkit as tk

from ckanext.nd47.logic.validators import message

__all__ = ["nd47_request_guard"]

log = logging.getLogger(__name__)

nd47_request_guard = Blueprint("nd47_request_guard", __name__)

# the largest body this gate reads to look inside; CKAN refuses larger
# JSON bodies itself, and uploads are multipart (only the fields are read)
_MAX_JSON_BYTES = 10 * 1024 * 1024

BAD_CHARACTER = message(
    "Yêu cầu chứa ký tự không hợp lệ (NUL hoặc nửa cặp UTF-16)",
    "The request contains an invalid character (NUL or a lone UTF-16 "
    "surrogate)")
TOO_DEEP = message("Dữ liệu gửi lên lồng nhau quá sâu",
                   "The request body is nested too deeply")
WRONG_VALUE = message(
    "Một tham số có kiểu hoặc giá trị không hợp lệ (ví dụ một số ở chỗ cần "
    "tên hay mã định danh, hoặc chữ ở chỗ cần số hay true/false)",
    "A parameter has an invalid type or value (e.g. a number where a name "
    "or id is expected, or text where a number or true/false is expected)")
NOT_JSON = message("Nội dung gửi lên không phải một đối tượng JSON hợp lệ",
                   "The request body is not a valid JSON object")


def is_bad_text(value: str) -> bool:
    """Whether ``value`` holds a NUL or a lone surrogate."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _strings(value: Any, depth: int = 0) -> Iterable[str]:
    """Every string in a decoded JSON value, keys included."""
    if depth > 200:
        raise RecursionError
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, depth + 1)


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _api_body_strings(raw: bytes) -> Iterable[str]:
    """The strings of an API call's JSON body, which must be an object.

    CKAN's API view answers other bodies with an English-only 400, and
    takes ``NaN`` and ``Infinity`` (Python's decoder allows them) as
    numbers that no action expects.
    """
    if not raw or len(raw) > _MAX_JSON_BYTES:
        return []
    try:
        decoded = json.loads(raw, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise ValueError(BAD_CHARACTER) from None
    except ValueError:
        raise ValueError(NOT_JSON) from None
    if not isinstance(decoded, dict):
        raise ValueError(NOT_JSON)
    return list(_strings(decoded))


def _refuse(text: str) -> Any:
    if tk.request.path.startswith("/api/"):
        return {"help": tk.request.url, "success": False,
                "error": {"__type": "Bad request", "message": text}}, 400
    return tk.render("nd47/refused.html", {
        "errors": [text], "title": tk._("Bad request")}), 400


@nd47_request_guard.before_app_request
def reject_unusable_characters() -> Any:
    """A 400 for a request that carries text no endpoint could use."""
    request = tk.request
    try:
        values: list[str] = [request.path]
        for key, items in request.args.lists():
            values.append(key)
            values.extend(items)
        if request.mimetype in ("application/x-www-form-urlencoded",
                                "multipart/form-data"):
            for key, items in request.form.lists():
                values.append(key)
                values.extend(items)
            if request.path.startswith("/api/") and len(request.form) == 1 \
                    and next(iter(request.form.values())) in ("1", ""):
                # CKAN's API also takes a JSON document sent as a form key
                values.extend(_api_body_strings(
                    next(iter(request.form.keys())).encode()))
        elif request.path.startswith("/api/") and request.content_length:
            values.extend(_api_body_strings(request.get_data(cache=True)))
    except RecursionError:
        return _refuse(TOO_DEEP)
    except ValueError as error:
        return _refuse(str(error))
    if any(is_bad_text(value) for value in values):
        return _refuse(BAD_CHARACTER)
    return None


@nd47_request_guard.app_errorhandler(RecursionError)
def too_deep(error: RecursionError) -> Any:
    """A body nested thousands of levels deep exhausts Python's JSON
    decoder inside CKAN's API view, before any action runs."""
    model.Session.rollback()
    return _refuse(TOO_DEEP)


@nd47_request_guard.app_errorhandler(ValueError)
def wrong_value(error: ValueError) -> Any:
    """CKAN's own actions convert parameters with ``int()`` and
    ``asbool()`` without catching their ValueError."""
    log.warning("Refused a request CKAN could not convert: %s %s",
                tk.request.method, tk.request.path, exc_info=error)
    model.Session.rollback()
    return _refuse(WRONG_VALUE)


# PostgreSQL's classes of errors caused by the values of a query: data
# exceptions (22…) and a value of the wrong type (42804, 42883 "operator
# does not exist: text = integer")
_INPUT_SQLSTATES = ("22", "42804", "42883")


@nd47_request_guard.app_errorhandler(sa.exc.DataError)
@nd47_request_guard.app_errorhandler(sa.exc.ProgrammingError)
def wrong_type(error: sa.exc.DBAPIError) -> Any:
    """CKAN's model lookups pass a parameter's value to PostgreSQL as it
    came, so a number or a list where an id belongs fails there."""
    model.Session.rollback()
    code = getattr(error.orig, "pgcode", None) or ""
    if not code.startswith(_INPUT_SQLSTATES):
        raise error
    log.warning("Refused a request PostgreSQL could not run: %s %s (%s)",
                tk.request.method, tk.request.path, code, exc_info=error)
    return _refuse(WRONG_VALUE)


def _is_input_error(error: BaseException) -> bool:
    if isinstance(error, (ValueError, RecursionError)):
        return True
    if isinstance(error, (sa.exc.DataError, sa.exc.ProgrammingError)):
        code = getattr(error.orig, "pgcode", None) or ""
        return code.startswith(_INPUT_SQLSTATES)
    return False


# what CKAN's actions take as a name or an id, and hand to the database as
# it came: a number, list or object there fails as a server error
_TEXT_PARAMETERS = frozenset({
    "id", "name", "package_id", "resource_id", "user", "user_id",
    "username", "object", "object_type", "group", "org", "organization",
    "owner_org", "dataset", "capacity", "role", "type", "q", "sort",
})


def _not_text(data_dict: Any) -> list[str]:
    if not isinstance(data_dict, dict):
        return []
    return sorted(key for key in _TEXT_PARAMETERS.intersection(data_dict)
                  if data_dict[key] is not None
                  and not isinstance(data_dict[key], str))


def _answering_input_errors(action: Callable[..., Any]) -> Callable[..., Any]:
    """``action`` as the API view calls it, with input errors raised as
    the ValidationError (409) CKAN's view answers properly."""
    @functools.wraps(action)  # keeps side_effect_free and the docstring
    def call(context: Any, data_dict: Any = None) -> Any:
        wrong = _not_text(data_dict)
        if wrong:
            raise tk.ValidationError({key: [message(
                "Giá trị phải là một chuỗi văn bản",
                "The value must be a text string")] for key in wrong})
        try:
            return action(context, data_dict)
        except (ValueError, RecursionError, sa.exc.DataError,
                sa.exc.ProgrammingError) as error:
            if not _is_input_error(error):
                raise
            log.warning("Refused an API call CKAN could not process: %s",
                        getattr(action, "__name__", action), exc_info=error)
            model.Session.rollback()
            text = TOO_DEEP if isinstance(error, RecursionError) \
                else WRONG_VALUE
            raise tk.ValidationError({"message": [text]}) from None
    return call


def install(app: Any) -> Any:
    """Hand CKAN's API view actions that answer input errors (see the
    module's docstring); for ``IMiddleware.make_middleware``.

    The one place nd47 reaches into CKAN's web layer. CKAN's API view
    looks actions up through the module-level ``get_action`` of the
    ``ckan.views.api`` module it loaded for this app (CKAN loads its view
    modules afresh for each app, so the name is rebound in the view's own
    globals, once the blueprints are registered). Actions called from
    Python are unchanged.
    """
    view = app.view_functions.get("api.action")
    if view is None:
        return app
    namespace = view.__globals__
    lookup = namespace["get_action"]
    if getattr(lookup, "nd47_answers_input_errors", False):
        return app

    def get_action(name: str) -> Any:
        return _answering_input_errors(lookup(name))

    get_action.nd47_answers_input_errors = True  # type: ignore[attr-defined]
    namespace["get_action"] = get_action
    return app
