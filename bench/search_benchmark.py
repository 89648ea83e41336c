"""Benchmark of the nd47_search PostgreSQL backend (a script, not a test).

Loads N generated datasets through CKAN's action API, times a full
``search-index rebuild`` and measures ``package_search`` latency (p50/p95)
for three workloads:

* free text: two words typed without diacritics;
* filtered: two ``fq`` filters and three facet fields;
* listing: all datasets sorted by title, first page.

Run it with ``./bin/dev bench`` (which starts a throw-away PostgreSQL and
Redis); it prints a Markdown table for the README.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from typing import Any, Callable

from common import ensure_sysadmin, percentile, words

FORMATS = ["CSV", "JSON", "XLSX", "PDF", "XML", "GeoJSON"]
SECTORS = ["AGRI", "ECON", "EDUC", "ENVI", "GOVE", "HEAL", "TRAN"]
FREQUENCIES = ["Hàng ngày", "Hàng tháng", "Hàng quý", "Hàng năm"]


def load(n: int, seed: int) -> None:
    import ckan.plugins.toolkit as tk
    from ckan import model

    rng = random.Random(seed)
    ensure_sysadmin()
    context = {"user": "bench-admin"}
    existing = model.Session.query(model.Package).count()
    orgs = []
    for i in range(20):
        name = f"co-quan-{i:02d}"
        try:
            tk.get_action("organization_show")(dict(context), {"id": name})
        except tk.ObjectNotFound:
            tk.get_action("organization_create")(dict(context), {
                "name": name, "title": f"Cơ quan {words(rng, 2)} {i}",
                "agency_code": f"000.00.{i:02d}.H75", "level": "province"})
        orgs.append(name)
    started = time.perf_counter()
    for i in range(existing, n):
        tk.get_action("package_create")(dict(context), {
            "name": f"bo-du-lieu-{i:05d}",
            "title": f"{words(rng, 3).capitalize()} {i}",
            "notes": words(rng, 25),
            "owner_org": orgs[i % len(orgs)],
            "private": i % 10 == 0,
            "license_id": "cc-by",
            "tags": [{"name": t} for t in
                     dict.fromkeys(words(rng, 2) for _ in range(3))],
            "extras": [{"key": "tan_suat",
                        "value": rng.choice(FREQUENCIES)}],
            "resources": [{"url": f"http://example.vn/{i}.{f.lower()}",
                           "format": f}
                          for f in ["CSV"] + rng.sample(
                              FORMATS, rng.randint(0, 2))],
            # complete Decree 47 metadata, so public datasets pass the rules
            "classification": "open",
            "sector": rng.choice(SECTORS),
            "spatial_coverage": ["75"],
            "legal_basis": words(rng, 8),
            "publishing_methods": ["download"],
            "personal_information": "none",
            "security_assessment": words(rng, 10),
            "catalogue_reviewed": "2026-10-01",
            "data_updated": "2026-11-01",
            "national_portal": rng.random() < 0.7,
        })
        if (i + 1) % 100 == 0:
            # keep the ORM session small; it is the loader's cost, not CKAN's
            model.Session.remove()
        if (i + 1) % 1000 == 0:
            rate = (i + 1 - existing) / (time.perf_counter() - started)
            print(f"  created {i + 1}/{n} datasets ({rate:.0f}/s)",
                  file=sys.stderr)


def measure(runs: int, seed: int) -> dict[str, Any]:
    import ckan.plugins.toolkit as tk
    from ckan.lib import search

    rng = random.Random(seed + 1)
    timings: dict[str, Any] = {}

    started = time.perf_counter()
    search.rebuild(quiet=True)
    search.commit()
    timings["rebuild_seconds"] = time.perf_counter() - started

    def run(make_params: Callable[[], dict[str, Any]]) -> dict[str, float]:
        samples = []
        for i in range(runs + 10):
            params = make_params()
            t0 = time.perf_counter()
            result = tk.get_action("package_search")(
                {"user": "", "ignore_auth": False}, params)
            elapsed = (time.perf_counter() - t0) * 1000
            if i >= 10:  # warm-up
                samples.append(elapsed)
            assert result["count"] >= 0
        return {"p50_ms": statistics.median(samples),
                "p95_ms": percentile(samples, 95),
                "runs": len(samples)}

    def fold(words: str) -> str:
        from ckanext.nd47.search.text import fold as _fold
        return _fold(words)

    timings["free_text"] = run(lambda: {"q": fold(words(rng, 2))})
    timings["two_fq_three_facets"] = run(lambda: {
        "fq": f"organization:co-quan-{rng.randrange(20):02d} "
              f"+res_format:{rng.choice(FORMATS)}",
        "facet.field": json.dumps(["organization", "tags", "res_format"]),
    })
    timings["sorted_listing"] = run(lambda: {
        "q": "*:*", "sort": "title_string asc", "rows": 20,
        "start": rng.choice([0, 20, 40])})
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ini", required=True)
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=47)
    args = parser.parse_args()

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(args.ini))
    with app._wsgi_app.test_request_context():
        load(args.datasets, args.seed)
        timings = measure(args.runs, args.seed)

    machine = (f"{os.cpu_count()} cores, {platform.machine()}, Python "
               f"{platform.python_version()}")
    print(json.dumps({"datasets": args.datasets, "machine": machine,
                      **timings}, indent=2))
    print()
    print(f"{args.datasets:,} datasets, {machine}; index rebuild "
          f"{timings['rebuild_seconds']:.0f} s "
          f"({args.datasets / timings['rebuild_seconds']:.0f} datasets/s)")
    print()
    print("| package_search | p50 | p95 |")
    print("| --- | --- | --- |")
    for key, label in (("free_text", "free text, no diacritics"),
                       ("two_fq_three_facets", "2 fq filters + 3 facets"),
                       ("sorted_listing", "listing sorted by title")):
        t = timings[key]
        print(f"| {label} | {t['p50_ms']:.1f} ms | {t['p95_ms']:.1f} ms |")


if __name__ == "__main__":
    main()
