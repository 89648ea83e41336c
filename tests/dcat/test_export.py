"""The streamed full export (``ckan nd47 export-dcat``, ``/catalog/export.ttl``):
the same entries and triples as the catalogue pages, Turtle that passes the
DCAT-AP 3 shapes, entries kept between exports and written again only when
they change, and clear refusals of bad requests."""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
import rdflib
import sqlalchemy as sa
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan
from ckan.tests.helpers import CKANCliRunner

from ckanext.nd47.compliance import gate
from ckanext.nd47.dcat import export, throttle
from ckanext.nd47.dcat import vocabulary as v
from tests.dcat.conftest import (all_entries, in_public_catalogue,
                                 shacl_violations)

HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")


def _listed(graph: rdflib.Graph) -> list[str]:
    catalog = next(graph.subjects(RDF.type, DCAT.Catalog))
    return sorted(str(o).rsplit("/", 1)[1]
                  for p in (DCAT.dataset, DCAT.service)
                  for o in graph.objects(catalog, p))


def _expected(admin: dict[str, Any]) -> list[str]:
    return sorted(e["id"] for e in all_entries(admin)
                  if in_public_catalogue(e))


def _run_cli(*args: str) -> Any:
    runner = CKANCliRunner(env={"CKAN_INI": tk.config["__file__"]})
    return runner.invoke(ckan, ["nd47", "export-dcat", *args])


def _export(**kwargs: Any) -> tuple[rdflib.Graph, dict[str, int]]:
    stats: dict[str, int] = {}
    text = "".join(export.stream(stats=stats, **kwargs))
    return rdflib.Graph().parse(data=text, format="turtle"), stats


def _without_moments(graph: rdflib.Graph) -> rdflib.Graph:
    """The graph without the catalogue's own timestamp and the paging."""
    catalog = next(graph.subjects(RDF.type, DCAT.Catalog))
    graph.remove((catalog, DCTERMS.modified, None))
    for paging in list(graph.subjects(RDF.type, HYDRA.PagedCollection)):
        graph.remove((paging, None, None))
    return graph


def test_cli_export_is_the_whole_catalogue_and_conforms(
        demo: Any, tmp_path: Path) -> None:
    target = tmp_path / "catalogue.ttl"
    result = _run_cli("--output", str(target))
    assert result.exit_code == 0, result.output
    expected = _expected(demo)
    assert f"exported {len(expected)} entries" in result.output
    graph = rdflib.Graph().parse(target, format="turtle")
    assert _listed(graph) == expected
    assert shacl_violations(graph) == []
    # nothing half-written is left beside the target
    assert [p.name for p in tmp_path.iterdir()] == ["catalogue.ttl"]


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "1000")
def test_export_has_the_same_triples_as_the_catalogue_pages(
        demo: Any, app: Any) -> None:
    response = app.get("/catalog.ttl")
    assert response.status_code == 200
    pages = rdflib.Graph().parse(data=response.get_data(as_text=True),
                                 format="turtle")
    for batch_size in (2, export.BATCH_SIZE):
        graph, stats = _export(batch_size=batch_size)
        assert stats["entries"] == len(_expected(demo))
        assert isomorphic(_without_moments(graph),
                          _without_moments(pages)), batch_size


def test_each_dataset_has_todays_compliance_status(demo: Any) -> None:
    graph, _ = _export()
    for entry in all_entries(demo):
        if not in_public_catalogue(entry) or entry["type"] != "dataset":
            continue
        ref = next(graph.subjects(DCTERMS.identifier,
                                  rdflib.Literal(entry["id"])))
        assert list(graph.objects(ref, v.ND47.complianceStatus)) == [
            v.compliance(gate.status(gate.evaluate(entry)))]


def test_entries_are_kept_and_written_again_only_when_they_change(
        demo: Any) -> None:
    services = sum(1 for e in all_entries(demo)
                   if e["type"] == "data-service")
    datasets = len(_expected(demo)) - services
    _export()
    _, stats = _export()
    # services are always written afresh (what they serve may change)
    assert stats == {"entries": datasets + services, "written": services,
                     "kept": datasets}

    dataset = tk.get_action("package_patch")(
        {"user": demo["name"]},
        {"id": "quan-trac-nuoc-mat", "title": "Quan trắc nước mặt (mới)"})
    graph, stats = _export()
    assert stats["written"] == services + 1
    ref = next(graph.subjects(DCTERMS.identifier,
                              rdflib.Literal(dataset["id"])))
    assert rdflib.Literal("Quan trắc nước mặt (mới)", lang="vi") in set(
        graph.objects(ref, DCTERMS.title))

    agency = tk.get_action("organization_patch")(
        {"user": demo["name"]},
        {"id": dataset["organization"]["id"],
         "focal_point_email": "dau-moi-moi@dongnai.example.vn"})
    of_agency = tk.get_action("package_search")(
        {"user": ""}, {"fq": f"+owner_org:{agency['id']} "
                             "+classification:open", "rows": 1000})["count"]
    graph, stats = _export()
    assert stats["written"] == services + of_agency
    assert any("dau-moi-moi@dongnai.example.vn" in str(o)
               for o in graph.objects())


