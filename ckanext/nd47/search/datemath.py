"""Solr date math for range queries: ``NOW``, ``NOW-7DAYS``, ``NOW/DAY``,
``2024-01-01T00:00:00Z+1MONTH`` and plain ISO dates.

Only what CKAN users write in ``fq`` ranges (``metadata_modified:[NOW-1YEAR
TO *]``) is supported; anything else is a :class:`ValueError`.
"""
from __future__ import annotations

import datetime as dt
import re

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
_TRUNCATE = {
    "years": dict(month=1, day=1, hour=0, minute=0, second=0, microsecond=0),
    "months": dict(day=1, hour=0, minute=0, second=0, microsecond=0),
    "days": dict(hour=0, minute=0, second=0, microsecond=0),
    "hours": dict(minute=0, second=0, microsecond=0),
    "minutes": dict(second=0, microsecond=0),
    "seconds": dict(microsecond=0),
}


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
            value = value.replace(**_TRUNCATE[unit])
        else:
            value = value + relativedelta(**{unit: int(amount)})
    return value
