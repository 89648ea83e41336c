"""Addresses a user can enter are http(s) — and ftp for resources — or an
uploaded file's name: ``javascript:``, ``vbscript:``, ``data:`` and
``file:`` links are refused on resources, agencies' logos, groups' and
users' pictures, with a bilingual error and nothing stored."""
from __future__ import annotations

from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories as ckan_factories

from tests import factories
from tests.helpers import call, refused

HOSTILE = [
    "javascript:alert(document.cookie)", "JavaScript:alert(1)",
    " javascript:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)",
    "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd", "jar:http://x/y!/z", "//evil.example/x.csv",
    "ftp:/missing-host",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_a_resource_link_must_be_http_https_or_ftp(steward: dict[str, Any],
                                                   url: str) -> None:
    dataset = factories.OpenDataset(owner_org=steward["org"]["id"])
    error = refused(lambda: call(
        "resource_create", steward["user"], package_id=dataset["id"],
        url=url, format="CSV", name="Tệp"))
    text = " ".join(error["url"]) if "url" in error else str(error)
    assert "Địa chỉ" in text and "address" in text


@pytest.mark.parametrize("url", [
    "https://data.example.vn/file.csv", "http://data.example.vn/a?b=c#d",
    "ftp://ftp.example.vn/pub/data.csv", "HTTPS://DATA.EXAMPLE.VN/X.CSV",
])
def test_ordinary_links_are_kept(steward: dict[str, Any], url: str) -> None:
    dataset = factories.OpenDataset(owner_org=steward["org"]["id"])
    resource = call("resource_create", steward["user"],
                    package_id=dataset["id"], url=url, format="CSV",
                    name="Tệp")
    assert resource["url"] == url


@pytest.mark.parametrize("dataset_type", ["dataset", "database",
                                          "data-service"])
def test_a_dataset_source_page_must_be_a_web_address(
        steward: dict[str, Any], dataset_type: str) -> None:
    make = {"dataset": factories.OpenDataset, "database": factories.Database,
            "data-service": factories.DataService}[dataset_type]
    error = refused(lambda: make(owner_org=steward["org"]["id"],
                                 user=steward["user"],
                                 url="javascript:alert(1)"))
    assert "The address must start with" in error["url"][0]
    kept = make(owner_org=steward["org"]["id"], user=steward["user"],
                url="https://so.example.vn/du-lieu")
    assert kept["url"] == "https://so.example.vn/du-lieu"


def test_a_new_dataset_with_a_script_link_stores_nothing(
        steward: dict[str, Any]) -> None:
    refused(lambda: factories.OpenDataset(
        owner_org=steward["org"]["id"], user=steward["user"],
        resources=[factories.csv_resource(url="javascript:alert(1)")]))


@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("url", HOSTILE[:7])
def test_agency_logos_and_group_and_user_pictures(url: str) -> None:
    admin = ckan_factories.Sysadmin()
    with pytest.raises(tk.ValidationError) as agency:
        factories.Agency(image_url=url, user=admin)
    assert "image_url" in agency.value.error_dict
    with pytest.raises(tk.ValidationError) as group:
        call("group_create", admin, name="nhom-moi", image_url=url)
    assert "Địa chỉ" in group.value.error_dict["image_url"][0]
    user = ckan_factories.User()
    with pytest.raises(tk.ValidationError) as picture:
        call("user_update", user, id=user["id"], email=user["email"],
             image_url=url)
    message = picture.value.error_dict["image_url"][0]
    assert message.startswith("Địa chỉ") and " / An address" in message \
        or " / The address must start with http:// or https://" in message


@pytest.mark.usefixtures("clean_db")
def test_an_uploaded_picture_name_and_a_web_address_are_kept() -> None:
    user = ckan_factories.User()
    for url in ("avatar.png", "https://example.vn/a.png"):
        updated = call("user_update", user, id=user["id"],
                       email=user["email"], image_url=url)
        assert updated["image_url"] == url
