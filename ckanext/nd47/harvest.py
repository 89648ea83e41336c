"""Incremental harvesting of a portal's DCAT feed, for the site that
harvests it (the national data portal, or any CKAN with ckanext-dcat's RDF
harvester).

ckanext-dcat's ``DCATRDFHarvester`` calls ``package_update`` for every
dataset of the feed on every run, changed or not, and ``package_update``
always moves ``metadata_modified``: a harvester that polls the province
nightly would mark its whole catalogue as changed each night. The feed
states when each dataset last changed (``dct:modified``); when that has not
moved since the last run, this skips the update. The harvester's own
contract for it: a ``before_update`` that empties the dataset dict makes
the import "unchanged".
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk


def _modified(dataset: dict[str, Any]) -> Optional[str]:
    """``dct:modified`` as the harvester stored it: a field with
    ckanext-scheming, an extra without."""
    value = dataset.get("modified")
    if not value:
        value = next((extra.get("value") for extra in
                      dataset.get("extras") or []
                      if extra.get("key") == "modified"), None)
    return str(value) if value else None


def skip_unchanged(harvest_object: Any, dataset: dict[str, Any]) -> None:
    """Empty ``dataset`` (the harvester then leaves the stored one alone)
    when the feed's ``dct:modified`` equals the stored one.

    The harvester links its new current harvest object to the dataset only
    on the update path, so this links it: a later run that finds the
    dataset gone from the feed must know which dataset to delete."""
    incoming = _modified(dataset)
    if not incoming or not dataset.get("id"):
        return
    try:
        stored = tk.get_action("package_show")(
            {"ignore_auth": True}, {"id": dataset["id"]})
    except tk.ObjectNotFound:
        return
    if _modified(stored) == incoming:
        harvest_object.package_id = dataset["id"]
        dataset.clear()
