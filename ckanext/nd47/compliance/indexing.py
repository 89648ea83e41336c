"""What the nd47 schemas add to each dataset's search-index document.

- ``nd47_compliance``: the compliance status, so the dataset search can
  facet on it. It is computed when the dataset is indexed;
  ``ckan nd47 deadlines`` re-indexes datasets whose deadlines have passed
  since.
- list fields (stored as JSON text in CKAN's extras) become multi-valued
  fields, so ``spatial_coverage:75`` or ``served_datasets:name`` match one
  value exactly, as a Solr multi-valued string field does.
"""
from __future__ import annotations

import json
from typing import Any

from ckanext.nd47.compliance import gate

FIELD = "nd47_compliance"
LIST_FIELDS = ("spatial_coverage", "publishing_methods", "served_datasets")


def prepare(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    validated = pkg_dict.get("validated_data_dict")
    dataset = json.loads(validated) if validated else pkg_dict
    pkg_dict[FIELD] = gate.status(gate.evaluate(dataset))
    for field in LIST_FIELDS:
        if isinstance(dataset.get(field), list):
            pkg_dict[field] = [str(v) for v in dataset[field]]
    return pkg_dict
