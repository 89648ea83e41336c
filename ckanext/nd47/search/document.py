"""Turn the document CKAN builds for Solr into a row of the search table.

CKAN's ``PackageSearchIndex`` assembles the document (running every
``IPackageController.before_dataset_index`` and adding permission labels);
this module only decides how each field is stored, mirroring CKAN's Solr
schema: string fields match exactly, text fields word by word, and the
catch-all ``text`` field is weighted like CKAN's ``qf``
(``name^4 title^4 tags^2 groups^2 text``).
"""
from __future__ import annotations

import json
from typing import Any

from ckanext.nd47.search import text

# Stored only, never searched (Solr: indexed="false").
_STORED_ONLY = frozenset({"data_dict", "validated_data_dict"})

# Fields of type text/textgen in CKAN's Solr schema.
_TEXT_FIELDS = frozenset({
    "text", "title", "notes", "author", "maintainer", "res_name",
    "res_description", "urls", "title_ngram",
})
_TEXT_PREFIXES = ("extras_", "res_extras_")

# Weights of the catch-all text, as CKAN's default query fields.
_WEIGHT_A = ("name", "title")
_WEIGHT_B = ("tags", "groups")

# Machine fields that carry no words a person would search for.
_NOT_SEARCHABLE = frozenset({
    "id", "index_id", "site_id", "owner_org", "creator_user_id", "state",
    "capacity", "private", "entity_type", "dataset_type", "type",
    "permission_labels", "metadata_created", "metadata_modified",
    "num_resources", "num_tags", "license_id", "isopen", "indexed_ts",
    "title_string", "res_url", "url", "version", "res_type",
    "author_email", "maintainer_email", "plugin_data",
}) | _STORED_ONLY

_DATE_FIELDS = frozenset({"metadata_created", "metadata_modified",
                          "indexed_ts"})


# Fields stored in columns of their own (see model/search_document.py):
# field name -> column name. permission_labels is an array column.
COLUMN_FIELDS = {
    "id": "package_id", "name": "name", "site_id": "site_id",
    "entity_type": "entity_type", "state": "state", "capacity": "capacity",
    "dataset_type": "dataset_type", "permission_labels": "permission_labels",
    "title_string": "title_string", "metadata_created": "metadata_created",
    "metadata_modified": "metadata_modified",
}
ARRAY_COLUMN_FIELDS = frozenset({"permission_labels"})


def is_text_field(field: str) -> bool:
    return field in _TEXT_FIELDS or field.startswith(_TEXT_PREFIXES)


def is_date_field(field: str) -> bool:
    return field in _DATE_FIELDS or field.endswith("_date")


def _as_strings(value: Any) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, (list, tuple)) else [value]
    result: list[str] = []
    for item in values:
        if item is None or item == "":
            continue
        if isinstance(item, bool):
            item = "true" if item else "false"
        elif isinstance(item, (dict, list)):
            item = json.dumps(item, ensure_ascii=False, sort_keys=True)
        else:
            item = str(item)
        if item not in result:
            result.append(item)
    return result


def build_row(doc: dict[str, Any]) -> dict[str, Any]:
    """The column values of ``nd47_search_document`` for one Solr document."""
    fields = {
        key: _as_strings(value) for key, value in doc.items()
        if key not in _STORED_ONLY
    }
    fields = {key: values for key, values in fields.items() if values}

    searchable = {
        key: " ".join(values) for key, values in fields.items()
        if key not in _NOT_SEARCHABLE
    }
    weight_a = " ".join(searchable.get(k, "") for k in _WEIGHT_A)
    weight_b = " ".join(
        v for k, v in searchable.items()
        if k in _WEIGHT_B or k.startswith("vocab_"))
    weight_d = " ".join(
        v for k, v in searchable.items()
        if k not in _WEIGHT_A and k not in _WEIGHT_B
        and not k.startswith("vocab_"))

    folded = {key: text.fold(value) for key, value in searchable.items()}

    columns: dict[str, Any] = {}
    for field, column in COLUMN_FIELDS.items():
        values = fields.get(field, [])
        if field in ARRAY_COLUMN_FIELDS:
            columns[column] = values
        else:
            columns[column] = values[0] if values else None
    return {
        **columns,
        "index_id": doc["index_id"],
        "package_id": doc["id"],
        "site_id": doc["site_id"],
        "doc": doc,
        "fields": fields,
        "folded": folded,
        "weights_exact": [text.lower(w) for w in (weight_a, weight_b,
                                                  weight_d)],
        "weights_folded": [text.fold(w) for w in (weight_a, weight_b,
                                                  weight_d)],
    }
