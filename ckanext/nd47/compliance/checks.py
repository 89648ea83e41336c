"""The check kinds a rulebook rule may use.

A check is data in the rulebook (``{kind: present, field: legal_basis}``);
this module turns it into a predicate over a dataset dict. Kinds are small
and composable, so a new rulebook needs no new code unless it needs a new
kind of test.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Mapping

from dateutil.parser import isoparse
from dateutil.relativedelta import relativedelta

Dataset = Mapping[str, Any]
Predicate = Callable[[Dataset, dt.date], bool]


class CheckError(ValueError):
    """A rulebook describes a check the engine cannot build."""


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _formats(dataset: Dataset) -> list[str]:
    return [str(r.get("format") or "").strip().upper()
            for r in dataset.get("resources") or []]


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return isoparse(value).date()
        except ValueError:
            return None
    return None


def _field(spec: Mapping[str, Any]) -> str:
    field = spec.get("field")
    if not isinstance(field, str) or not field:
        raise CheckError(f"check {spec.get('kind')!r} needs a 'field'")
    return field


def build(spec: Mapping[str, Any],
          vocabularies: Mapping[str, list[str]]) -> Predicate:
    """Turn a check described in a rulebook into a predicate."""
    kind = spec.get("kind")
    builder = _BUILDERS.get(str(kind))
    if builder is None:
        raise CheckError(
            f"unknown check kind {kind!r}; known: {sorted(_BUILDERS)}")
    return builder(spec, vocabularies)


def _present(spec, vocabularies) -> Predicate:
    field = _field(spec)
    return lambda dataset, today: not _is_empty(dataset.get(field))


def _one_of(spec, vocabularies) -> Predicate:
    field = _field(spec)
    allowed = set(spec.get("values") or [])
    if not allowed:
        raise CheckError("check 'one_of' needs 'values'")
    return lambda dataset, today: dataset.get(field) in allowed


def _is_true(spec, vocabularies) -> Predicate:
    field = _field(spec)
    expected = spec.get("value", True)
    return lambda dataset, today: dataset.get(field) is expected \
        or str(dataset.get(field)).lower() == str(expected).lower()


def _contains_any(spec, vocabularies) -> Predicate:
    field = _field(spec)
    wanted = set(spec.get("values") or [])
    if not wanted:
        raise CheckError("check 'contains_any' needs 'values'")

    def check(dataset: Dataset, today: dt.date) -> bool:
        value = dataset.get(field) or []
        values = [value] if isinstance(value, str) else list(value)
        return bool(wanted.intersection(values))
    return check


def _resource_format_in(spec, vocabularies) -> Predicate:
    name = spec.get("vocabulary")
    if name not in vocabularies:
        raise CheckError(f"unknown vocabulary {name!r}")
    allowed = {f.upper() for f in vocabularies[name]}
    return lambda dataset, today: any(f in allowed
                                      for f in _formats(dataset))


def _within_months(spec, vocabularies) -> Predicate:
    field = _field(spec)
    months = spec.get("months")
    if not isinstance(months, int) or months <= 0:
        raise CheckError("check 'within_months' needs whole 'months'")

    def check(dataset: Dataset, today: dt.date) -> bool:
        date = _as_date(dataset.get(field))
        return date is not None and \
            date + relativedelta(months=months) >= today
    return check


def _when(spec, vocabularies) -> Predicate:
    condition = build(spec.get("if") or {}, vocabularies)
    then = build(spec.get("then") or {}, vocabularies)
    return lambda dataset, today: (not condition(dataset, today)
                                   or then(dataset, today))


def _all(spec, vocabularies) -> Predicate:
    parts = [build(s, vocabularies) for s in spec.get("checks") or []]
    if not parts:
        raise CheckError("check 'all' needs 'checks'")
    return lambda dataset, today: all(p(dataset, today) for p in parts)


def _any(spec, vocabularies) -> Predicate:
    parts = [build(s, vocabularies) for s in spec.get("checks") or []]
    if not parts:
        raise CheckError("check 'any' needs 'checks'")
    return lambda dataset, today: any(p(dataset, today) for p in parts)


_BUILDERS: dict[str, Callable[..., Predicate]] = {
    "present": _present,
    "one_of": _one_of,
    "is_true": _is_true,
    "contains_any": _contains_any,
    "resource_format_in": _resource_format_in,
    "within_months": _within_months,
    "when": _when,
    "all": _all,
    "any": _any,
}
