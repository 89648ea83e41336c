"""What the public DCAT catalogue lists, and its pages.

Decree 47 Art. 21(2) puts only open data on the national portal, so the
catalogue lists public, active datasets classified as open data and the
data-sharing services, never shared, private or draft datasets nor the
database catalogue. The filter is applied inside the search (counts and
hydra paging are right), by ``fq`` on the search backend.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Any

import dateutil.parser
import flask
from rdflib import URIRef

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict
from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.profiles import DCAT
from ckanext.dcat.utils import (CONTENT_TYPES, catalog_uri,
                                url_to_rdflib_format)

from ckanext.nd47.dcat import rdfxml, turtle
from ckanext.nd47.dcat.profile import SERVICE_TYPE, agency_cache

OPEN_DATASETS_FQ = ("(+dataset_type:dataset +classification:open "
                    "+capacity:public +state:active)")
CATALOGUE_FQ = (f"+capacity:public +state:active +(dataset_type:{SERVICE_TYPE}"
                " OR (+dataset_type:dataset +classification:open))")
FORMATS = tuple(CONTENT_TYPES)


class BadRequest(tk.ValidationError):
    """A catalogue request the pages answer with HTTP 400."""

    def text(self) -> str:
        """The messages on one line, for a plain-text answer."""
        return "; ".join(message for messages in self.error_dict.values()
                         for message in messages)


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


def _message(vi: str, en: str) -> str:
    return f"{vi} / {en}"


def parse_page(value: Any) -> int:
    try:
        page = int(value or 1)
    except (TypeError, ValueError):
        page = 0
    if page < 1:
        raise BadRequest({"page": [_message(
            "Số trang phải là số nguyên dương",
            "page must be a positive integer")]})
    return page


def parse_modified_since(value: Any) -> str | None:
    """ISO 8601 date or date-time → Solr UTC time; naive times are UTC."""
    if not value:
        return None
    try:
        moment = dateutil.parser.isoparse(str(value))
    except (ValueError, OverflowError):
        raise BadRequest({"modified_since": [_message(
            "modified_since phải theo ISO 8601, vd. 2025-01-31T00:00:00Z",
            "modified_since must be ISO 8601, e.g. 2025-01-31T00:00:00Z")]})
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def search(context: Context, data_dict: DataDict,
           rows: int | None = None) -> dict[str, Any]:
    """One page of the catalogue, newest change first."""
    n = per_page() if rows is None else rows
    page = parse_page(data_dict.get("page"))
    fq = [CATALOGUE_FQ]
    since = parse_modified_since(data_dict.get("modified_since"))
    if since:
        fq.append(f"+metadata_modified:[{since} TO *]")
    return tk.get_action("package_search")(
        {"user": context.get("user", "")},
        {"q": data_dict.get("q") or "*:*", "fq": " ".join(fq), "rows": n,
         "start": n * (page - 1), "sort": "metadata_modified desc, id asc",
         "include_private": False, "include_drafts": False})


def last_page(count: int) -> int:
    return max(1, math.ceil(count / per_page()))


def _paging(count: int, page: int, data_dict: DataDict) -> dict[str, Any]:
    if not count:
        return {}
    base = catalog_uri().rstrip("/") + (
        tk.request.path if flask.has_request_context() else "/catalog.ttl")
    keep = [(key, data_dict[key]) for key in ("q", "modified_since")
            if data_dict.get(key)]

    def url(number: int) -> str:
        query = "&".join(f"{k}={val}" for k, val in keep + [("page", number)])
        return f"{base}?{query}"

    last = last_page(count)
    info = {"count": count, "items_per_page": per_page(),
            "current": url(page), "first": url(1), "last": url(last)}
    if page > 1:
        info["previous"] = url(min(page - 1, last))
    if page < last:
        info["next"] = url(page + 1)
    return info


class CatalogueSerializer(RDFSerializer):
    """ckanext-dcat's serializer, with data-sharing services linked to the
    catalogue by ``dcat:service`` instead of ``dcat:dataset``; Turtle and
    RDF/XML are written by ``turtle.py`` and ``rdfxml.py``: the same
    triples, several times faster than rdflib's serializers."""

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


def serialize_page(context: Context, data_dict: DataDict) -> str:
    result = search(context, data_dict)
    page = parse_page(data_dict.get("page"))
    serializer = CatalogueSerializer(profiles=data_dict.get("profiles"))
    with agency_cache(result["results"]):
        return serializer.serialize_catalog(
            {}, result["results"], _format=data_dict.get("format"),
            pagination_info=_paging(result["count"], page, data_dict))
