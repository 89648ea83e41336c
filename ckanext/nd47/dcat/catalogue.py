"""What the public DCAT catalogue lists, and its pages.

Decree 47 Art. 21(2) puts only open data on the national portal, so the
catalogue lists public, active datasets classified as open data and the
data-sharing services, never shared, private or draft datasets nor the
database catalogue. The filter is applied inside the search (counts and
hydra paging are right), by ``fq`` on the search backend.
"""
from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

import flask
from rdflib import URIRef

import ckan.plugins.toolkit as tk
# the toolkit has no search errors; package_search lets them through
from ckan.lib.search.common import SearchError
from ckan.types import Context
from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.profiles import DCAT
from ckanext.dcat.utils import catalog_uri, url_to_rdflib_format

from ckanext.nd47.dcat import rdfxml, request, turtle
from ckanext.nd47.dcat.profile import (SERVICE_TYPE, agency_cache,
                                       without_unsafe_uri)

# for ``ckan nd47 export-dcat`` and the export, which check modified_since
BadRequest = request.BadRequest
parse_modified_since = request.parse_modified_since

OPEN_DATASETS_FQ = ("(+dataset_type:dataset +classification:open "
                    "+capacity:public +state:active)")
CATALOGUE_FQ = (f"+capacity:public +state:active +(dataset_type:{SERVICE_TYPE}"
                " OR (+dataset_type:dataset +classification:open))")
# pages past this many entries are counted, not searched for
_MAX_START = 10 ** 9


def per_page() -> int:
    return tk.asint(tk.config.get("ckanext.dcat.datasets_per_page"))


def in_catalogue(dataset_dict: dict[str, Any]) -> bool:
    """Whether a dataset (package_show) belongs in the public catalogue."""
    if dataset_dict.get("private") or dataset_dict.get("state") != "active":
        return False
    if dataset_dict.get("type") == SERVICE_TYPE:
        return True
    return (dataset_dict.get("type") == "dataset"
            and dataset_dict.get("classification") == "open")


def search(context: Context, checked: request.Checked,
           rows: int | None = None) -> dict[str, Any]:
    """One page of the catalogue, newest change first.

    :raises request.BadRequest: the search cannot understand ``q``
    """
    n = per_page() if rows is None else rows
    start = n * (checked.page - 1)
    if start > _MAX_START:
        n = start = 0
    fq = [CATALOGUE_FQ]
    if checked.modified_since:
        fq.append(f"+metadata_modified:[{checked.modified_since} TO *]")
    try:
        return tk.get_action("package_search")(
            {"user": context.get("user", "")},
            {"q": checked.q or "*:*", "fq": " ".join(fq), "rows": n,
             "start": start, "sort": "metadata_modified desc, id asc",
             "include_private": False, "include_drafts": False})
    except SearchError as error:
        # the search backend's messages are bilingual already
        raise request.BadRequest({"q": [str(error)]}) from None


def last_page(count: int) -> int:
    return max(1, math.ceil(count / per_page()))


def _paging(count: int, checked: request.Checked) -> dict[str, Any]:
    if not count:
        return {}
    base = catalog_uri().rstrip("/") + (
        tk.request.path if flask.has_request_context() else "/catalog.ttl")
    keep = [(key, getattr(checked, key)) for key in ("q", "modified_since")
            if getattr(checked, key)]

    def url(number: int) -> str:
        # encoded: a q holding "&" or "#" must not change the next link
        return f"{base}?{urlencode(keep + [('page', number)])}"

    last = last_page(count)
    info = {"count": count, "items_per_page": per_page(),
            "current": url(checked.page), "first": url(1), "last": url(last)}
    if checked.page > 1:
        info["previous"] = url(min(checked.page - 1, last))
    if checked.page < last:
        info["next"] = url(checked.page + 1)
    return info


# the profile classes found for each list of names asked for (only lists
# of served profiles get here: see ``request.check``)
_profile_classes: dict[tuple[str, ...], list[type]] = {}


class CatalogueSerializer(RDFSerializer):
    """ckanext-dcat's serializer, with data-sharing services linked to the
    catalogue by ``dcat:service`` instead of ``dcat:dataset``; Turtle and
    RDF/XML are written by ``turtle.py`` and ``rdfxml.py``: the same
    triples, several times faster than rdflib's serializers."""

    def _load_profiles(self, profile_names: list[str]) -> list[type]:
        # ckanext-dcat finds each profile by scanning the entry points of
        # every installed package (about 50 ms a name), for every serializer
        key = tuple(profile_names)
        if key not in _profile_classes:
            _profile_classes[key] = super()._load_profiles(profile_names)
        return list(_profile_classes[key])

    def graph_from_dataset(self, dataset_dict: dict[str, Any]) -> URIRef:
        return super().graph_from_dataset(without_unsafe_uri(dataset_dict))

    def add_entry(self, catalog_ref: URIRef,
                  dataset_dict: dict[str, Any]) -> URIRef:
        """A dataset or service, linked to the catalogue."""
        dataset_ref = self.graph_from_dataset(dataset_dict)
        if not self._add_source_catalog(catalog_ref, dataset_dict,
                                        dataset_ref):
            self.g.add((catalog_ref, DCAT.dataset, dataset_ref))
        return dataset_ref

    def serialize_catalog(self, catalog_dict: dict[str, Any] | None = None,
                          dataset_dicts: list[dict[str, Any]] | None = None,
                          _format: str | None = "xml",
                          pagination_info: dict[str, Any] | None = None
                          ) -> str:
        rdf_format = url_to_rdflib_format(_format or "xml")
        if rdf_format not in ("turtle", "pretty-xml"):
            return super().serialize_catalog(
                catalog_dict, dataset_dicts, _format=_format,
                pagination_info=pagination_info)
        catalog_ref = self.graph_from_catalog(catalog_dict)
        for dataset_dict in dataset_dicts or []:
            self.add_entry(catalog_ref, dataset_dict)
        if pagination_info:
            self._add_pagination_triples(pagination_info)
        if rdf_format == "turtle":
            return turtle.dumps(self.g)
        return rdfxml.dumps(self.g) or self.g.serialize(format="xml")

    def _add_source_catalog(self, root_catalog_ref: URIRef,
                            dataset_dict: dict[str, Any],
                            dataset_ref: URIRef) -> URIRef | None:
        if dataset_dict.get("type") == SERVICE_TYPE:
            self.g.add((root_catalog_ref, DCAT.service, dataset_ref))
            return root_catalog_ref
        return super()._add_source_catalog(root_catalog_ref, dataset_dict,
                                           dataset_ref)


def serialize_page(context: Context, checked: request.Checked) -> str:
    """The catalogue page ``checked`` asks for (see ``request.check``).

    :raises request.BadRequest: the search cannot understand ``q``
    :raises tk.ObjectNotFound: the page is past the last one
    """
    result = search(context, checked)
    request.check_page(checked, last_page(result["count"]))
    serializer = CatalogueSerializer(profiles=checked.profiles)
    with agency_cache(result["results"]):
        return serializer.serialize_catalog(
            {}, result["results"], _format=checked.format,
            pagination_info=_paging(result["count"], checked))


def serialize_dataset(dataset_dict: dict[str, Any],
                      checked: request.Checked) -> str:
    """One entry's RDF, as ckanext-dcat's ``dcat_dataset_show`` writes it."""
    serializer = CatalogueSerializer(profiles=checked.profiles)
    return serializer.serialize_dataset(dataset_dict, _format=checked.format)
