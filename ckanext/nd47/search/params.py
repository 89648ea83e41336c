"""What ``package_search`` accepts: the type and the bounds of each
parameter, checked before any work is done.

CKAN's own handling fails with a server error on inputs a client can send:
``asbool`` raises on ``include_private=abc``; ``natural_number_validator``
compares ``None < 0`` for ``rows=" "`` or ``start=""``; ``' '.join(fl)``
raises on a list holding a number; ``fq_list`` as a string is taken
character by character; a lone surrogate cannot be encoded for
PostgreSQL. And the parameters that fan out (facet fields, ``fl`` fields,
``fq_list`` entries, the length of a query) are not bounded at all. These
checks run first, in :func:`check`, so every such request gets a
bilingual refusal (HTTP 409, as CKAN answers search errors) instead.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any, Optional

from ckanext.nd47.logic.validators import message
from ckanext.nd47.search import text
from ckanext.nd47.search.lucene import QuerySyntaxError

# A query of this length holds far more words than anyone types and stays
# well below the clause bound (lucene.MAX_CLAUSES); parsing it takes a few
# tens of milliseconds.
MAX_QUERY_LENGTH = 4000
# qf, mm, sort, defType and the other short parameters
MAX_TEXT_LENGTH = 1000
MAX_FQ_LIST = 50
MAX_FL_FIELDS = 100
MAX_FACET_FIELDS = 50
MAX_FIELD_NAME = 200
MAX_SORT_CLAUSES = 10
# as the DCAT catalogue pages (dcat/catalogue.py)
MAX_START = 10 ** 9
# rows beyond ckan.search.rows_max are capped by CKAN; this only keeps the
# number a number
_MAX_DIGITS = 15

_QUERIES = ("q", "fq")
_TEXTS = ("sort", "qf", "facet", "defType", "mm", "df", "tie", "bf",
          "boost", "wt")
# the Solr parameters CKAN's package_search schema does not know
_UNSCHEMED = ("fq_list", "defType", "mm", "df", "tie", "bf", "boost", "wt")
# name: (smallest, largest or None)
_INTEGERS: dict[str, tuple[int, Optional[int]]] = {
    "rows": (0, None),
    "start": (0, MAX_START),
    "facet.limit": (-1, None),
    "facet.mincount": (0, None),
}
_BOOLEANS = ("include_private", "include_drafts", "include_deleted",
             "use_default_schema")
# the strings paste's asbool (used by CKAN) understands
_TRUTHY = frozenset({"true", "yes", "on", "y", "t", "1"})
_FALSY = frozenset({"false", "no", "off", "n", "f", "0", ""})
_INTEGER_RE = re.compile(r"^\s*[+-]?\d{1,%d}\s*$" % _MAX_DIGITS)
_FL_SPLIT_RE = re.compile(r"[\s,]+")


def _refuse(vi: str, en: str) -> QuerySyntaxError:
    return QuerySyntaxError(message(vi, en))


def _text(name: str, value: Any, limit: int) -> None:
    if not isinstance(value, str):
        raise _refuse(f"Tham số {name} phải là một chuỗi văn bản",
                      f"The {name} parameter must be a string")
    if text.is_unstorable(value):
        raise _refuse(
            f"Tham số {name} chứa ký tự không hợp lệ (NUL hoặc nửa cặp "
            "UTF-16)",
            f"The {name} parameter contains an invalid character (NUL or "
            "a lone UTF-16 surrogate)")
    if len(value) > limit:
        raise _refuse(f"Tham số {name} dài quá {limit} ký tự",
                      f"The {name} parameter is longer than {limit} "
                      "characters")


def _strings(name: str, value: Any) -> list[str]:
    """A string or a list of strings, as a list."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or \
            not all(isinstance(item, str) for item in items):
        raise _refuse(
            f"Tham số {name} phải là chuỗi hoặc danh sách chuỗi",
            f"The {name} parameter must be a string or a list of strings")
    return items


def _field_names(name: str, names: list[str], limit: int) -> None:
    if len(names) > limit:
        raise _refuse(f"Tham số {name} có quá {limit} trường",
                      f"The {name} parameter names more than {limit} "
                      "fields")
    for field in names:
        _text(name, field, MAX_FIELD_NAME)


