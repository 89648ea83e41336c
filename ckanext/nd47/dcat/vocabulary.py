"""The URIs the DCAT export uses: EU authority tables for what they cover,
and the project's own small vocabulary (``ND47``) for what no standard
property covers. The own URIs are fixed here and documented in the README
("DCAT-AP export"); ``graph()`` serves them as Turtle."""
from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from ckanext.nd47 import admin_units

EU = "http://publications.europa.eu/resource/authority/"
THEME = Namespace(EU + "data-theme/")
FREQUENCY = Namespace(EU + "frequency/")
ACCESS_RIGHT = Namespace(EU + "access-right/")
FILE_TYPE = Namespace(EU + "file-type/")
LANGUAGE = Namespace(EU + "language/")
PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
IANA_MEDIA_TYPE = "http://www.iana.org/assignments/media-types/"
SPDX_SHA256 = URIRef("http://spdx.org/rdf/terms#checksumAlgorithm_sha256")

# The project's own vocabulary: properties and classes in one namespace,
# concepts and administrative units under the same base.
BASE = "https://nd47.github.io/ckanext-nd47/"
ND47 = Namespace(BASE + "ns#")
RULEBOOK = Namespace(BASE + "rulebook/")
ADMIN_UNIT = Namespace(BASE + "admin-unit/")

LANGUAGES = {"vi": LANGUAGE.VIE, "en": LANGUAGE.ENG}

# sector codes are the EU data-theme codes (schemas/dataset.yaml)
SECTORS = frozenset({"AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL",
                     "INTR", "JUST", "REGI", "SOCI", "TECH", "TRAN"})
FREQUENCIES = frozenset({"CONT", "DAILY", "WEEKLY", "MONTHLY", "QUARTERLY",
                         "ANNUAL_2", "ANNUAL", "IRREG", "NEVER"})
# formats with an entry in the EU file-type table, by CKAN format name
FILE_TYPES = frozenset({"CSV", "JSON", "XLSX", "XLS", "XML", "PDF", "ODS",
                        "ZIP", "GEOJSON", "KML", "SHP", "TXT", "HTML",
                        "RDF", "TSV", "DOCX", "ODT", "GML", "WMS_SRVC"})
# data-sharing service access conditions -> EU access rights
SERVICE_ACCESS = {"open": "PUBLIC", "registration": "RESTRICTED",
                  "agreement": "NON_PUBLIC"}
AGENCY_LEVELS = {"province": PUBLISHER_TYPE.RegionalAuthority,
                 "commune": PUBLISHER_TYPE.LocalAuthority}
COMPLIANCE = ("compliant", "warning", "blocking", "not_applicable")
CLASSIFICATIONS = ("open", "shared_default", "shared_on_request")


_LABELS = {
    PUBLISHER_TYPE.RegionalAuthority: {"vi": "Chính quyền cấp tỉnh",
                                       "en": "Regional authority"},
    PUBLISHER_TYPE.LocalAuthority: {"vi": "Chính quyền cấp xã",
                                    "en": "Local authority"},
    URIRef("http://purl.org/adms/licencetype/UnknownIPR"): {
        "vi": "Chưa xác định loại quyền", "en": "Unknown IPR"},
}


def concept_labels(concept: URIRef) -> dict[str, str]:
    """skos:prefLabel of an authority concept the export uses: sectors
    from the dataset schema's choices, the others from ``_LABELS``."""
    if str(concept).startswith(str(THEME)):
        from ckanext.scheming.helpers import (scheming_dataset_schemas,
                                              scheming_field_by_name)
        schema = scheming_dataset_schemas()["dataset"]
        field = scheming_field_by_name(schema["dataset_fields"], "sector")
        code = str(concept)[len(str(THEME)):]
        for choice in field["choices"]:
            if choice["value"] == code:
                return dict(choice["label"])
        return {}
    return _LABELS.get(concept, {})


def theme(sector: str) -> URIRef | None:
    return THEME[sector] if sector in SECTORS else None


def frequency(code: str) -> URIRef | None:
    return FREQUENCY[code] if code in FREQUENCIES else None


def file_type(fmt: str) -> URIRef | None:
    key = fmt.strip().upper()
    return FILE_TYPE[key] if key in FILE_TYPES else None


