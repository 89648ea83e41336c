"""The whole public catalogue as one Turtle stream, for harvesters that want
everything at once (``ckan nd47 export-dcat`` and ``/catalog/export.ttl``).

The catalogue is read in batches by keyset paging over the search (``id``
after the last one seen), so a batch costs the same at the end of the
catalogue as at its start and memory holds one batch at a time, however
large the catalogue. Each dataset's Turtle is kept in ``nd47_dcat_entry``
and written again only when its fingerprint changes (see
``ckanext/nd47/model/dcat_entry.py``); the compliance status, which
depends on the day, is added as the stream goes. Data-sharing services are
written afresh each time: what they serve may have changed its
classification without them changing.

The stream is one Turtle document: the prefixes and the catalogue first,
then each entry with its ``dcat:dataset`` (or ``dcat:service``) link.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.metadata
import json
from pathlib import Path
from typing import Any, Iterator

import rdflib
import sqlalchemy as sa
from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, XSD
from sqlalchemy.dialects.postgresql import insert

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckanext.dcat.profiles.base import namespaces as DCAT_NAMESPACES
from ckanext.dcat.utils import catalog_uri, dataset_uri

from ckanext.nd47.compliance import gate
from ckanext.nd47.dcat import catalogue, request, turtle
from ckanext.nd47.dcat import vocabulary as v
from ckanext.nd47.dcat.profile import (SERVICE_TYPE, agency_cache, agency_of,
                                       prefetch_agencies, without_unsafe_uri)
from ckanext.nd47.model.dcat_entry import dcat_entry

__all__ = ["stream", "BATCH_SIZE", "PREFIXES"]

BATCH_SIZE = 500
PREFIXES: dict[str, str] = {
    **{str(ns): prefix for prefix, ns in DCAT_NAMESPACES.items()},
    str(RDF): "rdf", str(RDFS): "rdfs", str(XSD): "xsd",
    str(v.ND47): "nd47", str(v.RULEBOOK): "nd47rulebook",
    str(v.ADMIN_UNIT): "nd47unit", str(v.THEME): "theme",
    str(v.FREQUENCY): "freq", str(v.ACCESS_RIGHT): "accessright",
    str(v.FILE_TYPE): "filetype", str(v.LANGUAGE): "lang",
}
# settings under those prefixes that do not change what is written
_NOT_IN_OUTPUT = {"ckanext.nd47.dcat.export_max_concurrent",
                  "ckanext.dcat.datasets_per_page"}
_CODE = ("profile.py", "vocabulary.py", "turtle.py", "export.py")


@functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """What the entries were written with: our DCAT code, ckanext-dcat's
    and ckanext-nd47's versions."""
    h = hashlib.sha256()
    here = Path(__file__).parent
    for name in _CODE:
        h.update((here / name).read_bytes())
    for dist in ("ckanext-dcat", "ckanext-nd47"):
        try:
            h.update(importlib.metadata.version(dist).encode())
        except importlib.metadata.PackageNotFoundError:
            pass
    return h.hexdigest()


def _settings_digest() -> str:
    """The settings an entry's Turtle depends on."""
    settings = {key: str(value) for key, value in tk.config.items()
                if key.startswith(("ckanext.dcat.", "ckanext.nd47.dcat.",
                                   "ckan.site_url", "ckan.locale"))
                and key not in _NOT_IN_OUTPUT}
    return json.dumps([catalog_uri(), gate.rulebook().id,
                       sorted(settings.items()), sorted(PREFIXES.items()),
                       _code_digest()])


def fingerprint(dataset_dict: dict[str, Any], settings: str) -> str:
    agency = agency_of(dataset_dict)
    return hashlib.sha256(json.dumps(
        [settings, dataset_dict.get("metadata_modified"),
         sorted(agency.items())]).encode()).hexdigest()


def _batches(modified_since: str | None, size: int
             ) -> Iterator[list[dict[str, Any]]]:
    """The catalogue's entries in id order, a batch at a time."""
    after = None
    while True:
        fq = [catalogue.CATALOGUE_FQ]
        if modified_since:
            fq.append(f"+metadata_modified:[{modified_since} TO *]")
        if after:
            fq.append(f'+id:{{"{after}" TO *]')
        results = tk.get_action("package_search")(
            {"ignore_auth": True},
            {"q": "*:*", "fq": " ".join(fq), "rows": size, "sort": "id asc",
             "include_private": False, "include_drafts": False})["results"]
        if not results:
            return
        yield results
        after = results[-1]["id"]


