"""A link that is not http(s) or ftp never reaches the feed, even when it
was stored before the schemas checked links: harvesters and the national
portal show ``dcat:downloadURL``, ``dcat:accessURL``, ``dcat:landingPage``,
``foaf:homepage`` and ``dcat:endpointURL`` as links to click."""
from __future__ import annotations

from typing import Any

import pytest
import rdflib
import sqlalchemy as sa
from rdflib.namespace import DCAT, FOAF

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import search

from tests import factories
from tests.dcat.conftest import turtle

HOSTILE = [
    "javascript:alert(document.cookie)", "JavaScript:alert(1)",
    "java\tscript:alert(1)", "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>", "file:///etc/passwd",
    "jar:http://x.example/y!/z",
]
NAMED = "javascript:alert(2)"
LINKS = (DCAT.downloadURL, DCAT.accessURL, DCAT.landingPage, FOAF.homepage,
         DCAT.endpointURL)


def _store_behind_validation(package_id: str, resource_urls: list[str],
                             endpoint_url: str | None = None) -> None:
    """Write links as data from before validation would have them, then
    index the dataset again (the catalogue reads the index)."""
    resources = model.Session.execute(
        sa.select(model.resource_table.c.id)
        .where(model.resource_table.c.package_id == package_id)
        .order_by(model.resource_table.c.position)).scalars().all()
    for resource_id, url in zip(resources, resource_urls):
        model.Session.execute(
            sa.update(model.resource_table)
            .where(model.resource_table.c.id == resource_id)
            .values(url=url))
    if endpoint_url is not None:
        extras = model.package_extra_table
        model.Session.execute(
            sa.update(extras)
            .where(extras.c.package_id == package_id,
                   extras.c.key == "endpoint_url")
            .values(value=endpoint_url))
    model.Session.commit()
    search.rebuild(package_id)


def _links(graph: rdflib.Graph) -> list[str]:
    return [str(o) for p in LINKS for o in graph.objects(None, p)]


@pytest.fixture
def stored(clean_db: Any) -> dict[str, Any]:
    """An open dataset whose every resource link and URI and a
    data-sharing service whose endpoint were stored with a hostile
    scheme."""
    agency = factories.Agency()
    dataset = factories.OpenDataset(
        owner_org=agency["id"],
        resources=[factories.csv_resource(name=f"Tệp {i}")
                   for i in range(len(HOSTILE))]
        + [factories.csv_resource(name="API", access_type="api")])
    _store_behind_validation(dataset["id"], HOSTILE + [HOSTILE[0]])
    # a resource's own URI (a free extra key) would name the distribution
    table = model.resource_table
    for row in model.Session.execute(sa.select(table.c.id, table.c.extras)
                                     .where(table.c.package_id
                                            == dataset["id"])).all():
        model.Session.execute(sa.update(table).where(table.c.id == row.id)
                              .values(extras={**(row.extras or {}),
                                              "uri": NAMED}))
    model.Session.commit()
    search.rebuild(dataset["id"])
    service = factories.DataService(owner_org=agency["id"])
    _store_behind_validation(service["id"], [], HOSTILE[0])
    return {"dataset": dataset, "service": service}


def _assert_clean(text: str, graph: rdflib.Graph) -> None:
    links = _links(graph)
    assert links and all(
        link.lower().startswith(("http://", "https://", "ftp://"))
        for link in links), links
    for value in HOSTILE + [NAMED]:
        assert value not in text and value.lower() not in text.lower()


def test_stored_hostile_links_are_left_out_of_the_feed(
        stored: dict[str, Any], app: Any) -> None:
    dataset, service = stored["dataset"], stored["service"]
    shown = model.Session.execute(sa.select(model.resource_table.c.url).where(
        model.resource_table.c.package_id == dataset["id"])).scalars().all()
    # the values really are stored: the feed, not the schema, drops them
    assert set(HOSTILE) <= set(shown)
    resources = tk.get_action("package_show")(
        {"ignore_auth": True}, {"id": dataset["id"]})["resources"]
    assert {r.get("uri") for r in resources} == {NAMED}
    assert resources[-1]["access_type"] == "api"
    for url in ("/catalog.ttl", f"/dataset/{dataset['id']}.ttl",
                f"/dataset/{service['id']}.ttl", "/catalog/export.ttl"):
        response = app.get(url)
        graph = turtle(response)
        _assert_clean(response.get_data(as_text=True), graph)
    graph = turtle(app.get(f"/dataset/{dataset['id']}.ttl"))
    ref = rdflib.URIRef(f"http://test.nd47.local/dataset/{dataset['id']}")
    distributions = list(graph.objects(ref, DCAT.distribution))
    # every distribution is still listed, at its page on the portal
    assert len(distributions) == len(HOSTILE) + 1
    assert not list(graph.objects(None, DCAT.downloadURL))
    for distribution in distributions:
        assert str(graph.value(distribution, DCAT.accessURL)).startswith(
            f"http://test.nd47.local/dataset/{dataset['id']}/resource/")
    service_ref = rdflib.URIRef(
        f"http://test.nd47.local/dataset/{service['id']}")
    graph = turtle(app.get(f"/dataset/{service['id']}.ttl"))
    assert (service_ref, DCAT.endpointURL, None) not in graph
    assert (service_ref, DCAT.landingPage, None) in graph
    rdf = app.get(f"/dataset/{dataset['id']}.rdf")
    assert rdf.status_code == 200
    for value in HOSTILE[:2]:
        assert value not in rdf.get_data(as_text=True)


def test_ordinary_links_stay(clean_db: Any, app: Any) -> None:
    dataset = factories.OpenDataset(resources=[
        factories.csv_resource(url="ftp://ftp.example.vn/pub/data.csv")])
    graph = turtle(app.get(f"/dataset/{dataset['id']}.ttl"))
    assert [str(o) for o in graph.objects(None, DCAT.downloadURL)] == [
        "ftp://ftp.example.vn/pub/data.csv"]
