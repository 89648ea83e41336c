"""Custom ckanext-scheming fields of the nd47 schemas are indexed,
filterable, facetable and searchable, as CKAN's Solr index makes them."""
from __future__ import annotations

import pytest

from ckan.cli.db import _run_migrations
from ckan.tests import factories as ckan_factories

from tests import factories
from tests.search.conftest import names, search


@pytest.fixture(scope="module")
def catalogue(reset_db, reset_index) -> None:
    reset_db()
    _run_migrations("nd47_search")
    reset_index()
    user = ckan_factories.Sysadmin()
    org = factories.Agency(name="so-nong-nghiep-moi-truong")
    for name, sector, basis in (
        ("quan-trac-khong-khi", "ENVI", "Quyết định phê duyệt Đồng Nai"),
        ("chat-thai-y-te", "ENVI", "Kế hoạch cung cấp dữ liệu mở"),
        ("tiem-chung", "HEAL", "Kế hoạch cung cấp dữ liệu mở"),
    ):
        factories.OpenDataset(name=name, title=name.replace("-", " "),
                              owner_org=org["id"], sector=sector,
                              legal_basis=basis, user=user)
    factories.DataService(name="api-quan-trac", owner_org=org["id"],
                          served_datasets=["quan-trac-khong-khi"], user=user)


@pytest.mark.usefixtures("catalogue")
class TestCustomFields:
    def test_filter_on_a_custom_field(self):
        assert set(names(search(fq="sector:ENVI"))) == {
            "quan-trac-khong-khi", "chat-thai-y-te"}

    def test_facet_on_a_custom_field(self):
        result = search(**{"facet.field": '["sector"]'})
        assert result["facets"]["sector"] == {"ENVI": 2, "HEAL": 1}

    def test_facet_items_show_the_schema_labels(self):
        result = search(**{"facet.field": '["sector"]'})
        labels = {i["name"]: i["display_name"]
                  for i in result["search_facets"]["sector"]["items"]}
        assert labels == {"ENVI": "Tài nguyên và môi trường", "HEAL": "Y tế"}

    def test_custom_text_is_searchable_without_diacritics(self):
        assert names(search(q="dong nai")) == ["quan-trac-khong-khi"]

    def test_list_fields_are_filterable(self):
        assert names(search(
            fq="served_datasets:quan-trac-khong-khi")) == ["api-quan-trac"]

    def test_results_carry_the_custom_fields(self):
        result = search(fq="dataset_type:dataset", sort="name asc")
        assert [d["sector"] for d in result["results"]] == [
            "ENVI", "ENVI", "HEAL"]
        assert result["results"][0]["publishing_methods"] == ["download"]
