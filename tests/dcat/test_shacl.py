"""Every demo dataset and data-sharing service, and every catalogue page,
conforms to the DCAT-AP 3.0.0 SHACL shapes: zero violations."""
from __future__ import annotations

from typing import Any

import pytest
import rdflib
from rdflib.namespace import DCAT, RDF

from tests.dcat.conftest import (all_entries, in_public_catalogue,
                                 shacl_violations, turtle)

HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")


def test_every_demo_dataset_and_service_conforms(demo: Any, app: Any) -> None:
    entries = [e for e in all_entries(demo) if in_public_catalogue(e)]
    kinds = {e["type"] for e in entries}
    assert kinds == {"dataset", "data-service"} and len(entries) >= 30
    failures = {}
    for entry in entries:
        graph = turtle(app.get(f"/dataset/{entry['id']}.ttl"))
        ref = rdflib.URIRef(f"http://test.nd47.local/dataset/{entry['id']}")
        expected = (DCAT.DataService if entry["type"] == "data-service"
                    else DCAT.Dataset)
        assert (ref, RDF.type, expected) in graph, entry["name"]
        violations = shacl_violations(graph)
        if violations:
            failures[entry["name"]] = violations
    assert failures == {}


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "10")
def test_every_catalogue_page_conforms_and_pages_cover_the_catalogue(
        demo: Any, app: Any) -> None:
    expected = {e["id"] for e in all_entries(demo) if in_public_catalogue(e)}
    seen: list[str] = []
    url: str | None = "/catalog.ttl"
    pages = 0
    while url:
        graph = turtle(app.get(url))
        pages += 1
        assert shacl_violations(graph) == [], url
        catalog = next(graph.subjects(RDF.type, DCAT.Catalog))
        for predicate in (DCAT.dataset, DCAT.service):
            seen += [str(o).rsplit("/", 1)[1]
                     for o in graph.objects(catalog, predicate)]
        paging = next(graph.subjects(RDF.type, HYDRA.PagedCollection))
        assert int(graph.value(paging, HYDRA.totalItems)) == len(expected)
        following = graph.value(paging, HYDRA.next)
        url = (str(following).replace("http://test.nd47.local", "")
               if following else None)
    assert pages == -(-len(expected) // 10)
    assert sorted(seen) == sorted(expected)
