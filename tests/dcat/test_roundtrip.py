"""The portal's RDF, parsed back with ckanext-dcat's stock DCAT-AP 3
parser, gives back the dataset field by field."""
from __future__ import annotations

import json
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckanext.dcat.processors import RDFParser

from tests.dcat.conftest import (all_entries, in_public_catalogue,
                                 shacl_violations, turtle)

EU = "http://publications.europa.eu/resource/authority/"
STOCK = ["euro_dcat_ap_3", "euro_dcat_ap_scheming"]


def _parse(app: Any, dataset_id: str) -> dict[str, Any]:
    response = app.get(f"/dataset/{dataset_id}.ttl")
    assert response.status_code == 200
    parser = RDFParser(profiles=STOCK)
    parser.parse(response.get_data(as_text=True), _format="turtle")
    datasets = list(parser.datasets())
    assert len(datasets) == 1
    return datasets[0]


@pytest.fixture(scope="module")
def rich(demo: dict[str, Any]) -> dict[str, Any]:
    """A dataset using every field the export maps, both languages."""
    return tk.get_action("package_create")({"user": demo["name"]}, {
        "name": "khu-cong-nghiep-2024", "owner_org": "so-tai-chinh",
        "title": "Danh sách khu công nghiệp năm 2024",
        "title_en": "Industrial parks 2024",
        "notes": "Diện tích và tỷ lệ lấp đầy các khu công nghiệp.",
        "notes_en": "Area and occupancy of the industrial parks.",
        "tag_string": "khu công nghiệp,đầu tư", "sector": "ECON",
        "classification": "open", "license_id": "cc-by",
        "spatial_coverage": ["26734"],
        "temporal_start": "2024-01-01", "temporal_end": "2024-12-31",
        "update_frequency": "ANNUAL",
        "legal_basis": "Kế hoạch dữ liệu mở 2025",
        "security_assessment": "Không có rủi ro", "personal_information":
        "none", "publishing_methods": ["download"],
        "maintainer": "Trần Văn Bình",
        "maintainer_email": "binh@dongnai.example.vn",
        "maintainer_phone": "0251 3822 111",
        "resources": [
            {"url": "https://dulieu.example.vn/kcn-2024.csv",
             "name": "Bảng CSV", "format": "CSV", "size": 2048,
             "hash": "sha256:" + "ab" * 32, "mimetype": "text/csv"},
            {"url": "https://api.example.vn/kcn", "name": "API",
             "format": "JSON", "access_type": "api"},
        ],
    })


def _extras(parsed: dict[str, Any]) -> dict[str, str]:
    return {e["key"]: e["value"] for e in parsed["extras"]}


def _agency(dataset: dict[str, Any]) -> dict[str, Any]:
    return tk.get_action("organization_show")(
        {"user": ""}, {"id": dataset["owner_org"]})