class _Writer:
    """Writes entries with the configured profile, one graph per entry."""

    def __init__(self) -> None:
        self.serializer = catalogue.CatalogueSerializer()
        self.catalog_ref = URIRef(catalog_uri())

    def catalog(self) -> str:
        self.serializer.g = rdflib.Graph()
        self.serializer.graph_from_catalog({})
        return "".join(turtle.statements(self.serializer.g, PREFIXES))

    def entry(self, dataset_dict: dict[str, Any]) -> tuple[URIRef, str]:
        self.serializer.g = graph = rdflib.Graph()
        ref = self.serializer.add_entry(self.catalog_ref, dataset_dict)
        graph.remove((ref, v.ND47.complianceStatus, None))
        return ref, "".join(turtle.statements(graph, PREFIXES))


def _status_line(ref: URIRef, dataset_dict: dict[str, Any]) -> str:
    if dataset_dict.get("type") == SERVICE_TYPE:
        return ""
    status = gate.status(gate.evaluate(dataset_dict))
    return (f"{turtle.term(ref, PREFIXES)} "
            f"nd47:complianceStatus "
            f"{turtle.term(v.compliance(status), PREFIXES)} .\n")


def stream(modified_since: Any = None, batch_size: int = BATCH_SIZE,
           stats: dict[str, int] | None = None) -> Iterator[str]:
    """The open catalogue as Turtle, a batch of entries per piece.

    ``modified_since`` (ISO 8601) keeps only entries changed since then;
    a malformed one raises ``request.BadRequest`` when the first piece
    is asked for, before anything is read or written. ``stats`` (if
    given) counts entries ``written`` afresh and ``kept`` from earlier
    exports.
    """
    since = request.parse_modified_since(modified_since)
    counts = stats if stats is not None else {}
    counts.update(entries=0, written=0, kept=0)
    with agency_cache():
        writer = _Writer()
        settings = _settings_digest()
        publisher = " ".join(str(tk.config.get(
            "ckanext.nd47.dcat.publisher")).split())  # one comment line
        yield (f"# {publisher}: DCAT-AP 3, "
               f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%dT%H:%M:%SZ}\n"
               + turtle.header(PREFIXES) + "\n" + writer.catalog())
        for batch in _batches(since, batch_size):
            yield _write_batch(batch, writer, settings, counts)


def _write_batch(batch: list[dict[str, Any]], writer: _Writer,
                 settings: str, counts: dict[str, int]) -> str:
    ids = [d["id"] for d in batch]
    prefetch_agencies(batch)
    kept = {row.package_id: (row.fingerprint, row.turtle)
            for row in model.Session.execute(
                sa.select(dcat_entry.c.package_id, dcat_entry.c.fingerprint,
                          dcat_entry.c.turtle)
                .where(dcat_entry.c.package_id.in_(ids)))}
    parts, fresh = [], []
    for dataset_dict in batch:
        ref = URIRef(dataset_uri(without_unsafe_uri(dataset_dict)))
        if dataset_dict.get("type") == SERVICE_TYPE:
            ref, body = writer.entry(dataset_dict)
            counts["written"] += 1
        else:
            mark = fingerprint(dataset_dict, settings)
            stored = kept.get(dataset_dict["id"])
            if stored is not None and stored[0] == mark:
                body = stored[1]
                counts["kept"] += 1
            else:
                ref, body = writer.entry(dataset_dict)
                fresh.append({"package_id": dataset_dict["id"],
                              "fingerprint": mark, "turtle": body})
                counts["written"] += 1
        parts.append(body + _status_line(ref, dataset_dict))
        counts["entries"] += 1
    if fresh:
        statement = insert(dcat_entry).values(fresh)
        model.Session.execute(statement.on_conflict_do_update(
            index_elements=[dcat_entry.c.package_id],
            set_={"fingerprint": statement.excluded.fingerprint,
                  "turtle": statement.excluded.turtle,
                  "written_at": sa.func.now()}))
    model.Session.commit()
    return "".join(parts)
