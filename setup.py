"""ckanext-nd47 packaging.

The top-level ``schemas/`` and ``i18n/`` folders are installed inside the
``ckanext.nd47`` namespace, so a plain ``pip install .`` (not only ``-e``)
ships them; ``tests/test_packaging.py`` builds a wheel and checks.
"""
from setuptools import find_namespace_packages, setup

packages = find_namespace_packages(include=["ckanext.nd47", "ckanext.nd47.*"])
packages += ["ckanext.nd47.schemas", "ckanext.nd47.i18n"]

setup(
    name="ckanext-nd47",
    version="0.1.0",
    description=(
        "Open-data portal of a Vietnamese province under Decree "
        "47/2020/NĐ-CP, for CKAN 2.11"
    ),
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="AGPL-3.0-or-later",
    python_requires=">=3.11",
    packages=packages,
    package_dir={
        "ckanext.nd47.schemas": "schemas",
        "ckanext.nd47.i18n": "i18n",
    },
    package_data={
        "ckanext.nd47": [
            "templates/**/*.html",
            "migration/*/*",
            "migration/*/versions/*.py",
            "demo/*.yaml",
            "compliance/rulebooks/*.yaml",
            "demo/files/*",
            "config_declaration.yaml",
            "data/*.json.gz",
        ],
        "ckanext.nd47.schemas": ["*.yaml", "*.json", "*.md"],
        "ckanext.nd47.i18n": ["*.pot", "*/LC_MESSAGES/*.po", "*/LC_MESSAGES/*.mo"],
    },
    install_requires=["luqum>=1.0,<2"],
    entry_points={
        "ckan.plugins": [
            "nd47 = ckanext.nd47.plugin:Nd47Plugin",
            "nd47_search = ckanext.nd47.plugin:Nd47SearchPlugin",
            "nd47_incremental_harvest = "
            "ckanext.nd47.plugin:Nd47IncrementalHarvestPlugin",
        ],
        "ckan.rdf.profiles": [
            "nd47_dcat_ap = ckanext.nd47.dcat.profile:Nd47DcatApProfile",
        ],
        "babel.extractors": [
            "ckan = ckan.lib.extract:extract_ckan",
        ],
    },
    zip_safe=False,
)
