"""The DCAT-AP 3 profile of the Decree 47 portal (``nd47_dcat_ap``).

It builds on ckanext-dcat's ``euro_dcat_ap_3`` profile (which includes
``euro_dcat_ap_scheming``): an nd47 dataset is first rewritten into the
keys that profile reads (``title_translated``, ``temporal_coverage``,
``spatial_coverage`` with URIs, ``publisher``, …) and handed to it; then
the properties of our own are added. A data-sharing service becomes a
``dcat:DataService``. Configure it alone:
``ckanext.dcat.rdf.profiles = nd47_dcat_ap``.
"""
from __future__ import annotations

import contextlib
import re
from contextvars import ContextVar
from typing import Any, Iterable, Iterator

import sqlalchemy as sa

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckanext.dcat.profiles import DCAT, DCT, FOAF, SPDX, VCARD
from ckanext.dcat.profiles.base import CleanedURIRef
from ckanext.dcat.profiles.euro_dcat_ap_3 import EuropeanDCATAP3Profile
from ckanext.dcat.utils import catalog_uri, dataset_uri, resource_uri

from ckanext.nd47 import admin_units
from ckanext.nd47.compliance import gate
from ckanext.nd47.dcat import vocabulary as v
from ckanext.nd47.logic.validators import LINK_SCHEMES, safe_url_problem

__all__ = ["Nd47DcatApProfile", "agency_uri", "agency_cache", "agency_of",
           "prefetch_agencies", "link", "without_unsafe_uri"]

SERVICE_TYPE = "data-service"
# what ckanext-dcat says of every distribution licence
LICENCE_TYPE_UNKNOWN = URIRef("http://purl.org/adms/licencetype/UnknownIPR")

# the schemes a URI in an entry's graph may have: links (LINK_SCHEMES),
# contact points' e-mail and telephone, URNs; never javascript:, data:…
_URI_SCHEMES = frozenset(LINK_SCHEMES) | {"mailto", "tel", "urn"}
_URI_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")

# agencies already read while one catalogue page or export is written
_agencies: ContextVar[dict[str, dict[str, str]] | None] = ContextVar(
    "nd47_dcat_agencies", default=None)


@contextlib.contextmanager
def agency_cache(dataset_dicts: Iterable[dict[str, Any]] = ()
                 ) -> Iterator[None]:
    """Read each agency once while many entries are written (a catalogue
    page, the export): entries of one agency share its publisher and
    focal point. The agencies of ``dataset_dicts`` are read at once, in
    two queries. Outside it, every entry reads its agency afresh."""
    token = _agencies.set({})
    try:
        prefetch_agencies(dataset_dicts)
        yield
    finally:
        _agencies.reset(token)


def agency_uri(org_id: str) -> str:
    """The agency's URI: its page by id, stable when it is renamed."""
    return f"{catalog_uri().rstrip('/')}/organization/{org_id}"


def _org_id(dataset_dict: dict[str, Any]) -> str | None:
    return (dataset_dict.get("organization") or {}).get("id") \
        or dataset_dict.get("owner_org")


def prefetch_agencies(dataset_dicts: Iterable[dict[str, Any]]) -> None:
    """Put the agencies of ``dataset_dicts`` not yet read into the cache
    of the enclosing ``agency_cache``."""
    cache = _agencies.get()
    if cache is None:
        return
    wanted = {org_id for org_id in map(_org_id, dataset_dicts)
              if org_id and org_id not in cache}
    if not wanted:
        return
    groups, extras = model.group_table, model.group_extra_table
    found = {row.id: {"id": row.id, "title": row.title}
             for row in model.Session.execute(
                 sa.select(groups.c.id, groups.c.title)
                 .where(groups.c.id.in_(wanted)))}
    for row in model.Session.execute(
            sa.select(extras.c.group_id, extras.c.key, extras.c.value)
            .where(extras.c.group_id.in_(found))):
        found[row.group_id][row.key] = row.value
    for org_id in wanted:
        cache[org_id] = found.get(org_id, {})


def agency_of(dataset_dict: dict[str, Any]) -> dict[str, str]:
    """The agency's schema fields (stored as group extras; package_show
    only carries the core organization fields)."""
    org_id = _org_id(dataset_dict)
    if not org_id:
        return {}
    cache = _agencies.get()
    if cache is not None and org_id in cache:
        return cache[org_id]
    group = model.Group.get(org_id)
    agency = {} if group is None else {
        "id": group.id, "title": group.title, **group.extras}
    if cache is not None:
        cache[org_id] = agency
    return agency


