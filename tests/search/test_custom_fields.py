"""Custom ckanext-scheming fields are indexed, filterable, facetable and
searchable, as CKAN's Solr index makes them."""
from __future__ import annotations

from typing import Iterator

import pytest

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.cli.db import _run_migrations
from ckan.tests import factories

from tests.search.conftest import names, search

TYPE = "nd47-test-scheming"


@pytest.fixture(scope="module")
def scheming(reset_db, reset_index) -> Iterator[None]:
    reset_db()
    _run_migrations("nd47_search")
    reset_index()
    tk.config["scheming.dataset_schemas"] = (
        "tests.search:data/custom_fields_schema.yaml")
    p.load("scheming_datasets")
    org = factories.Organization(name="so-nong-nghiep-moi-truong")
    user = factories.Sysadmin()
    for name, sector, area in (
        ("quan-trac-khong-khi", "moi-truong", "Tỉnh Đồng Nai"),
        ("chat-thai-y-te", "moi-truong", "Phường Trung Tâm"),
        ("tiem-chung", "y-te", "Xã Tân Phú"),
    ):
        tk.get_action("package_create")({"user": user["name"]}, {
            "type": TYPE, "name": name, "title": name.replace("-", " "),
            "owner_org": org["id"], "linh_vuc": sector,
            "pham_vi_khong_gian": area,
        })
    yield
    p.unload("scheming_datasets")


@pytest.mark.usefixtures("scheming")
class TestCustomFields:
    def test_filter_on_a_custom_field(self):
        assert set(names(search(fq="linh_vuc:moi-truong"))) == {
            "quan-trac-khong-khi", "chat-thai-y-te"}

    def test_facet_on_a_custom_field(self):
        result = search(**{"facet.field": '["linh_vuc"]'})
        assert result["facets"]["linh_vuc"] == {"moi-truong": 2, "y-te": 1}

    def test_custom_text_is_searchable_without_diacritics(self):
        assert names(search(q="dong nai")) == ["quan-trac-khong-khi"]

    def test_results_carry_the_custom_fields(self):
        result = search(fq=f"dataset_type:{TYPE}", sort="name asc")
        assert [d["linh_vuc"] for d in result["results"]] == [
            "moi-truong", "moi-truong", "y-te"]
