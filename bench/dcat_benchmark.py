"""Benchmark of the DCAT-AP export (a script, not a test).

Loads N generated open datasets with complete Decree 47 metadata through
CKAN's action API, then measures, in one process and on the same data:

* a catalogue page (``dcat_catalog_show``, Turtle, 100 entries a page):
  the nd47 profile against stock ckanext-dcat's ``euro_dcat_ap_3``,
  page by page in alternation, after warm-up rounds;
* the whole catalogue: our streamed export against paging through the
  stock catalogue, each in a fresh child process so that peak memory
  (``ru_maxrss``) belongs to that export alone; the export is also run at
  a quarter, half and the whole catalogue to show its memory stays flat.

Stock ``euro_dcat_ap_3`` fails on nd47's ``spatial_coverage`` (a list of
administrative-unit codes, where it expects a list of objects). The stock
side therefore reads the same datasets with the codes handed over as
``{"text": code}`` objects; nothing else is changed.

Run it with ``./bin/dev bench dcat`` (which starts a throw-away PostgreSQL
and Redis); it prints Markdown tables for the README.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from typing import Any

from common import ensure_sysadmin, percentile, words

ENGLISH = ("population land weather education health transport budget "
           "business farming environment air water school hospital bus "
           "tourism festival market procedure planning power trees waste "
           "rice fishery labour prices statistics survey rainfall").split()
FORMATS = [("CSV", "text/csv"), ("JSON", "application/json"),
           ("XLSX", "application/vnd.openxmlformats-officedocument"
                    ".spreadsheetml.sheet"),
           ("PDF", "application/pdf"), ("XML", "application/xml"),
           ("GeoJSON", "application/geo+json")]
SECTORS = ["AGRI", "ECON", "EDUC", "ENVI", "GOVE", "HEAL", "TRAN"]
FREQUENCIES = ["DAILY", "MONTHLY", "QUARTERLY", "ANNUAL", "IRREG"]
UNITS = [["75"], ["26116"], ["26017"], ["75", "26116"]]
AGENCIES = 20


def _dataset(rng: random.Random, i: int, org: str) -> dict[str, Any]:
    start = rng.randint(2015, 2025)
    resources = []
    for fmt, mimetype in [FORMATS[0]] + rng.sample(FORMATS[1:],
                                                   rng.randint(0, 2)):
        resources.append({
            "name": f"{fmt} {i}", "url": f"https://du-lieu.example.vn/"
                                         f"{i}/tep.{fmt.lower()}",
            "format": fmt, "mimetype": mimetype,
            "access_type": "download", "size": rng.randint(1_000, 10**8),
            "hash": "sha256:" + "".join(rng.choice("0123456789abcdef")
                                        for _ in range(64))})
    return {
        "name": f"du-lieu-mo-{i:05d}",
        "title": f"{words(rng, 4).capitalize()} {i}",
        "title_en": f"{words(rng, 3, ENGLISH).capitalize()} {i}",
        "notes": words(rng, 30),
        "notes_en": words(rng, 20, ENGLISH),
        "owner_org": org,
        "license_id": "cc-by",
        "tags": [{"name": t} for t in
                 dict.fromkeys(words(rng, 2) for _ in range(3))],
        "classification": "open",
        "sector": rng.choice(SECTORS),
        "spatial_coverage": rng.choice(UNITS),
        "temporal_start": f"{start}-01-01",
        "temporal_end": f"{start}-12-31",
        "update_frequency": rng.choice(FREQUENCIES),
        "legal_basis": words(rng, 8),
        "publishing_methods": ["download"],
        "personal_information": "none",
        "security_assessment": words(rng, 10),
        "catalogue_reviewed": "2026-10-01",
        "data_updated": "2026-11-01",
        "national_portal": True,
        "maintainer": f"Cán bộ đầu mối {i % 97}",
        "maintainer_email": f"dau-moi-{i % 97}@du-lieu.example.vn",
        "maintainer_phone": f"0251 38{i % 10000:04d}",
        "resources": resources,
    }


def load(n: int, seed: int) -> None:
    import ckan.plugins.toolkit as tk
    from ckan import model

    rng = random.Random(seed)
    ensure_sysadmin()
    context = {"user": "bench-admin"}
    orgs = []
    for i in range(AGENCIES):
        name = f"co-quan-{i:02d}"
        try:
            tk.get_action("organization_show")(dict(context), {"id": name})
        except tk.ObjectNotFound:
            tk.get_action("organization_create")(dict(context), {
                "name": name, "title": f"Sở {words(rng, 2)} {i}",
                "agency_code": f"000.00.{i:02d}.H75", "level": "province",
                "focal_point_name": f"Đầu mối {i}",
                "focal_point_email": f"dau-moi.{i}@co-quan.example.vn",
                "focal_point_phone": f"0251 3822 {i:03d}"})
        orgs.append(name)
    existing = model.Session.query(model.Package).filter_by(
        type="dataset").count()
    started = time.perf_counter()
    for i in range(existing, n):
        tk.get_action("package_create")(
            dict(context), _dataset(rng, i, orgs[i % len(orgs)]))
        if (i + 1) % 100 == 0:
            model.Session.remove()
        if (i + 1) % 1000 == 0:
            rate = (i + 1 - existing) / (time.perf_counter() - started)
            print(f"  created {i + 1}/{n} datasets ({rate:.0f}/s)",
                  file=sys.stderr, flush=True)


def _stock_profile() -> Any:
    """Stock euro_dcat_ap_3, reading nd47's unit codes and checksums in
    the shapes it expects (see the module docstring)."""
    from ckanext.dcat.profiles.euro_dcat_ap_3 import EuropeanDCATAP3Profile

    class StockOnNd47(EuropeanDCATAP3Profile):
        def graph_from_dataset(self, dataset_dict: dict[str, Any],
                               dataset_ref: Any) -> None:
            d = dict(dataset_dict)
            d["spatial_coverage"] = [
                {"text": code} for code in d.get("spatial_coverage") or []]
            d["resources"] = [
                dict(r, hash=(r.get("hash") or "").partition(":")[2])
                for r in d.get("resources") or []]
            super().graph_from_dataset(d, dataset_ref)

    return StockOnNd47


def stock_page(page: int, fmt: str) -> str:
    """Stock ckanext-dcat's dcat_catalog_show, step by step, with the
    profile above in place of the one it would load by name."""
    from ckanext.dcat import logic
    from ckanext.dcat.processors import RDFSerializer

    data_dict = {"page": page, "format": fmt}
    query = logic._search_ckan_datasets({"user": ""}, data_dict)
    serializer = RDFSerializer(profiles=["euro_dcat_ap_3"])
    serializer._profiles = [_stock_profile()]
    return serializer.serialize_catalog(
        {}, query["results"], _format=fmt,
        pagination_info=logic._pagination_info(query, data_dict))


def our_page(page: int, fmt: str) -> str:
    import ckan.plugins.toolkit as tk

    return tk.get_action("dcat_catalog_show")(
        {"user": ""}, {"page": page, "format": fmt})


def measure_pages(rounds: int, seed: int, fmt: str) -> dict[str, Any]:
    """Ours and stock on the same random pages, alternating which goes
    first; 3 warm-up rounds are dropped."""
    import ckan.plugins.toolkit as tk

    rng = random.Random(seed)
    per_page = tk.asint(tk.config.get("ckanext.dcat.datasets_per_page"))
    last = max(1, -(-_open_count() // per_page))
    samples: dict[str, list[float]] = {"ours": [], "stock": []}
    sizes: dict[str, int] = {}
    for i in range(rounds + 3):
        page = rng.randint(1, last)
        order = [("ours", our_page), ("stock", stock_page)]
        if i % 2:
            order.reverse()
        for name, render in order:
            t0 = time.perf_counter()
            body = render(page, fmt)
            elapsed = (time.perf_counter() - t0) * 1000
            if i >= 3:
                samples[name].append(elapsed)
                sizes[name] = len(body.encode())
    result: dict[str, Any] = {}
    for name, values in samples.items():
        result[name] = {"p50_ms": statistics.median(values),
                        "p95_ms": percentile(values, 95),
                        "mean_ms": statistics.fmean(values),
                        "bytes": sizes[name]}
    result["ratio_p50"] = result["ours"]["p50_ms"] / result["stock"]["p50_ms"]
    result["ratio_mean"] = (result["ours"]["mean_ms"]
                            / result["stock"]["mean_ms"])
    result["rounds"] = rounds
    return result


def _open_count() -> int:
    import ckan.plugins.toolkit as tk

    return tk.get_action("package_search")(
        {"user": ""}, {"q": "*:*", "rows": 0})["count"]


class _Sink:
    """Counts what an export writes, keeping none of it."""

    def __init__(self) -> None:
        self.bytes = 0

    def write(self, piece: str) -> None:
        self.bytes += len(piece.encode())


def run_export(which: str, since: str | None) -> dict[str, Any]:
    """One whole export in this (fresh) process: ours streamed, or
    paging through the stock catalogue page by page."""
    import ckan.plugins.toolkit as tk
    from ckanext.nd47.dcat import export

    sink = _Sink()
    stats: dict[str, int] = {}
    t0 = time.perf_counter()
    if which == "ours":
        for piece in export.stream(since, stats=stats):
            sink.write(piece)
    else:
        per_page = tk.asint(tk.config.get("ckanext.dcat.datasets_per_page"))
        pages = max(1, -(-_open_count() // per_page))
        for page in range(1, pages + 1):
            sink.write(stock_page(page, "ttl"))
        stats["entries"] = _open_count()
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "bytes": sink.bytes,
            "peak_rss_mb": resource.getrusage(
                resource.RUSAGE_SELF).ru_maxrss / 1024, **stats}


def _child(args: argparse.Namespace, *extra: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--ini", args.ini, *extra],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _forget_entries() -> None:
    """Empty the kept entries: the next export writes every one."""
    import sqlalchemy as sa
    from ckan import model

    model.Session.execute(sa.text("DELETE FROM nd47_dcat_entry"))
    model.Session.commit()


def _since_for_newest(n: int) -> str:
    """A modified_since that keeps the n most recently changed datasets."""
    import ckan.plugins.toolkit as tk

    total = _open_count()
    if n >= total:
        return ""
    oldest_kept = tk.get_action("package_search")(
        {"user": ""}, {"q": "*:*", "rows": 1, "start": n - 1,
                       "sort": "metadata_modified desc"})["results"][0]
    return oldest_kept["metadata_modified"]


def _app(ini: str) -> Any:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    return make_app(load_config(ini))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ini", required=True)
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=47)
    parser.add_argument("--out")
    parser.add_argument("--phase", default="all",
                        choices=["load", "all", "pages", "export-ours",
                                 "export-stock"])
    parser.add_argument("--since", default="")
    args = parser.parse_args()
    app = _app(args.ini)
    with app._wsgi_app.test_request_context():
        if args.phase.startswith("export-"):
            print(json.dumps(run_export(args.phase[len("export-"):],
                                        args.since or None)))
            return
        load(args.datasets, args.seed)
        if args.phase == "load":
            return
        results: dict[str, Any] = {"datasets": _open_count()}
        for fmt in ("ttl", "rdf"):
            results[f"page_{fmt}"] = measure_pages(args.rounds, args.seed,
                                                   fmt)
            print(f"  pages ({fmt}): {json.dumps(results[f'page_{fmt}'])}",
                  file=sys.stderr, flush=True)
        if args.phase == "pages":
            return
        quarter = {n: _since_for_newest(n) for n in
                   (args.datasets // 4, args.datasets // 2, args.datasets)}
        _forget_entries()
    results["export_cold"] = _child(args, "--phase", "export-ours")
    results["export_warm"] = _child(args, "--phase", "export-ours")
    results["stock_paging"] = _child(args, "--phase", "export-stock")
    results["export_by_size"] = {
        str(n): _child(args, "--phase", "export-ours", "--since", since)
        for n, since in quarter.items()}
    results["machine"] = (f"{os.cpu_count()} cores, {platform.machine()}, "
                          f"Python {platform.python_version()}")
    if args.out:
        with open(args.out, "w") as out:
            json.dump(results, out, indent=2)
    print(json.dumps(results, indent=2))
    _print_tables(results)


def _print_tables(r: dict[str, Any]) -> None:
    print()
    print(f"{r['datasets']:,} open datasets, {r['machine']}")
    print()
    print("| catalogue page (100 entries) | ours p50 | stock p50 | "
          "ours / stock |")
    print("| --- | --- | --- | --- |")
    for fmt in ("ttl", "rdf"):
        page = r[f"page_{fmt}"]
        print(f"| {fmt} | {page['ours']['p50_ms']:.0f} ms | "
              f"{page['stock']['p50_ms']:.0f} ms | "
              f"{page['ratio_p50']:.2f}× |")
    print()
    stock = r["stock_paging"]
    print("| whole catalogue | time | peak memory | vs stock paging |")
    print("| --- | --- | --- | --- |")
    for label, key in (("stock, page by page (ttl)", "stock_paging"),
                       ("ours, streamed, first run", "export_cold"),
                       ("ours, streamed, entries kept", "export_warm")):
        run = r[key]
        print(f"| {label} | {run['seconds']:.1f} s | "
              f"{run['peak_rss_mb']:.0f} MB | "
              f"{stock['seconds'] / run['seconds']:.1f}× |")
    print()
    print("| streamed export of | time | peak memory |")
    print("| --- | --- | --- |")
    for n, run in r["export_by_size"].items():
        print(f"| newest {int(n):,} entries | {run['seconds']:.1f} s | "
              f"{run['peak_rss_mb']:.0f} MB |")


if __name__ == "__main__":
    main()
