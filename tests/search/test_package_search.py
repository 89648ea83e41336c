"""package_search answered by PostgreSQL: results, counts, facets, sorting,
paging and permissions compared with what the catalogue actually holds."""
from __future__ import annotations

import collections
import datetime as dt

import pytest

import ckan.plugins.toolkit as tk

from tests.search.conftest import Catalogue, names, search

PUBLIC = {"thoi-tiet", "dat-dai", "dat-dai-khong-dau", "benh-vien",
          "xe-buyt", "kieu-khac"}


@pytest.fixture(autouse=True)
def _data(catalogue: Catalogue) -> None:
    """Every test here reads the module's catalogue."""


class TestFreeText:
    def test_without_diacritics_finds_text_with_them(self):
        assert set(names(search(q="thoi tiet"))) == {"thoi-tiet",
                                                     "kieu-khac"}
        assert "dat-dai" in names(search(q="dat dai"))

    def test_exact_diacritics_rank_first(self):
        result = names(search(q="đất đai"))
        assert set(result) == {"dat-dai", "dat-dai-khong-dau"}
        assert result[0] == "dat-dai"
        # typed without diacritics, every diacritic variant matches
        assert set(names(search(q="dat dai"))) == {"dat-dai",
                                                   "dat-dai-khong-dau"}

    def test_title_match_outranks_description_match(self, catalogue):
        # "bệnh viện" is in one title; no other dataset mentions it
        assert names(search(q="benh vien")) == ["benh-vien"]

    def test_words_must_all_match_for_short_queries(self):
        assert names(search(q="thoi xe")) == []

    def test_minimum_should_match_for_long_queries(self):
        # 4 words: dismax mm "2<-1 5<80%" lets one of them miss
        assert names(search(q="tuyen xe buyt khongco")) == ["xe-buyt"]

    def test_phrase_and_prohibited_word(self):
        assert set(names(search(q='"thoi tiet"'))) == {"thoi-tiet",
                                                      "kieu-khac"}
        assert names(search(q='"thoi tiet" -dich')) == ["thoi-tiet"]

    def test_unbalanced_syntax_is_plain_words(self):
        assert names(search(q='benh vien (')) == ["benh-vien"]

    def test_fielded_text_query(self):
        assert names(search(q="title:thong ke")) == ["dat-dai"]
        assert names(search(q="notes:mo ta AND title:buyt")) == ["xe-buyt"]

    def test_prefix_wildcard(self):
        assert names(search(q="title:xe*")) == ["xe-buyt"]


class TestFilters:
    def test_field_value_and_quoted_value(self):
        assert set(names(search(fq="tags:đất\\ đai"))) == {"dat-dai"}
        assert set(names(search(fq='tags:"thời tiết"'))) == {"thoi-tiet"}
        assert set(names(search(fq="res_format:XLSX"))) == {"dat-dai"}

    def test_boolean_operators(self):
        assert set(names(search(
            fq="organization:so-y-te AND res_format:JSON", rows=50))) == {
            "thoi-tiet", "kieu-khac"}
        assert set(names(search(
            fq="res_format:PDF OR res_format:XLSX"))) == {"benh-vien",
                                                          "dat-dai"}
        assert set(names(search(
            fq="organization:so-xay-dung NOT tags:\"đất đai\"",
            rows=50))) == {"dat-dai-khong-dau", "xe-buyt"}
        assert set(names(search(
            fq="-organization:so-y-te", rows=50))) == {
            "dat-dai", "dat-dai-khong-dau", "xe-buyt"}

    def test_date_ranges(self):
        assert set(names(search(
            fq="metadata_modified:[NOW-1DAY TO *]", rows=50))) == PUBLIC
        assert names(search(fq="metadata_modified:[* TO NOW-1YEAR]")) == []
        today = dt.datetime.now(dt.timezone.utc).date().isoformat()
        assert search(
            fq=f"metadata_created:[{today}T00:00:00Z TO NOW+1DAY]",
        )["count"] == len(PUBLIC)

    def test_numeric_range(self):
        assert set(names(search(fq="num_resources:[2 TO *]", rows=50))) == {
            "thoi-tiet", "dat-dai", "benh-vien"}
        assert set(names(search(fq="num_resources:{2 TO *]"))) == {
            "dat-dai"}

    def test_quoted_range_bounds_mean_the_text_inside(self):
        # keyset paging (the streamed DCAT export) pages by id this way,
        # as Solr reads it: quotes around a bound are not part of it
        ordered = names(search(sort="name asc", rows=50))
        assert len(ordered) == len(PUBLIC)
        after = ordered[1]
        assert names(search(fq=f'name:{{"{after}" TO *]', sort="name asc",
                            rows=50)) == ordered[2:]
        assert names(search(fq=f'name:[* TO "{after}"]', sort="name asc",
                            rows=50)) == ordered[:2]

    def test_keyset_paging_by_id_visits_each_dataset_once(self):
        seen: list[str] = []
        after = None
        while True:
            fq = f'id:{{"{after}" TO *]' if after else "*:*"
            page = search(fq=fq, sort="id asc", rows=2)["results"]
            if not page:
                break
            seen.extend(d["name"] for d in page)
            after = page[-1]["id"]
        assert sorted(seen) == sorted(PUBLIC)

    def test_extras_are_filterable(self):
        assert set(names(search(fq='tan_suat:"Hàng tháng"'))) == {
            "thoi-tiet", "benh-vien"}
        assert set(names(search(fq='extras_tan_suat:"hang nam"'))) == {
            "dat-dai"}

    def test_dataset_type(self):
        assert names(search(fq="dataset_type:data-service")) == [
            "kieu-khac"]
        assert "kieu-khac" not in names(search(
            fq="+dataset_type:dataset", rows=50))

    def test_groups_filter(self):
        assert set(names(search(fq="groups:moi-truong"))) == {
            "thoi-tiet", "dat-dai"}


