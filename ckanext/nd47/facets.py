"""Dataset-search facets of the portal and their display names."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.nd47 import language
from ckanext.nd47.compliance.indexing import FIELD as COMPLIANCE

_LABELLED_BY_SCHEMA = ("sector", "classification")


def compliance_labels() -> dict[str, str]:
    return {
        "compliant": tk._("Compliant"),
        "warning": tk._("Compliant, with warnings"),
        "blocking": tk._("Not compliant"),
        "not_applicable": tk._("Not open data"),
    }


def dataset_facets(facets_dict: dict[str, Any],
                   package_type: str) -> dict[str, Any]:
    if package_type != "dataset":
        return facets_dict
    facets_dict["sector"] = tk._("Sector")
    facets_dict[COMPLIANCE] = tk._("Decree 47 compliance")
    return facets_dict


def choice_labels(field_name: str) -> dict[str, str]:
    schema = tk.h.scheming_get_dataset_schema("dataset") or {}
    field = tk.h.scheming_field_by_name(
        schema.get("dataset_fields", []), field_name) or {}
    return {str(c["value"]): language.text(c["label"])
            for c in field.get("choices", [])}


def label_items(search_results: dict[str, Any]) -> dict[str, Any]:
    """Show facet values (``ENVI``, ``warning``) by their labels in the
    current language."""
    facets = search_results.get("search_facets") or {}
    if not facets:
        return search_results
    for name in facets:
        if name == COMPLIANCE:
            known = compliance_labels()
        elif name in _LABELLED_BY_SCHEMA:
            known = choice_labels(name)
        else:
            continue
        for item in facets[name].get("items", []):
            item["display_name"] = known.get(item["name"],
                                             item["display_name"])
    return search_results