def _translated(dataset_dict: dict[str, Any], key: str) -> dict[str, str]:
    values = {"vi": dataset_dict.get(key) or ""}
    if dataset_dict.get(f"{key}_en"):
        values["en"] = dataset_dict[f"{key}_en"]
    return values


def _checksum(value: str) -> str | None:
    algorithm, _, digest = (value or "").partition(":")
    return digest.lower() if algorithm.lower() == "sha256" and digest \
        else None


def _tel(phone: str) -> URIRef:
    return URIRef("tel:" + "".join(phone.split()))


def link(value: Any) -> str | None:
    """``value`` if a harvester may publish it as a link (http, https or
    ftp, as the schemas require), else None: data stored before the
    schemas checked links must not reach the feed."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    return None if safe_url_problem(text, LINK_SCHEMES, allow_bare=False) \
        else text


def without_unsafe_uri(entity: dict[str, Any]) -> dict[str, Any]:
    """A dataset or resource without a stored ``uri`` that is not a link:
    ckanext-dcat would name the entry or the distribution by it."""
    if entity.get("uri") and not link(entity["uri"]):
        return {key: value for key, value in entity.items() if key != "uri"}
    return entity


def _unsafe_uri(term: Any) -> bool:
    if not isinstance(term, URIRef):
        return False
    scheme = _URI_SCHEME.match(str(term))
    return scheme is None or scheme.group(1).lower() not in _URI_SCHEMES


class Nd47DcatApProfile(EuropeanDCATAP3Profile):
    """DCAT-AP 3 for Decree 47 datasets and data-sharing services."""

    def graph_from_dataset(self, dataset_dict: dict[str, Any],
                           dataset_ref: URIRef) -> None:
        agency = agency_of(dataset_dict)
        if dataset_dict.get("type") == SERVICE_TYPE:
            self._graph_from_service(dataset_dict, dataset_ref, agency)
        else:
            super().graph_from_dataset(
                self._stock_view(dataset_dict, agency), dataset_ref)
            self._graph_from_nd47(dataset_dict, dataset_ref, agency)
        self._drop_unsafe_uris(dataset_ref)

    def _drop_unsafe_uris(self, ref: URIRef) -> None:
        """No ``javascript:``, ``data:``, ``file:``… URI in the entry, in
        whatever property a stored value reached it: the links themselves
        are checked before (``link``), this catches the rest."""
        g = self.g
        seen, frontier = {ref}, [ref]
        for _ in range(3):  # the entry, its distributions, their services
            found = []
            for subject in frontier:
                for predicate, obj in list(g.predicate_objects(subject)):
                    if _unsafe_uri(obj):
                        g.remove((subject, predicate, obj))
                        if (None, None, obj) not in g:
                            g.remove((obj, None, None))
                    elif predicate != RDF.type and not isinstance(
                            obj, Literal) and obj not in seen:
                        seen.add(obj)
                        found.append(obj)
            frontier = found

    def graph_from_catalog(self, catalog_dict: dict[str, Any] | None,
                           catalog_ref: URIRef) -> None:
        super().graph_from_catalog(catalog_dict, catalog_ref)
        g = self.g
        # DCAT-AP wants the language as a URI, and a publisher
        g.remove((catalog_ref, DCT.language, None))
        g.add((catalog_ref, DCT.language, v.LANGUAGES["vi"]))
        g.add((v.LANGUAGES["vi"], RDF.type, DCT.LinguisticSystem))
        name = tk.config.get("ckanext.nd47.dcat.publisher")
        publisher = URIRef(f"{catalog_uri().rstrip('/')}#publisher")
        g.add((catalog_ref, DCT.publisher, publisher))
        g.add((publisher, RDF.type, FOAF.Agent))
        g.add((publisher, FOAF.name, Literal(name, lang="vi")))
        g.add((publisher, DCT.type, v.PUBLISHER_TYPE.RegionalAuthority))
        if (catalog_ref, DCT.description, None) not in g:
            g.add((catalog_ref, DCT.description, Literal(
                f"Danh mục dữ liệu mở của {name} theo Nghị định số "
                "47/2020/NĐ-CP", lang="vi")))
        for homepage in g.objects(catalog_ref, FOAF.homepage):
            g.add((homepage, RDF.type, FOAF.Document))
        g.add((catalog_ref, DCT.conformsTo,
               v.rulebook(gate.rulebook().id)))

    # -- datasets ----------------------------------------------------------

    def _stock_view(self, dataset_dict: dict[str, Any],
                    agency: dict[str, str]) -> dict[str, Any]:
        """The dataset in the keys euro_dcat_ap_3 reads."""
        d = dict(dataset_dict)
        for key in ("temporal_start", "temporal_end", "maintainer",
                    "maintainer_email", "author", "author_email", "url"):
            d.pop(key, None)
        # the URIs of _vocabulary_uris are added by us, not handed over
        d.pop("license_url", None)
        d["title_translated"] = _translated(dataset_dict, "title")
        d["notes_translated"] = _translated(dataset_dict, "notes")
        d["tags_translated"] = {"vi": [t["name"] for t in
                                       dataset_dict.get("tags") or []]}
        d["url"] = f"{catalog_uri().rstrip('/')}/dataset/{dataset_dict['id']}"
        start, end = (dataset_dict.get("temporal_start"),
                      dataset_dict.get("temporal_end"))
        if start or end:
            d["temporal_coverage"] = [{"start": start, "end": end}]
        historical = bool(end) and str(end) < admin_units.REFORM_DATE
        units = []
        for code in dataset_dict.get("spatial_coverage") or []:
            unit = v.admin_unit(str(code), historical)
            if unit:
                units.append({"uri": str(unit[0]), "text": unit[1]})
        if units:
            d["spatial_coverage"] = units
        else:
            d.pop("spatial_coverage", None)
        if agency:
            d["publisher"] = [self._publisher(agency)]
        contact = self._contact(dataset_dict, agency)
        if contact:
            d["contact_name"], d["contact_email"] = contact[:2]
        d["resources"] = [self._distribution(r, dataset_dict)
                          for r in dataset_dict.get("resources") or []]
        return d

    @staticmethod
    def _publisher(agency: dict[str, str]) -> dict[str, Any]:
        publisher = {"uri": agency_uri(agency["id"]),
                     "name": agency["title"],
                     "identifier": agency.get("agency_code"),
                     "email": agency.get("focal_point_email")}
        level = v.AGENCY_LEVELS.get(agency.get("level", ""))
        if level:
            publisher["type"] = str(level)
        return publisher

    @staticmethod
    def _contact(dataset_dict: dict[str, Any], agency: dict[str, str]
                 ) -> tuple[str, str, str] | None:
        """The dataset's focal point, else the agency's."""
        if dataset_dict.get("maintainer") or dataset_dict.get(
                "maintainer_email"):
            return (dataset_dict.get("maintainer") or "",
                    dataset_dict.get("maintainer_email") or "",
                    dataset_dict.get("maintainer_phone") or "")
        if agency.get("focal_point_name") or agency.get("focal_point_email"):
            return (agency.get("focal_point_name", ""),
                    agency.get("focal_point_email", ""),
                    agency.get("focal_point_phone", ""))
        return None

    @staticmethod
    def _distribution(resource: dict[str, Any],
                      dataset_dict: dict[str, Any]) -> dict[str, Any]:
        r = dict(without_unsafe_uri(resource))
        url = link(r.pop("url", None)) or ""
        page = (f"{catalog_uri().rstrip('/')}/dataset/"
                f"{dataset_dict['id']}/resource/{r['id']}")
        if r.get("access_type") == "api":
            r["access_url"] = url or page
        else:
            r["access_url"], r["download_url"] = page, url
        # media type, file type and licence URIs: _vocabulary_uris
        if r.get("mimetype") and "/" in r["mimetype"]:
            r.pop("mimetype")
        if v.file_type(r.get("format") or ""):
            r.pop("format")
        if dataset_dict.get("terms_of_use"):
            r["rights"] = {"vi": dataset_dict["terms_of_use"]}
        digest = _checksum(r.pop("hash", None) or "")
        if digest:
            r["hash"] = digest
        return r

    def _vocabulary_uris(self, dataset_dict: dict[str, Any],
                         ref: URIRef) -> None:
        """The properties whose values are URIs of known vocabularies
        (EU authority tables, IANA, SPDX, the rulebook, the licence).
        They are clean already, so they are added here rather than handed
        to ckanext-dcat, whose URI cleaning (``CleanedURIRef``, about
        140 µs a URI) took a fifth of a catalogue page's time; the
        triples and classes are the ones it would add."""
        g = self.g

        def add(subject: Any, predicate: URIRef, value: URIRef,
                cls: URIRef | None = None) -> None:
            g.add((subject, predicate, value))
            if cls is not None:
                g.add((value, RDF.type, cls))

        sector = v.theme(dataset_dict.get("sector") or "")
        if sector:
            add(ref, DCAT.theme, sector)
        for lang in _translated(dataset_dict, "title"):
            add(ref, DCT.language, v.LANGUAGES[lang], DCT.LinguisticSystem)
        freq = v.frequency(dataset_dict.get("update_frequency") or "")
        if freq:
            add(ref, DCT.accrualPeriodicity, freq, DCT.Frequency)
        add(ref, DCT.accessRights, v.ACCESS_RIGHT[
            "PUBLIC" if dataset_dict.get("classification") == "open"
            else "NON_PUBLIC"], DCT.RightsStatement)
        add(ref, DCT.conformsTo, v.rulebook(gate.rulebook().id),
            DCT.Standard)
        licence = (CleanedURIRef(dataset_dict["license_url"])
                   if dataset_dict.get("license_url") else None)
        for resource in dataset_dict.get("resources") or []:
            distribution = CleanedURIRef(resource_uri(dict(
                without_unsafe_uri(resource), package_id=dataset_dict["id"])))
            mimetype = resource.get("mimetype") or ""
            if "/" in mimetype:
                add(distribution, DCAT.mediaType,
                    URIRef(v.IANA_MEDIA_TYPE + mimetype), DCT.MediaType)
            fmt = v.file_type(resource.get("format") or "")
            if fmt:
                add(distribution, DCT["format"], fmt, DCT.MediaTypeOrExtent)
            if licence is not None:
                add(distribution, DCT.license, licence, DCT.LicenseDocument)
                g.add((licence, DCT.type, LICENCE_TYPE_UNKNOWN))
            checksum = g.value(distribution, SPDX.checksum)
            if checksum is not None:
                add(checksum, SPDX.algorithm, v.SPDX_SHA256,
                    SPDX.ChecksumAlgorithm)

    def _graph_from_nd47(self, dataset_dict: dict[str, Any],
                         dataset_ref: URIRef, agency: dict[str, str]) -> None:
        g = self.g
        g.bind("nd47", v.ND47)
        self._vocabulary_uris(dataset_dict, dataset_ref)
        self._type_objects(dataset_ref)
        status = gate.status(gate.evaluate(dataset_dict))
        g.add((dataset_ref, v.ND47.complianceStatus, v.compliance(status)))
        if dataset_dict.get("classification"):
            g.add((dataset_ref, v.ND47.classification,
                   v.classification(dataset_dict["classification"])))
        if dataset_dict.get("legal_basis"):
            g.add((dataset_ref, v.ND47.legalBasis,
                   Literal(dataset_dict["legal_basis"], lang="vi")))
        for key, prop in (("catalogue_reviewed", v.ND47.catalogueReviewed),
                          ("review_due", v.ND47.reviewDue),
                          ("data_updated", v.ND47.dataUpdated),
                          ("update_due", v.ND47.updateDue)):
            if dataset_dict.get(key):
                g.add((dataset_ref, prop,
                       Literal(str(dataset_dict[key])[:10],
                               datatype=XSD.date)))
        if dataset_dict.get("terms_of_use"):
            rights = BNode()
            g.add((rights, RDF.type, DCT.RightsStatement))
            g.add((rights, RDFS.label,
                   Literal(dataset_dict["terms_of_use"], lang="vi")))
            g.add((dataset_ref, DCT.rights, rights))
        contact = self._contact(dataset_dict, agency)
        if contact and contact[2]:
            for point in g.objects(dataset_ref, DCAT.contactPoint):
                g.add((point, VCARD.hasTelephone, _tel(contact[2])))

    def _type_objects(self, ref: URIRef) -> None:
        """DCAT-AP's shapes check classes without inference: give the
        authority concepts and contact points the classes they expect."""
        g = self.g
        concepts = set(g.objects(ref, DCAT.theme))
        distributions = list(g.objects(ref, DCAT.distribution))
        licences = {licence for distribution in distributions
                    for licence in g.objects(distribution, DCT.license)}
        for subject in [ref, *g.objects(ref, DCT.publisher),
                        *distributions, *licences]:
            concepts.update(g.objects(subject, DCT.type))
        for concept in concepts:
            # an earlier entry of the page may have labelled it already
            if isinstance(concept, URIRef) and (
                    concept, RDF.type, SKOS.Concept) not in g:
                g.add((concept, RDF.type, SKOS.Concept))
                for lang, label in v.concept_labels(concept).items():
                    g.add((concept, SKOS.prefLabel, Literal(label, lang=lang)))
        for point in g.objects(ref, DCAT.contactPoint):
            g.add((point, RDF.type, VCARD.Kind))

    # -- data-sharing services ----------------------------------------------

    def _graph_from_service(self, service: dict[str, Any], ref: URIRef,
                            agency: dict[str, str]) -> None:
        g = self.g
        for prefix, namespace in (("dcat", DCAT), ("dct", DCT),
                                  ("foaf", FOAF), ("vcard", VCARD),
                                  ("nd47", v.ND47)):
            g.bind(prefix, namespace)
        g.add((ref, RDF.type, DCAT.DataService))
        g.add((ref, DCT.identifier, Literal(service["id"])))
        g.add((ref, DCT.title, Literal(service["title"], lang="vi")))
        if service.get("notes"):
            g.add((ref, DCT.description, Literal(service["notes"], lang="vi")))
        endpoint_url = link(service.get("endpoint_url"))
        if endpoint_url:
            endpoint = URIRef(endpoint_url)
            g.add((ref, DCAT.endpointURL, endpoint))
            g.add((endpoint, RDF.type, RDFS.Resource))
        page = URIRef(
            f"{catalog_uri().rstrip('/')}/{SERVICE_TYPE}/{service['id']}")
        g.add((ref, DCAT.landingPage, page))
        g.add((page, RDF.type, FOAF.Document))
        access = v.SERVICE_ACCESS.get(service.get("access_conditions", ""))
        if access:
            g.add((ref, DCT.accessRights, v.ACCESS_RIGHT[access]))
            g.add((v.ACCESS_RIGHT[access], RDF.type, DCT.RightsStatement))
        if service.get("access_conditions_note"):
            g.add((ref, DCT.rights, self._statement(
                service["access_conditions_note"])))
        for key, prop in (("protocol", v.ND47.protocol),
                          ("service_status", v.ND47.serviceStatus)):
            if service.get(key):
                g.add((ref, prop, Literal(service[key])))
        for key, prop in (("metadata_created", DCT.issued),
                          ("metadata_modified", DCT.modified)):
            self._add_date_triple(ref, prop, service.get(key))
        if agency:
            self._add_agents(ref, {"publisher": [self._publisher(agency)]},
                             "publisher", DCT.publisher)
        self._type_objects(ref)
        contact = self._contact(service, agency)
        if contact:
            point = BNode()
            g.add((ref, DCAT.contactPoint, point))
            g.add((point, RDF.type, VCARD.Organization))
            g.add((point, RDF.type, VCARD.Kind))
            if contact[0]:
                g.add((point, VCARD.fn, Literal(contact[0])))
            if contact[1]:
                g.add((point, VCARD.hasEmail, URIRef("mailto:" + contact[1])))
            if contact[2]:
                g.add((point, VCARD.hasTelephone, _tel(contact[2])))
        for dataset in _open_datasets(service.get("served_datasets")):
            served = URIRef(dataset_uri(dataset))
            g.add((ref, DCAT.servesDataset, served))
            g.add((served, RDF.type, DCAT.Dataset))
            g.add((served, DCT.title, Literal(dataset["title"], lang="vi")))
            g.add((served, DCT.description,
                   Literal(dataset["notes"], lang="vi")))

    def _statement(self, text: str) -> BNode:
        statement = BNode()
        self.g.add((statement, RDF.type, DCT.RightsStatement))
        self.g.add((statement, RDFS.label, Literal(text, lang="vi")))
        return statement


def _open_datasets(names: list[str] | None) -> list[dict[str, Any]]:
    """The named datasets that are in the public catalogue: a service may
    also serve shared data, which the feed must not name."""
    if not names:
        return []
    from ckanext.nd47.dcat import catalogue
    query = " OR ".join(f'"{name}"' for name in names)
    result = tk.get_action("package_search")(
        {"ignore_auth": True},
        {"fq": f"+name:({query}) +{catalogue.OPEN_DATASETS_FQ}",
         "rows": len(names), "sort": "name asc"})
    return result["results"]
