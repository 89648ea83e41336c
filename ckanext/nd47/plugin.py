"""Plugin registration only; the work lives in the modules named here."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.config.declaration import Declaration, Key
from ckan.lib.plugins import DefaultTranslation

from ckanext.dcat.interfaces import IDCATRDFHarvester

from ckanext.nd47 import (access, facets, harvest, request_guard,
                          resources, uploads, visibility)
from ckanext.nd47.compliance import indexing
from ckanext.nd47.logic import action
from ckanext.nd47.search import seam


@tk.blanket.cli
@tk.blanket.actions(action.registry)
@tk.blanket.auth_functions
@tk.blanket.validators
@tk.blanket.helpers
@tk.blanket.blueprints
class Nd47Plugin(DefaultTranslation, p.SingletonPlugin):
    """The provincial open-data portal: schemas' validators, compliance,
    templates, commands, translations."""
    p.implements(p.IConfigurer)
    p.implements(p.IConfigDeclaration)
    p.implements(p.ITranslation)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.IUploader, inherit=True)

    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")

    def declare_config_options(
        self, declaration: Declaration, key: Key
    ) -> None:
        # database and service entries have no files; open datasets are
        # held to their resources by the compliance rules instead
        declaration[key.ckan.dataset.create_on_ui_requires_resources] \
            .set_default(False)
        for name, value in access.DEFAULTS.items():
            declaration[key.from_string(name)].set_default(value)
        declaration.load_dict(resources.config_declaration())

    def make_middleware(self, app: Any, config: Any) -> Any:
        return request_guard.install(app)

    def i18n_directory(self) -> str:
        return str(resources.data_dir("i18n"))

    def i18n_domain(self) -> str:
        return "ckanext-nd47"

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return indexing.prepare(pkg_dict)

    def after_dataset_update(self, context: Any,
                             pkg_dict: dict[str, Any]) -> None:
        visibility.after_dataset_change(context, pkg_dict)

    def after_dataset_delete(self, context: Any,
                             pkg_dict: dict[str, Any]) -> None:
        visibility.after_dataset_change(context, pkg_dict)

    def after_dataset_search(self, search_results: dict[str, Any],
                             search_params: dict[str, Any]) -> dict[str, Any]:
        return facets.label_items(search_results)

    def dataset_facets(self, facets_dict: dict[str, Any],
                       package_type: str) -> dict[str, Any]:
        return facets.dataset_facets(facets_dict, package_type)

    def get_resource_uploader(self, resource: dict[str, Any]) -> None:
        # checks the upload allow-list; CKAN's uploader stores the file
        uploads.check_resource_upload(resource)


class Nd47SearchPlugin(p.SingletonPlugin):
    """Dataset indexing and package_search in PostgreSQL instead of Solr."""
    p.implements(p.IConfigurer)
    p.implements(p.IConfigDeclaration)

    def update_config(self, config: Any) -> None:
        seam.install()

    def declare_config_options(
        self, declaration: Declaration, key: Key
    ) -> None:
        # CKAN declares solr_url as required; with this backend it is unused.
        declaration[key.solr_url].set_default(seam.PLUGIN_NAME)


class Nd47IncrementalHarvestPlugin(p.SingletonPlugin):
    """For a site that harvests an nd47 portal's DCAT feed with
    ckanext-dcat's RDF harvester: datasets whose ``dct:modified`` has not
    moved are left as they are instead of being saved again."""
    p.implements(IDCATRDFHarvester, inherit=True)

    def before_update(self, harvest_object: Any, dataset_dict: dict[str, Any],
                      temp_dict: dict[str, Any]) -> None:
        harvest.skip_unchanged(harvest_object, dataset_dict)