def rulebook(rulebook_id: str) -> URIRef:
    """The rulebook a dataset is checked against, e.g.
    ``…/rulebook/decree-47-2020``."""
    return RULEBOOK[rulebook_id]


def admin_unit(code: str, historical: bool = False
               ) -> tuple[URIRef, str] | None:
    """URI and name of an administrative unit. Codes are only unique
    within an era (many 2025 commune codes reuse a pre-2025 code), so the
    era is part of the URI: ``…/admin-unit/2025/26734``,
    ``…/admin-unit/pre-2025/731``."""
    found = admin_units.resolve(code, historical)
    if found is None:
        return None
    era, name = found
    return ADMIN_UNIT[f"{era}/{code}"], name


def compliance(status: str) -> URIRef:
    return ND47["compliance-" + status.replace("_", "-")]


def classification(value: str) -> URIRef:
    return ND47["classification-" + value.replace("_", "-")]


_TERMS: tuple[tuple[str, URIRef, str, str], ...] = (
    ("complianceStatus", RDF.Property,
     "trạng thái tuân thủ bộ quy tắc (dct:conformsTo)",
     "compliance with the rulebook named by dct:conformsTo"),
    ("classification", RDF.Property, "phân loại dữ liệu (Nghị định 47)",
     "data classification under Decree 47"),
    ("legalBasis", RDF.Property, "căn cứ pháp lý (Điều 20 khoản 4)",
     "legal basis of publication (Art. 20(4))"),
    ("catalogueReviewed", RDF.Property, "ngày rà soát danh mục",
     "date the catalogue entry was last reviewed (Art. 20(3))"),
    ("reviewDue", RDF.Property, "hạn rà soát tiếp theo",
     "next catalogue review due (Art. 20(3), 6 months)"),
    ("dataUpdated", RDF.Property, "ngày cập nhật dữ liệu",
     "date the data was last updated (Art. 20(3))"),
    ("updateDue", RDF.Property, "hạn cập nhật dữ liệu",
     "data update due (Art. 20(3), 3 months)"),
    ("protocol", RDF.Property, "giao thức của dịch vụ chia sẻ dữ liệu",
     "protocol of a data-sharing service"),
    ("serviceStatus", RDF.Property, "trạng thái dịch vụ",
     "operating status of a data-sharing service"),
    ("agencyLevel", RDF.Property, "cấp hành chính của cơ quan",
     "administrative level of the agency"),
    ("AdministrativeUnit", RDFS.Class, "đơn vị hành chính",
     "Vietnamese administrative unit, by era and official code"),
)


def graph() -> Graph:
    """The own vocabulary as an RDF graph (served as Turtle)."""
    g = Graph()
    g.bind("nd47", ND47)
    g.bind("dct", DCTERMS)
    g.bind("skos", SKOS)
    for name, kind, vi, en in _TERMS:
        term = ND47[name]
        g.add((term, RDF.type, kind))
        g.add((term, RDFS.label, Literal(vi, lang="vi")))
        g.add((term, RDFS.label, Literal(en, lang="en")))
        g.add((term, RDFS.isDefinedBy, URIRef(str(ND47).rstrip("#"))))
    for values, maker, scheme in ((COMPLIANCE, compliance, "compliance"),
                                  (CLASSIFICATIONS, classification,
                                   "classification")):
        for value in values:
            concept = maker(value)
            g.add((concept, RDF.type, SKOS.Concept))
            g.add((concept, SKOS.notation, Literal(value)))
            g.add((concept, SKOS.inScheme, ND47[scheme]))
        g.add((ND47[scheme], RDF.type, SKOS.ConceptScheme))
    from ckanext.nd47.compliance import gate
    book = gate.rulebook()
    ref = rulebook(book.id)
    g.add((ref, RDF.type, DCTERMS.Standard))
    for lang, text in book.title.items():
        g.add((ref, DCTERMS.title, Literal(text, lang=lang)))
    g.add((ref, OWL.versionInfo, Literal(book.version)))
    g.add((ref, DCTERMS.identifier, Literal(book.id, datatype=XSD.string)))
    return g
