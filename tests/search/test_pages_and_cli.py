"""Stock CKAN pages and commands work unchanged on the PostgreSQL backend."""
from __future__ import annotations

import re

import pysolr
import pytest

import ckan.lib.search as ckan_search
import ckan.lib.search.query as ckan_search_query
import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.nd47.search import seam
from tests.search.conftest import Catalogue, search


# The catalogue holds a dataset of a type no plugin renders; the listing
# pages are asked to show the default type only (which adds the
# +dataset_type:dataset filter CKAN's views use).
@pytest.mark.ckan_config("ckan.search.show_all_types", "false")
class TestPages:
    @pytest.fixture(autouse=True)
    def _data(self, catalogue: Catalogue) -> None:
        """Pages render the module's catalogue."""

    def test_home_page(self, app):
        response = app.get("/")
        assert response.status_code == 200

    def test_dataset_search_with_facets_and_paging(self, app):
        response = app.get("/dataset/", query_string={"q": "thoi tiet"})
        assert response.status_code == 200
        # one public dataset of the default type matches
        assert "Thời tiết và lượng mưa theo tháng" in response.body
        assert "Dữ liệu nội bộ" not in response.body
        response = app.get("/dataset/", query_string={"res_format": "XLSX"})
        assert "Thống kê đất đai năm 2024" in response.body
        assert "Tuyến xe buýt" not in response.body
        first = app.get("/dataset/", query_string={
            "sort": "name asc", "page": 1}).body
        assert re.search(r"<h1>\s*5 [^<]*(bộ dữ liệu|datasets)", first, re.I)

    def test_search_hint_in_vietnamese_and_english(self, app):
        assert ("Có thể gõ có dấu hoặc không dấu: “thoi tiet” cũng tìm thấy "
                "“Thời tiết”.") in app.get("/dataset/").body
        assert ("You can type with or without diacritics: “thoi tiet” also "
                "finds “Thời tiết”.") in app.get("/en/dataset/").body
        assert "nd47-search-hint" in app.get("/organization/so-xay-dung").body
        # agency and group lists are not searched by nd47_search
        assert "nd47-search-hint" not in app.get("/organization/").body
        assert "nd47-search-hint" not in app.get("/group/").body

    def test_organization_page_counts(self, app):
        response = app.get("/organization/so-xay-dung")
        assert response.status_code == 200
        for title in ("Thống kê đất đai năm 2024", "Tuyến xe buýt nội tỉnh"):
            assert title in response.body
        listing = app.get("/organization/").body
        assert re.search(r"Sở Xây dựng.*?\b3\b", listing, re.S)

    def test_group_page(self, app):
        response = app.get("/group/moi-truong")
        assert response.status_code == 200
        assert "Thời tiết và lượng mưa theo tháng" in response.body
        assert "Thống kê đất đai năm 2024" in response.body

    def test_group_list_package_counts(self):
        groups = tk.get_action("group_list")(
            {"ignore_auth": True}, {"all_fields": True})
        assert {g["name"]: g["package_count"] for g in groups} == {
            "moi-truong": 2}


class TestSearchIndexCommands:
    def test_clear_and_rebuild(self, cli, catalogue: Catalogue):
        ini = tk.config["__file__"]
        assert search(rows=0)["count"] == 6
        result = cli.invoke(ckan_cli(), ["-c", ini, "search-index", "clear"])
        assert result.exit_code == 0, result.output
        assert search(rows=0)["count"] == 0
        result = cli.invoke(ckan_cli(), ["-c", ini, "search-index",
                                         "rebuild", "-q"])
        assert result.exit_code == 0, result.output
        assert search(rows=0)["count"] == 6
        assert ckan_search.show("xe-buyt")["organization"] == "so-xay-dung"

    def test_clear_one_dataset_and_check(self, cli, catalogue: Catalogue):
        ini = tk.config["__file__"]
        cli.invoke(ckan_cli(), ["-c", ini, "search-index", "clear",
                                "xe-buyt"])
        assert "xe-buyt" not in {d["name"] for d in search(rows=50)[
            "results"]}
        result = cli.invoke(ckan_cli(), ["-c", ini, "search-index",
                                         "rebuild", "-o", "-q"])
        assert result.exit_code == 0, result.output
        assert search(q="xe buyt")["count"] == 1

    def test_updates_are_indexed_at_once(self, catalogue: Catalogue):
        dataset = catalogue.datasets["benh-vien"]
        tk.get_action("package_patch")(
            {"ignore_auth": True, "user": catalogue.users["sysadmin"]["name"]},
            {"id": dataset["id"], "title": "Danh sách bệnh viện công lập"})
        assert search(q="cong lap")["results"][0]["name"] == "benh-vien"
        tk.get_action("package_delete")(
            {"ignore_auth": True, "user": catalogue.users["sysadmin"]["name"]},
            {"id": dataset["id"]})
        assert search(q="benh vien")["count"] == 0


def ckan_cli():
    from ckan.cli.cli import ckan
    return ckan


class TestSolrStaysAvailable:
    def test_without_the_plugin_ckan_talks_to_solr(self, monkeypatch):
        monkeypatch.setattr(p, "plugin_loaded",
                            lambda name: name != seam.PLUGIN_NAME)
        ckan_search.SolrSettings.init("http://solr.example.vn:8983/solr/ckan")
        try:
            connection = ckan_search_query.make_connection()
            assert isinstance(connection, pysolr.Solr)
            assert connection.url == "http://solr.example.vn:8983/solr/ckan"
        finally:
            ckan_search.SolrSettings.init(seam.PLUGIN_NAME)

    def test_with_the_plugin_postgresql_answers(self):
        connection = ckan_search_query.make_connection()
        assert not isinstance(connection, pysolr.Solr)
        assert ckan_search.check_solr_schema_version() is False


class TestMigrations:
    def test_down_and_up_again_then_rebuild(self, cli, catalogue: Catalogue):
        import sqlalchemy as sa
        from ckan import model

        ini = tk.config["__file__"]
        before = search(rows=0)["count"]
        for command in ("downgrade", "upgrade"):
            result = cli.invoke(ckan_cli(), ["-c", ini, "db", command,
                                             "-p", "nd47_search"])
            assert result.exit_code == 0, result.output
            present = sa.inspect(model.meta.engine).has_table(
                "nd47_search_document")
            assert present is (command == "upgrade")
        assert search(rows=0)["count"] == 0
        result = cli.invoke(ckan_cli(), ["-c", ini, "search-index",
                                         "rebuild", "-q"])
        assert result.exit_code == 0, result.output
        assert search(rows=0)["count"] == before
        assert {d["name"] for d in search(q="thoi tiet")["results"]} == {
            "thoi-tiet", "kieu-khac"}
