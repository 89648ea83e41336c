"""Overhead of the nd47 schemas and compliance engine (a script, not a test).

Compares ``package_create`` and ``package_show`` of the nd47 ``dataset``
type (its schema, validators, the publication gate running the rulebook and
the index hook) with ckanext-scheming's own default schema
(``ckanext.scheming:ckan_dataset.yaml``), registered in the same process
under another dataset type, on the same machine, database and search
backend in one run.

The default schema is loaded at run time, given the dataset type
``scheming-default`` in memory, written to a temporary file and added to
``scheming.dataset_schemas`` before the plugins load. The two types are
created and shown alternately (ABBA order) so drift of the machine or of
the database cancels out; a warm-up of each type comes first.

Three operations are timed, in-process through ``tk.get_action`` as a
sysadmin:

* ``package_create``: a complete, public, compliant open dataset (so the
  gate evaluates the whole rulebook) with 1-2 resources; the default-schema
  dataset gets the same core fields, tags and resources;
* ``package_show``: CKAN's default path, served from the search index's
  validated copy when it is current;
* ``package_show`` with ``use_cache=False``: the dataset read from the
  database and run through the show schema (output validators).

Run it with ``./bin/dev bench schema`` (which starts a throw-away
PostgreSQL and Redis); it prints a Markdown table for the README and writes
the numbers as JSON (``.dev/bench/schema-benchmark.json`` or ``--out``).
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from common import percentile

import yaml

ROOT = Path(__file__).resolve().parent.parent
ND47 = "dataset"
DEFAULT = "scheming-default"
TYPES = (ND47, DEFAULT)
USER = "bench-admin"
ORG = "schema-bench-agency"
PREFIX = "schema-bench-"
OPERATIONS = (
    ("create", "package_create"),
    ("show", "package_show"),
    ("show_nocache", "package_show, use_cache=False"),
)
GOALS = {"create": 1.5, "show": 1.3}


def _summary(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": statistics.median(samples),
            "p95_ms": percentile(samples, 95),
            "mean_ms": statistics.fmean(samples),
            "runs": len(samples)}


def default_schema_file(directory: str) -> str:
    """ckanext-scheming's default dataset schema under the dataset type
    ``scheming-default``, as a ``file://`` URL scheming can load."""
    import ckanext.scheming

    source = Path(ckanext.scheming.__file__).parent / "ckan_dataset.yaml"
    schema = yaml.safe_load(source.read_text(encoding="utf-8"))
    schema["dataset_type"] = DEFAULT
    path = Path(directory) / "scheming_default_dataset.yaml"
    path.write_text(yaml.safe_dump(schema, allow_unicode=True),
                    encoding="utf-8")
    return path.as_uri()


def _days_ago(days: int) -> str:
    return (dt.date.today() - dt.timedelta(days=days)).isoformat()


def _core(i: int, kind: str) -> dict[str, Any]:
    """The fields both types share: CKAN's core fields and resources."""
    resources = [{"url": f"https://data.example.vn/{kind}/{i}.csv",
                  "format": "CSV", "name": "Dữ liệu CSV",
                  "description": "Bảng số liệu quan trắc theo tháng."}]
    if i % 2:
        resources.append({"url": f"https://data.example.vn/{kind}/{i}.json",
                          "format": "JSON", "name": "Dữ liệu JSON",
                          "description": "Cùng số liệu ở dạng JSON."})
    return {
        "name": f"{PREFIX}{kind}-{i:05d}",
        "title": f"Chất lượng không khí trạm {i}",
        "notes": "Kết quả quan trắc chất lượng không khí hằng tháng của "
                 "các trạm tự động trên địa bàn tỉnh.",
        "owner_org": ORG,
        "private": False,
        "license_id": "cc-by",
        "maintainer": "Nguyễn Thị Lan",
        "maintainer_email": "dau-moi@example.vn",
        "tags": [{"name": "môi trường"}, {"name": "không khí"}],
        "resources": resources,
    }


def nd47_dataset(i: int) -> dict[str, Any]:
    """A complete, public open dataset that passes every rule (as
    tests/factories.py OpenDataset)."""
    return {**_core(i, "nd47"), "type": ND47,
            "classification": "open", "sector": "ENVI",
            "spatial_coverage": ["75"], "update_frequency": "MONTHLY",
            "legal_basis": "Quyết định số 123/QĐ-UBND về danh mục dữ liệu mở",
            "publishing_methods": ["download"], "anonymous_access": True,
            "free_of_charge": True, "personal_information": "none",
            "security_assessment": "Đã đánh giá: không có rủi ro an ninh.",
            "catalogue_reviewed": _days_ago(30),
            "data_updated": _days_ago(10), "national_portal": True}


def default_dataset(i: int) -> dict[str, Any]:
    return {**_core(i, "default"), "type": DEFAULT}


MAKERS: dict[str, Callable[[int], dict[str, Any]]] = {
    ND47: nd47_dataset, DEFAULT: default_dataset}


def setup() -> None:
    """The sysadmin and the agency; datasets of earlier runs are purged so
    every run starts from the same database."""
    import ckan.plugins.toolkit as tk
    from ckan import model

    if not model.User.get(USER):
        tk.get_action("user_create")({"ignore_auth": True}, {
            "name": USER, "email": "bench@nd47.example.vn",
            "password": "Bench-password-1"})
    user = model.User.get(USER)
    if not user.sysadmin:
        user.sysadmin = True
        model.Session.commit()
    context = {"user": USER}
    try:
        tk.get_action("organization_show")(dict(context), {"id": ORG})
    except tk.ObjectNotFound:
        tk.get_action("organization_create")(dict(context), {
            "name": ORG, "title": "Sở Tài nguyên và Môi trường",
            "agency_code": "000.00.47.H40", "level": "province"})
    old = [name for (name,) in model.Session.query(model.Package.name)
           .filter(model.Package.name.like(f"{PREFIX}%"))]
    if old:
        print(f"  purging {len(old)} datasets of an earlier run",
              file=sys.stderr)
    # Purging a resource makes CKAN try to re-index its (gone) dataset and
    # log the NotFound; the dataset's own search row is removed all the same.
    noisy = logging.getLogger("ckan.model.modification")
    level, noisy.level = noisy.level, logging.CRITICAL
    try:
        for name in old:
            tk.get_action("dataset_purge")(dict(context), {"id": name})
    finally:
        noisy.setLevel(level)
    model.Session.remove()