def test_withdrawn_dataset_leaves_the_export_and_its_entry(demo: Any
                                                           ) -> None:
    _export()
    dataset = tk.get_action("package_show")(
        {"user": demo["name"]}, {"id": "thoi-tiet-luong-mua"})
    tk.get_action("package_patch")({"user": demo["name"]},
                                   {"id": dataset["id"], "private": True})
    graph, _ = _export()
    assert dataset["id"] not in _listed(graph)
    assert (None, None, rdflib.Literal(dataset["title"], lang="vi")) \
        not in graph
    tk.get_action("dataset_purge")({"user": demo["name"]},
                                   {"id": dataset["id"]})
    kept = model.Session.execute(sa.text(
        "SELECT count(*) FROM nd47_dcat_entry WHERE package_id = :id"),
        {"id": dataset["id"]}).scalar()
    assert kept == 0


def test_endpoint_streams_the_export(demo: Any, app: Any) -> None:
    response = app.get("/catalog/export.ttl")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True),
                                 format="turtle")
    assert _listed(graph) == _expected(demo)
    # modified_since: nothing changed in the future, only the catalogue
    response = app.get("/catalog/export.ttl",
                       query_string={"modified_since": "2999-01-01"})
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True),
                                 format="turtle")
    assert _listed(graph) == []
    assert len(list(graph.subjects(RDF.type, DCAT.Catalog))) == 1


@pytest.mark.parametrize("url, status, message", [
    ("/catalog/export.rdf", 400, "Turtle (ttl) only"),
    ("/catalog/export.jsonld", 400, "chỉ có dạng Turtle"),
    ("/catalog/export.ttl?modified_since=hom-qua", 400,
     "modified_since phải theo ISO 8601"),
    ("/catalog/export.ttl?modified_since=2026-13-45", 400,
     "modified_since must be ISO 8601"),
])
def test_bad_export_requests_are_refused_clearly(
        demo: Any, app: Any, url: str, status: int, message: str) -> None:
    response = app.get(url)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_cli_writes_to_standard_output_and_to_devices_in_place(demo: Any
                                                              ) -> None:
    result = _run_cli("--output", "-", "--batch-size", "3")
    assert result.exit_code == 0, result.output
    assert "@prefix dcat: <http://www.w3.org/ns/dcat#> ." in result.output
    # /dev/null is written to, not replaced by a file
    result = _run_cli("--output", "/dev/null")
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_cli_refuses_a_malformed_modified_since(demo: Any, tmp_path: Path
                                                ) -> None:
    target = tmp_path / "catalogue.ttl"
    result = _run_cli("--output", str(target), "--modified-since", "hôm qua")
    assert result.exit_code == 2
    assert "modified_since phải theo ISO 8601" in result.output
    assert not target.exists()


@pytest.mark.ckan_config("ckanext.nd47.dcat.export_max_concurrent", "1")
def test_one_export_too_many_is_refused_until_one_ends(demo: Any, app: Any
                                                       ) -> None:
    running = throttle.acquire()
    assert running is not None
    try:
        response = app.get("/catalog/export.ttl")
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "60"
        assert "quá nhiều yêu cầu xuất" in response.get_data(as_text=True)
        assert "Too many full exports" in response.get_data(as_text=True)
    finally:
        throttle.release(running)
    # the refused request left nothing behind; an export that ends (or is
    # cut off) makes room for the next
    for _ in range(2):
        assert app.get("/catalog/export.ttl").status_code == 200
    token = throttle.acquire()
    assert token is not None
    throttle.release(token)


def test_an_export_whose_worker_died_stops_counting(demo: Any) -> None:
    from ckan.lib.redis import connect_to_redis

    redis = connect_to_redis()
    redis.delete(throttle.KEY)
    stale = throttle.acquire()
    assert stale is not None
    # a worker that died an hour ago never released its token
    redis.zadd(throttle.KEY, {stale: 1.0})
    fresh = throttle.acquire()
    assert fresh is not None
    assert redis.zscore(throttle.KEY, stale) is None
    throttle.release(fresh)


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "1000")
def test_catalogue_page_is_the_same_graph_in_every_format(demo: Any,
                                                          app: Any) -> None:
    # Turtle and RDF/XML are written by the portal's own writers, JSON-LD
    # by rdflib: all must say the same
    graphs = {}
    for fmt, parser in (("ttl", "turtle"), ("rdf", "xml"), ("xml", "xml"),
                        ("jsonld", "json-ld")):
        response = app.get(f"/catalog.{fmt}")
        assert response.status_code == 200, fmt
        graphs[fmt] = _without_moments(rdflib.Graph().parse(
            data=response.get_data(as_text=True), format=parser))
    assert len(_listed(graphs["ttl"])) == len(_expected(demo))
    for fmt in ("rdf", "xml", "jsonld"):
        assert isomorphic(graphs[fmt], graphs["ttl"]), fmt