def test_rich_dataset_round_trip(rich: dict[str, Any], app: Any,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    assert shacl_violations(turtle(app.get(f"/dataset/{rich['id']}.ttl"))) \
        == []
    parsed = _parse(app, rich["id"])
    extras = _extras(parsed)
    assert parsed["title"] == rich["title"]
    assert parsed["notes"] == rich["notes"]
    # the stock parser returns the site's default language: an English
    # site reads the English title and description
    monkeypatch.setitem(tk.config, "ckan.locale_default", "en")
    english = _parse(app, rich["id"])
    assert (english["title"], english["notes"]) == (rich["title_en"],
                                                    rich["notes_en"])
    monkeypatch.setitem(tk.config, "ckan.locale_default", "vi")

    assert sorted(t["name"] for t in parsed["tags"]) == sorted(
        t["name"] for t in rich["tags"])
    assert parsed["license_id"] == rich["license_id"] == "cc-by"
    agency = _agency(rich)
    assert parsed["publisher"] == [{
        "uri": f"http://test.nd47.local/organization/{agency['id']}",
        "name": agency["title"], "email": agency["focal_point_email"],
        "url": "", "type": "http://purl.org/adms/publishertype/"
        "RegionalAuthority", "identifier": agency["agency_code"]}]
    assert parsed["contact"] == [{
        "uri": "", "name": rich["maintainer"],
        "email": rich["maintainer_email"], "identifier": "", "url": ""}]
    assert (parsed["temporal_start"], parsed["temporal_end"]) == (
        rich["temporal_start"], rich["temporal_end"])
    # 26734 read as a pre-2025 commune: the data is from 2024
    assert extras["spatial_uri"] == (
        "https://nd47.github.io/ckanext-nd47/admin-unit/pre-2025/26734")
    assert extras["spatial_text"].startswith("Xã ") or extras[
        "spatial_text"].startswith("Phường ")
    assert extras["frequency"] == EU + "frequency/ANNUAL"
    assert json.loads(extras["theme"]) == [EU + "data-theme/ECON"]
    assert extras["access_rights"] == EU + "access-right/PUBLIC"
    assert sorted(json.loads(extras["language"])) == [
        EU + "language/ENG", EU + "language/VIE"]
    assert json.loads(extras["conforms_to"]) == [
        "https://nd47.github.io/ckanext-nd47/rulebook/decree-47-2020"]
    assert extras["identifier"] == rich["id"]

    by_name = {r["name"]: r for r in parsed["resources"]}
    csv, api = by_name["Bảng CSV"], by_name["API"]
    assert csv["format"] == EU + "file-type/CSV"
    assert csv["mimetype"] == ("http://www.iana.org/assignments/"
                               "media-types/text/csv")
    assert csv["download_url"] == "https://dulieu.example.vn/kcn-2024.csv"
    assert csv["access_url"].endswith(
        f"/dataset/{rich['id']}/resource/{rich['resources'][0]['id']}")
    assert csv["size"] == 2048
    assert (csv["hash"], csv["hash_algorithm"]) == (
        "ab" * 32, "http://spdx.org/rdf/terms#checksumAlgorithm_sha256")
    assert csv["license"] == rich["license_url"]
    assert csv["rights"] == rich["terms_of_use"]
    assert api["format"] == EU + "file-type/JSON"
    assert api["access_url"] == "https://api.example.vn/kcn"
    assert "download_url" not in api


def test_every_demo_dataset_round_trips(demo: dict[str, Any], app: Any
                                        ) -> None:
    datasets = [e for e in all_entries(demo)
                if in_public_catalogue(e) and e["type"] == "dataset"]
    assert len(datasets) >= 30
    for dataset in datasets:
        parsed = _parse(app, dataset["id"])
        extras = _extras(parsed)
        name = dataset["name"]
        assert parsed["title"] == dataset["title"], name
        assert parsed["notes"] == dataset["notes"], name
        assert sorted(t["name"] for t in parsed["tags"]) == sorted(
            t["name"] for t in dataset["tags"]), name
        assert parsed["license_id"] == dataset["license_id"], name
        assert parsed["publisher"][0]["name"] == dataset[
            "organization"]["title"], name
        assert parsed["contact"][0]["email"], name
        if dataset.get("update_frequency"):
            assert extras["frequency"] == (
                EU + "frequency/" + dataset["update_frequency"]), name
        assert json.loads(extras["theme"]) == [
            EU + "data-theme/" + dataset["sector"]], name
        if dataset.get("spatial_coverage"):
            assert extras["spatial_uri"].rsplit("/", 1)[1] in dataset[
                "spatial_coverage"], name
        # files by their download URL, APIs by their access URL
        got = sorted((r["name"], r["format"],
                      r.get("download_url") or r["access_url"])
                     for r in parsed["resources"])
        want = sorted((r["name"], EU + "file-type/" + r["format"].upper(),
                       r["url"]) for r in dataset["resources"])
        assert got == want, name
