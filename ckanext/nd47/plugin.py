"""Plugin registration only; the work lives in the modules named here."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.config.declaration import Declaration, Key
from ckan.lib.plugins import DefaultTranslation

from ckanext.nd47 import resources
from ckanext.nd47.search import seam


@tk.blanket.cli
class Nd47Plugin(DefaultTranslation, p.SingletonPlugin):
    """The provincial open-data portal: templates, commands, translations."""
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)

    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")

    def i18n_directory(self) -> str:
        return str(resources.data_dir("i18n"))

    def i18n_domain(self) -> str:
        return "ckanext-nd47"


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