def _integer(name: str, value: Any, low: int, high: Optional[int]) -> None:
    if isinstance(value, float) and math.isfinite(value) and \
            value.is_integer() and abs(value) < 10 ** _MAX_DIGITS:
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool) and \
            abs(value) < 10 ** _MAX_DIGITS:
        number = value
    elif isinstance(value, str) and _INTEGER_RE.match(value):
        number = int(value)
    else:
        raise _refuse(f"Tham số {name} phải là số nguyên",
                      f"The {name} parameter must be an integer")
    if number < low or (high is not None and number > high):
        shown = f"{low}–{high}" if high is not None else f"≥ {low}"
        raise _refuse(
            f"Tham số {name} phải là số nguyên trong khoảng {shown}",
            f"The {name} parameter must be an integer in {shown}")


def _boolean(name: str, value: Any) -> None:
    if isinstance(value, bool) or value in (0, 1):
        return
    if isinstance(value, str) and value.strip().lower() in _TRUTHY | _FALSY:
        return
    raise _refuse(f"Tham số {name} phải là true hoặc false",
                  f"The {name} parameter must be true or false")


def check(data_dict: dict[str, Any]) -> None:
    """Refuse, with a bilingual :class:`QuerySyntaxError`, a
    ``package_search`` request CKAN would fail on or whose cost would not
    be bounded. ``fq_list`` given as one string becomes a list of it (CKAN
    would take each of its characters as a filter), and a parameter CKAN
    passes on without its schema given as null is left out (CKAN would
    pass the null on: ``fq_list=null`` fails in ``list.extend``)."""
    for name in _UNSCHEMED:
        if name in data_dict and data_dict[name] is None:
            del data_dict[name]
    for name in _QUERIES:
        if data_dict.get(name) is not None:
            _text(name, data_dict[name], MAX_QUERY_LENGTH)
    for name in _TEXTS:
        if data_dict.get(name) is not None:
            _text(name, data_dict[name], MAX_TEXT_LENGTH)
    sort = data_dict.get("sort")
    if sort is not None and sort.count(",") >= MAX_SORT_CLAUSES:
        raise _refuse(
            f"Chỉ sắp xếp được theo tối đa {MAX_SORT_CLAUSES} trường",
            f"At most {MAX_SORT_CLAUSES} sort fields are allowed")
    for name, (low, high) in _INTEGERS.items():
        if data_dict.get(name) is not None:
            _integer(name, data_dict[name], low, high)
    for name in _BOOLEANS:
        if data_dict.get(name) is not None:
            _boolean(name, data_dict[name])

    if data_dict.get("fq_list") is not None:
        fq_list = _strings("fq_list", data_dict["fq_list"])
        if len(fq_list) > MAX_FQ_LIST:
            raise _refuse(f"Tham số fq_list có quá {MAX_FQ_LIST} bộ lọc",
                          f"The fq_list parameter holds more than "
                          f"{MAX_FQ_LIST} filters")
        for fq in fq_list:
            _text("fq_list", fq, MAX_QUERY_LENGTH)
        data_dict["fq_list"] = fq_list

    if data_dict.get("fl") is not None:
        fl = _strings("fl", data_dict["fl"])
        names = [f for item in fl for f in _FL_SPLIT_RE.split(item) if f]
        _field_names("fl", names, MAX_FL_FIELDS)

    facet_fields = data_dict.get("facet.field")
    if facet_fields is not None:
        if isinstance(facet_fields, str):
            _text("facet.field", facet_fields,
                  MAX_FACET_FIELDS * (MAX_FIELD_NAME + 4))
            try:
                facet_fields = json.loads(facet_fields)
            except (ValueError, RecursionError):
                raise _refuse(
                    "Tham số facet.field phải là danh sách JSON các tên "
                    "trường, ví dụ [\"tags\"]",
                    "The facet.field parameter must be a JSON list of "
                    "field names, e.g. [\"tags\"]") from None
        if not isinstance(facet_fields, list) or not all(
                isinstance(f, str) for f in facet_fields):
            raise _refuse(
                "Tham số facet.field phải là danh sách các tên trường",
                "The facet.field parameter must be a list of field names")
        _field_names("facet.field", facet_fields, MAX_FACET_FIELDS)

    extras = data_dict.get("extras")
    if extras is not None and not isinstance(extras, dict):
        raise _refuse("Tham số extras phải là một đối tượng",
                      "The extras parameter must be an object")
