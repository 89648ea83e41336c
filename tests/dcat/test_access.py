"""Only open, public, active datasets and the data-sharing services are in
the catalogue and have RDF; shared, private, draft and database entries
never appear, for anyone."""
from __future__ import annotations

import datetime as dt
import time
from typing import Any

import rdflib
from rdflib.namespace import DCAT, RDF

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from tests.dcat.conftest import all_entries, in_public_catalogue, turtle

FORMATS = {"ttl": "text/turtle", "rdf": "application/rdf+xml",
           "xml": "application/rdf+xml", "jsonld": "application/ld+json"}


def _listed(graph: rdflib.Graph) -> set[str]:
    catalog = next(graph.subjects(RDF.type, DCAT.Catalog))
    return {str(o).rsplit("/", 1)[1] for p in (DCAT.dataset, DCAT.service)
            for o in graph.objects(catalog, p)}


def test_catalogue_lists_exactly_the_public_open_entries(
        demo: Any, app: Any) -> None:
    entries = all_entries(demo)
    hidden = [e for e in entries if not in_public_catalogue(e)]
    # the demo has a draft, a private shared dataset and two databases
    assert sorted((e["type"], e["state"], e["private"]) for e in hidden) == [
        ("database", "active", False), ("database", "active", False),
        ("dataset", "active", True), ("dataset", "draft", False)]
    expected = {e["id"] for e in entries if in_public_catalogue(e)}
    token = factories.APIToken(user=demo["name"])["token"]
    for headers in ({}, {"Authorization": token}):
        assert _listed(turtle(app.get("/catalog.ttl",
                                      headers=headers))) == expected
    # and the API action the page uses
    graph = rdflib.Graph().parse(data=tk.get_action("dcat_catalog_show")(
        {"user": demo["name"]}, {"format": "ttl"}), format="turtle")
    assert _listed(graph) == expected


def test_hidden_entries_have_no_rdf_in_any_format(demo: Any, app: Any
                                                  ) -> None:
    token = factories.APIToken(user=demo["name"])["token"]
    for entry in all_entries(demo):
        if in_public_catalogue(entry):
            continue
        for key in (entry["id"], entry["name"]):
            for fmt in FORMATS:
                for headers in ({}, {"Authorization": token}):
                    response = app.get(f"/dataset/{key}.{fmt}",
                                       headers=headers)
                    assert response.status_code == 404, (key, fmt)
            # content negotiation on the dataset page
            response = app.get(f"/dataset/{key}",
                               headers={"Accept": "text/turtle"})
            assert response.status_code == 404, key


def test_open_dataset_in_every_format_and_by_content_negotiation(
        demo: Any, app: Any) -> None:
    air = tk.get_action("package_show")({"user": ""}, {
        "id": "chat-luong-khong-khi-2025"})
    uri = rdflib.URIRef(f"http://test.nd47.local/dataset/{air['id']}")
    parse = {"ttl": "turtle", "rdf": "xml", "xml": "xml", "jsonld": "json-ld"}
    for fmt, content_type in FORMATS.items():
        response = app.get(f"/dataset/{air['name']}.{fmt}")
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith(content_type)
        graph = rdflib.Graph().parse(data=response.get_data(as_text=True),
                                     format=parse[fmt])
        # the URI is the id, not the name
        assert (uri, RDF.type, DCAT.Dataset) in graph, fmt
    response = app.get(f"/dataset/{air['name']}",
                       headers={"Accept": "text/turtle"})
    assert (uri, RDF.type, DCAT.Dataset) in turtle(response)
    response = app.get("/", headers={"Accept": "text/turtle"})
    assert air["id"] in _listed(turtle(response))


def test_uri_is_stable_when_the_title_and_name_change(demo: Any, app: Any
                                                      ) -> None:
    context = {"user": demo["name"]}
    air = tk.get_action("package_show")(context, {"id": "quan-trac-nuoc-mat"})
    before = _listed(turtle(app.get("/catalog.ttl")))
    tk.get_action("package_patch")(context, {
        "id": air["id"], "title": "Nước mặt (đổi tên)",
        "name": "nuoc-mat-doi-ten"})
    try:
        after = _listed(turtle(app.get("/catalog.ttl")))
        assert after == before
        graph = turtle(app.get(f"/dataset/{air['id']}.ttl"))
        assert (rdflib.URIRef(f"http://test.nd47.local/dataset/{air['id']}"),
                RDF.type, DCAT.Dataset) in graph
    finally:
        tk.get_action("package_patch")(context, {
            "id": air["id"], "title": air["title"], "name": air["name"]})


def test_modified_since_lists_only_later_changes(demo: Any, app: Any) -> None:
    context = {"user": demo["name"]}
    time.sleep(1.1)
    since = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    time.sleep(1.1)
    changed = tk.get_action("package_patch")(context, {
        "id": "thoi-tiet-luong-mua", "notes_en": "Monthly weather data."})
    # a shared dataset changed after `since` stays out
    tk.get_action("package_patch")(context, {
        "id": "danh-sach-can-bo-cong-chuc",
        "notes": "Danh sách cán bộ (cập nhật)"})
    graph = turtle(app.get("/catalog.ttl",
                           query_string={"modified_since": since}))
    assert _listed(graph) == {changed["id"]}
    # an offset time means the same instant
    local = (dt.datetime.strptime(since, "%Y-%m-%dT%H:%M:%SZ")
             + dt.timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M:%S+07:00")
    graph = turtle(app.get("/catalog.ttl",
                           query_string={"modified_since": local}))
    assert _listed(graph) == {changed["id"]}


def test_services_name_only_the_open_datasets_they_serve(
        demo: Any, app: Any) -> None:
    context = {"user": demo["name"]}
    entries = {e["name"]: e for e in all_entries(demo)}
    services = [e for e in entries.values() if e["type"] == "data-service"]
    assert len(services) == 2
    service = services[0]
    # the service also serves the shared staff list
    tk.get_action("package_patch")(context, {
        "id": service["id"], "served_datasets":
        service["served_datasets"] + ["danh-sach-can-bo-cong-chuc"]})
    try:
        graph = turtle(app.get(f"/dataset/{service['id']}.ttl"))
        ref = rdflib.URIRef(f"http://test.nd47.local/dataset/{service['id']}")
        served = {str(o).rsplit("/", 1)[1]
                  for o in graph.objects(ref, DCAT.servesDataset)}
        assert served == {entries[name]["id"]
                          for name in service["served_datasets"]}
        assert served and entries["danh-sach-can-bo-cong-chuc"]["id"] \
            not in served
        assert (ref, DCAT.endpointURL,
                rdflib.URIRef(service["endpoint_url"])) in graph
    finally:
        tk.get_action("package_patch")(context, {
            "id": service["id"],
            "served_datasets": service["served_datasets"]})


def test_own_vocabulary_is_served_as_turtle(demo: Any, app: Any) -> None:
    from ckanext.nd47.dcat.vocabulary import ND47

    graph = turtle(app.get("/ns/nd47.ttl"))
    air = turtle(app.get("/dataset/chat-luong-khong-khi-2025.ttl"))
    used = {p for _, p, _ in air if str(p).startswith(str(ND47))}
    assert used and all((p, RDF.type, rdflib.RDF.Property) in graph
                        for p in used)