def _check(created: dict[str, Any], kind: str) -> None:
    """The datasets are what the comparison claims they are."""
    assert created["type"] == kind and not created["private"], created
    assert created["state"] == "active", created
    if kind == ND47:
        from ckanext.nd47.compliance import gate
        report = gate.evaluate(created)
        assert report.applies and report.compliant, [
            r.rule.id for r in report.failures]


def measure(n: int, warmup: int) -> dict[str, Any]:
    import ckan.plugins.toolkit as tk
    from ckan import model

    create = tk.get_action("package_create")
    show = tk.get_action("package_show")
    samples: dict[str, dict[str, list[float]]] = {
        op: {t: [] for t in TYPES} for op, _ in OPERATIONS}
    names: dict[str, list[str]] = {t: [] for t in TYPES}

    def order(i: int) -> tuple[str, ...]:
        return TYPES if i % 2 == 0 else TYPES[::-1]  # ABBA

    def timed(fn: Callable[..., Any], context: dict[str, Any],
              data: dict[str, Any]) -> tuple[float, Any]:
        t0 = time.perf_counter()
        result = fn(context, data)
        return (time.perf_counter() - t0) * 1000, result

    gc.collect()
    started = time.perf_counter()
    for i in range(warmup + n):
        for kind in order(i):
            ms, created = timed(create, {"user": USER}, MAKERS[kind](i))
            if i == 0 or i == 1:
                _check(created, kind)
            if i >= warmup:
                samples["create"][kind].append(ms)
                names[kind].append(created["name"])
        if (i + 1) % 50 == 0:
            model.Session.remove()  # the loop's cost, not CKAN's
        if (i + 1) % 100 == 0:
            print(f"  created {i + 1}/{warmup + n} datasets of each type "
                  f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)

    for op, extra in (("show", {}), ("show_nocache", {"use_cache": False})):
        for i in range(warmup):  # warm this path's caches too
            for kind in TYPES:
                show({"user": USER, **extra}, {"id": names[kind][i]})
        for i in range(n):
            for kind in order(i):
                ms, shown = timed(show, {"user": USER, **extra},
                                  {"id": names[kind][i]})
                samples[op][kind].append(ms)
                if i < 2:
                    _check(shown, kind)
            if (i + 1) % 50 == 0:
                model.Session.remove()

    results: dict[str, Any] = {}
    for op, _ in OPERATIONS:
        by_type = {t: _summary(samples[op][t]) for t in TYPES}
        results[op] = {
            **by_type,
            "ratio_p50": by_type[ND47]["p50_ms"] / by_type[DEFAULT]["p50_ms"],
            "ratio_mean": (by_type[ND47]["mean_ms"]
                           / by_type[DEFAULT]["mean_ms"]),
        }
    return results


def table(results: dict[str, Any]) -> str:
    lines = [
        "| operation | schema | p50 | p95 | mean | nd47/default p50 "
        "| nd47/default mean | goal |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for op, label in OPERATIONS:
        r = results[op]
        goal = GOALS.get("show" if op.startswith("show") else op)
        for kind, schema in ((ND47, "nd47 `dataset`"),
                             (DEFAULT, "scheming default")):
            t = r[kind]
            ratios = (f"**{r['ratio_p50']:.2f}×** | "
                      f"**{r['ratio_mean']:.2f}×** | ≤ {goal}×"
                      if kind == ND47 else "| |")
            lines.append(f"| {label} | {schema} | {t['p50_ms']:.1f} ms "
                         f"| {t['p95_ms']:.1f} ms | {t['mean_ms']:.1f} ms "
                         f"| {ratios} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ini", required=True)
    parser.add_argument("--datasets", type=int, default=300,
                        help="timed datasets of each type (default 300)")
    parser.add_argument("--warmup", type=int, default=20,
                        help="untimed datasets of each type first")
    parser.add_argument("--out", default=str(ROOT / ".dev" / "bench" /
                                             "schema-benchmark.json"))
    args = parser.parse_args()

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    with tempfile.TemporaryDirectory(prefix="nd47-bench-") as tmp:
        config = load_config(args.ini)
        config["scheming.dataset_schemas"] = " ".join(
            [config.get("scheming.dataset_schemas", ""),
             default_schema_file(tmp)]).strip()
        app = make_app(config)
        with app._wsgi_app.test_request_context():
            setup()
            results = measure(args.datasets, args.warmup)

    machine = (f"{os.cpu_count()} cores, "
               f"{platform.processor() or platform.machine()}, "
               f"Python {platform.python_version()}")
    out = {"datasets_per_type": args.datasets, "warmup": args.warmup,
           "machine": machine, "goals": GOALS, **results}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
    print(f"{args.datasets} datasets of each type (after {args.warmup} "
          f"untimed), interleaved, one process; {machine}; PostgreSQL "
          f"search backend (nd47_search) for both")
    print()
    print(table(results))
    print()
    print(f"(numbers written to {args.out})")


if __name__ == "__main__":
    main()
