"""Solr date math for range queries: ``NOW``, ``NOW-7DAYS``, ``NOW/DAY``,
``2024-01-01T00:00:00Z+1MONTH`` and plain ISO dates.

Only what CKAN users write in ``fq`` ranges (``metadata_modified:[NOW-1YEAR
TO *]``) is supported; anything else is a :class:`ValueError`.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from dateutil.parser import isoparse
from dateutil.relativedelta import relativedelta

_UNITS = {
    "YEAR": "years", "MONTH": "months", "DAY": "days", "DATE": "days",
    "HOUR": "hours", "MINUTE": "minutes", "SECOND": "seconds",
}
_EXPR_RE = re.compile(
    r"^(?P<anchor>NOW|\d{4}-\d{2}-\d{2}(?:T[\d:.]+)?Z?)"
    r"(?P<ops>(?:[+-]\d{1,6}[A-Z]+|/[A-Z]+)*)$"
)
_OP_RE = re.compile(r"([+-]\d{1,6}|/)([A-Z]+)")
_UNIT_ORDER = ["years", "months", "days", "hours", "minutes", "seconds"]


def _truncate(value: dt.datetime, unit: str) -> dt.datetime:
    """Round down to the start of ``unit`` (Solr's ``/DAY`` etc.)."""
    level = _UNIT_ORDER.index(unit)
    value = value.replace(microsecond=0)
    if level <= 4:
        value = value.replace(second=0)
    if level <= 3:
        value = value.replace(minute=0)
    if level <= 2:
        value = value.replace(hour=0)
    if level <= 1:
        value = value.replace(day=1)
    if level == 0:
        value = value.replace(month=1)
    return value


def _unit(name: str) -> str:
    unit = _UNITS.get(name[:-1] if name.endswith("S") else name)
    if unit is None:
        raise ValueError(f"unknown date unit {name!r}")
    return unit


def parse(expression: str, now: dt.datetime | None = None) -> dt.datetime:
    """Evaluate a Solr date-math expression to an aware UTC datetime."""
    match = _EXPR_RE.match(expression.strip().upper())
    if not match:
        raise ValueError(f"not a date: {expression!r}")
    anchor = match.group("anchor")
    if anchor == "NOW":
        value = now or dt.datetime.now(dt.timezone.utc)
    else:
        value = isoparse(anchor.rstrip("Z"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    for amount, unit_name in _OP_RE.findall(match.group("ops")):
        unit = _unit(unit_name)
        if amount == "/":
            value = _truncate(value, unit)
        else:
            shift: dict[str, Any] = {unit: int(amount)}
            value = value + relativedelta(**shift)
    return value
