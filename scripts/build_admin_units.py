"""Regenerate ckanext/nd47/data/admin-units.json.gz, the code lists the
spatial-coverage validator checks against.

The data comes from vietnamadminunits 1.0.4 (MIT), which agrees code for
code with the official 2025 list (34 provinces, 3,321 communes/wards) and
carries the last pre-2025 snapshot (63 provinces, 696 districts, ~10,000
communes). It is read once here, so the portal does not depend on that
package (numpy, shapely, an online geocoder) at run time.
vietnam-provinces 2025.10.1, the newest release for Python 3.11, still
ships the draft 2025 codes (121 wards differ from the official list).

    python -m venv /tmp/units && /tmp/units/bin/pip install vietnamadminunits==1.0.4
    /tmp/units/bin/python scripts/build_admin_units.py
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from vietnamadminunits.database import query

OUT = Path(__file__).resolve().parents[1] / "ckanext/nd47/data/admin-units.json.gz"


def main() -> None:
    current = query("SELECT provinceCode, province, wardCode, ward "
                    "FROM admin_units")
    legacy = query("SELECT provinceCode, province, districtCode, district, "
                   "wardCode, ward FROM admin_units_legacy")
    data = {
        "source": "vietnamadminunits 1.0.4",
        "current": {
            "provinces": {r["provinceCode"]: r["province"] for r in current},
            "communes": {r["wardCode"]: [r["ward"], r["provinceCode"]]
                         for r in current},
        },
        "pre2025": {
            "provinces": {r["provinceCode"]: r["province"] for r in legacy},
            "districts": {r["districtCode"]: [r["district"], r["provinceCode"]]
                          for r in legacy if r["districtCode"]},
            "communes": {r["wardCode"]: [r["ward"], r["districtCode"]]
                         for r in legacy if r["wardCode"]},
        },
    }
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    with gzip.GzipFile(OUT, "wb", mtime=0) as f:
        f.write(text.encode("utf-8"))
    for era, lists in (("current", data["current"]),
                       ("pre2025", data["pre2025"])):
        print(era, {k: len(v) for k, v in lists.items()})


if __name__ == "__main__":
    main()