class TestFacets:
    def test_counts_match_the_data(self, catalogue: Catalogue):
        result = search(rows=0, **{
            "facet.field": '["organization", "tags", "res_format", '
                           '"tan_suat", "groups"]'})
        visible = [catalogue.datasets[n] for n in PUBLIC]
        expected = {
            "organization": collections.Counter(
                d["organization"]["name"] for d in visible),
            "tags": collections.Counter(
                t["name"] for d in visible for t in d["tags"]),
            "res_format": collections.Counter(
                f for d in visible
                for f in {r["format"] for r in d["resources"]}),
            "tan_suat": collections.Counter(
                e["value"] for d in visible for e in d.get("extras", [])
                if e["key"] == "tan_suat"),
            "groups": collections.Counter(
                g["name"] for d in visible for g in d["groups"]),
        }
        assert result["count"] == len(PUBLIC)
        for field, counts in expected.items():
            assert result["facets"][field] == dict(counts), field

    def test_facets_follow_the_query(self):
        result = search(q="dat dai", **{"facet.field": '["organization"]'})
        assert result["facets"]["organization"] == {"so-xay-dung": 2}

    def test_limit_and_mincount(self):
        result = search(**{"facet.field": '["res_format"]',
                           "facet.limit": 2})
        assert list(result["facets"]["res_format"].items()) == [
            ("CSV", 4), ("JSON", 3)]
        result = search(**{"facet.field": '["res_format"]',
                           "facet.mincount": 2})
        assert result["facets"]["res_format"] == {"CSV": 4, "JSON": 3}
        result = search(**{"facet.field": '["res_format"]',
                           "facet.limit": -1})
        assert len(result["facets"]["res_format"]) == 4


class TestSortingAndPaging:
    def test_title_sorts_the_vietnamese_way(self):
        """Vietnamese alphabet: d < đ and o < ô < ơ (Thống before Thời)."""
        titles = [d["title"] for d in search(
            sort="title_string asc", rows=50, fq="+dataset_type:dataset")[
            "results"]]
        assert titles == [
            "Danh sách bệnh viện",
            "Dat dai khu cong nghiep (ban khong dau)",
            "Thống kê đất đai năm 2024",
            "Thời tiết và lượng mưa theo tháng",
            "Tuyến xe buýt nội tỉnh",
        ]
        assert [d["title"] for d in search(
            sort="title_string desc", rows=50,
            fq="+dataset_type:dataset")["results"]] == titles[::-1]

    def test_modified_and_name_and_numeric_sorts(self, catalogue):
        by_modified = sorted(
            PUBLIC, key=lambda n: catalogue.datasets[n]["metadata_modified"],
            reverse=True)
        assert names(search(sort="metadata_modified desc",
                            rows=50)) == by_modified
        assert names(search(sort="name asc", rows=50)) == sorted(PUBLIC)
        most = names(search(sort="num_resources desc, name asc", rows=2))
        assert most == ["dat-dai", "benh-vien"]

    def test_pages_cover_everything_once(self):
        seen = []
        for start in range(0, 10, 2):
            seen += names(search(sort="name asc", rows=2, start=start))
        assert seen == sorted(PUBLIC)

    def test_start_past_the_end(self):
        result = search(start=100)
        assert result["count"] == len(PUBLIC)
        assert result["results"] == []

    def test_fl_returns_requested_fields(self):
        result = search(q="xe buyt", fl="name,organization")
        assert result["results"] == [
            {"name": "xe-buyt", "organization": "so-xay-dung"}]


class TestPermissions:
    """Search shows exactly what package_show would show each user."""

    @pytest.mark.parametrize("who", [None, "citizen", "member_b",
                                     "editor_a", "sysadmin"])
    @pytest.mark.parametrize("include_private", [False, True])
    @pytest.mark.parametrize("include_drafts", [False, True])
    def test_search_matches_package_show(self, catalogue: Catalogue, who,
                                         include_private, include_drafts):
        user = catalogue.users[who]["name"] if who else None
        result = search(user, rows=100, include_private=include_private,
                        include_drafts=include_drafts)
        expected = catalogue.visible_to(user, include_private,
                                        include_drafts)
        assert set(names(result)) == expected
        assert result["count"] == len(expected)

    def test_private_and_draft_really_exist(self, catalogue: Catalogue):
        """Guards the matrix above against a catalogue without secrets."""
        sysadmin = catalogue.users["sysadmin"]["name"]
        everything = names(search(sysadmin, rows=100, include_private=True,
                                  include_drafts=True))
        assert {"noi-bo", "ban-nhap"} <= set(everything)
        for who in (None, "citizen", "member_b"):
            user = catalogue.users[who]["name"] if who else None
            seen = set(names(search(user, rows=100, include_private=True,
                                    include_drafts=True, q="thoi tiet")))
            assert "noi-bo" not in seen
        editor = catalogue.users["editor_a"]["name"]
        assert "noi-bo" in names(search(editor, include_private=True,
                                        q="thoi tiet"))
        with pytest.raises((tk.NotAuthorized, tk.ObjectNotFound)):
            tk.check_access("package_show", {"user": ""},
                            {"id": catalogue.datasets["noi-bo"]["id"]})

    def test_private_facets_do_not_leak(self, catalogue: Catalogue):
        result = search(None, include_private=True,
                        **{"facet.field": '["tags"]'})
        assert result["facets"]["tags"]["thời tiết"] == 1
