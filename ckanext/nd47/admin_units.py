"""Vietnam's administrative-unit codes, current (since the 2025
reorganisation: provinces and communes/wards) and pre-2025 (provinces,
districts, communes) for historical data.

The lists are a snapshot in ``data/admin-units.json.gz`` (see
``scripts/build_admin_units.py`` for its source). Many 2025 commune codes
reuse pre-2025 codes for a different unit, so a name is looked up in the
era the dataset's data belongs to.
"""
from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path
from typing import Any

_DATA = Path(__file__).resolve().parent / "data" / "admin-units.json.gz"
REFORM_DATE = "2025-07-01"  # two-level local government in force


@functools.lru_cache(maxsize=1)
def _units() -> dict[str, Any]:
    with gzip.open(_DATA, "rt", encoding="utf-8") as f:
        return json.load(f)


def _current(code: str) -> str | None:
    units = _units()["current"]
    if len(code) == 2:
        return units["provinces"].get(code)
    if len(code) == 5 and code in units["communes"]:
        name, province = units["communes"][code]
        return f"{name}, {units['provinces'][province]}"
    return None


def _pre2025(code: str) -> str | None:
    units = _units()["pre2025"]
    if len(code) == 2:
        return units["provinces"].get(code)
    if len(code) == 3 and code in units["districts"]:
        name, province = units["districts"][code]
        return f"{name}, {units['provinces'][province]}"
    if len(code) == 5 and code in units["communes"]:
        name, district = units["communes"][code]
        return f"{name}, {_pre2025(district)}"
    return None


def is_current(code: str) -> bool:
    return _current(code) is not None


def is_known(code: str) -> bool:
    """A current code, or a pre-2025 one (accepted for historical data)."""
    return _current(code) is not None or _pre2025(code) is not None


def resolve(code: str, historical: bool = False) -> tuple[str, str] | None:
    """``(era, name)`` of a unit, the era ``"2025"`` or ``"pre-2025"``;
    ``historical`` looks the code up in the pre-2025 lists first."""
    eras = (("pre-2025", _pre2025), ("2025", _current))
    for era, lookup in eras if historical else eras[::-1]:
        found = lookup(code)
        if found:
            return era, found
    return None


def name(code: str, historical: bool = False) -> str | None:
    """The unit's name with its province; ``historical`` looks the code up
    in the pre-2025 lists first."""
    if historical:
        return _pre2025(code) or _current(code)
    return _current(code) or _pre2025(code)
