"""ckanext-dcat's catalogue and dataset RDF actions, held to the public
catalogue's rules (see ``ckanext/nd47/dcat/catalogue.py``).

Each checks its parameters first, with ``ckanext/nd47/dcat/request.py``,
the checks the pages use too: a refusal is a ``ValidationError`` (HTTP
409 from the API) or ``ObjectNotFound`` (404), in Vietnamese and
English, before anything is searched or serialized."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.nd47.dcat import catalogue, request

__all__ = ["dcat_catalog_show", "dcat_catalog_search", "dcat_dataset_show"]


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_show(up_func: Action, context: Context,
                      data_dict: DataDict) -> Any:
    """One page of the public DCAT catalogue: open, public, active datasets
    and the data-sharing services, newest change first.

    Replaces ckanext-dcat's page (same parameters) so that the filter runs
    inside the search and services are listed as ``dcat:service``.

    :param page: page number, from 1 (``ckanext.dcat.datasets_per_page``
        a page)
    :type page: int
    :param modified_since: only entries changed since this ISO 8601 time
    :type modified_since: string
    :param q: a search query within the catalogue
    :type q: string
    :param format: ``ttl``, ``rdf``, ``xml``, ``n3`` or ``jsonld`` (by
        default RDF/XML)
    :type format: string
    :param profiles: RDF profiles, of those in ``ckanext.dcat.rdf.profiles``
        (by default all of them)
    :type profiles: list of strings, or a comma-separated string
    """
    checked = request.check(data_dict, "catalog")
    tk.check_access("dcat_catalog_show", context, data_dict)
    return catalogue.serialize_page(context, checked)


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_search(up_func: Action, context: Context,
                        data_dict: DataDict) -> Any:
    """As ``dcat_catalog_show``: a search within the public catalogue.

    :param q: the search query
    :type q: string
    :param page: page number, from 1
    :type page: int
    :param modified_since: only entries changed since this ISO 8601 time
    :type modified_since: string
    :param format: ``ttl``, ``rdf``, ``xml``, ``n3`` or ``jsonld``
    :type format: string
    :param profiles: as ``dcat_catalog_show``
    :type profiles: list of strings, or a comma-separated string
    """
    checked = request.check(data_dict, "catalog")
    tk.check_access("dcat_catalog_search", context, data_dict)
    return catalogue.serialize_page(context, checked)


@tk.chained_action
@tk.side_effect_free
def dcat_dataset_show(up_func: Action, context: Context,
                      data_dict: DataDict) -> Any:
    """A dataset's RDF, only for what the public catalogue lists: shared,
    private, draft and database entries are not found.

    Replaces ckanext-dcat's action (same parameters), which would show
    any dataset the caller may read.

    :param id: the dataset's id or name
    :type id: string
    :param format: ``ttl``, ``rdf``, ``xml``, ``n3`` or ``jsonld``
    :type format: string
    :param profiles: as ``dcat_catalog_show``
    :type profiles: list of strings, or a comma-separated string
    """
    checked = request.check(data_dict, "dataset")
    tk.check_access("dcat_dataset_show", context, data_dict)
    try:
        dataset = tk.get_action("package_show")(
            {"user": context.get("user", "")}, {"id": checked.id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        dataset = {}
    if not catalogue.in_catalogue(dataset):
        raise tk.ObjectNotFound(request.NOT_FOUND)
    return catalogue.serialize_dataset(dataset, checked)
