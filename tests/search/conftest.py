"""A small, fully known catalogue for the search tests.

Two agencies, four users and datasets that are public, private, draft,
of another dataset type (a data-sharing service), with extras, several formats and Vietnamese text
with and without diacritics. Built once per module through the action API,
so it is indexed by the nd47_search backend exactly as in production.
"""
from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.cli.db import _run_migrations
from ckan.tests import factories

from tests import factories as nd47_factories


@dataclasses.dataclass
class Catalogue:
    users: dict[str, dict[str, Any]]
    orgs: dict[str, dict[str, Any]]
    datasets: dict[str, dict[str, Any]]

    def visible_to(self, user: str | None, include_private: bool,
                   include_drafts: bool) -> set[str]:
        """What CKAN's own package_show lets ``user`` see, filtered the way
        package_search's include_private / include_drafts say."""
        names = set()
        for name, dataset in self.datasets.items():
            if dataset["state"] == "draft" and not include_drafts:
                continue
            if dataset["private"] and not include_private:
                continue
            try:
                tk.check_access("package_show",
                                {"user": user or "", "ignore_auth": False},
                                {"id": dataset["id"]})
            except (tk.NotAuthorized, tk.ObjectNotFound):
                # the portal answers a hidden dataset as a missing one
                continue
            names.add(name)
        return names


def _resources(*formats: str) -> list[dict[str, Any]]:
    return [{"url": f"http://example.vn/file.{f.lower()}", "format": f,
             "name": f"Tệp {f}"} for f in formats]


@pytest.fixture(scope="module")
def catalogue(reset_db, reset_index) -> Catalogue:
    reset_db()
    _run_migrations("nd47_search")
    reset_index()
    sysadmin = factories.Sysadmin(name="quan-tri")
    editor_a = factories.User(name="bien-tap-y-te")
    member_b = factories.User(name="thanh-vien-xay-dung")
    citizen = factories.User(name="cong-dan")
    org_a = nd47_factories.Agency(
        name="so-y-te", title="Sở Y tế",
        users=[{"name": editor_a["name"], "capacity": "editor"}])
    org_b = nd47_factories.Agency(
        name="so-xay-dung", title="Sở Xây dựng",
        users=[{"name": member_b["name"], "capacity": "member"}])
    group = factories.Group(name="moi-truong", title="Môi trường")

    def dataset(name: str, title: str, org: dict[str, Any],
                **extra: Any) -> dict[str, Any]:
        extra.setdefault("notes", f"Mô tả của {title}.")
        factory = nd47_factories.OpenDataset
        if extra.get("type") == "data-service":
            factory = nd47_factories.DataService
        return factory(
            name=name, title=title, owner_org=org["id"],
            user=sysadmin if "user" not in extra else extra.pop("user"),
            **extra)

    datasets = {}
    datasets["thoi-tiet"] = dataset(
        "thoi-tiet", "Thời tiết và lượng mưa theo tháng", org_a,
        tags=[{"name": "thời tiết"}, {"name": "khí tượng"}],
        resources=_resources("CSV", "JSON"),
        extras=[{"key": "tan_suat", "value": "Hàng tháng"}],
        groups=[{"name": group["name"]}])
    datasets["dat-dai"] = dataset(
        "dat-dai", "Thống kê đất đai năm 2024", org_b,
        tags=[{"name": "đất đai"}],
        resources=_resources("CSV", "XLSX", "CSV"),
        extras=[{"key": "tan_suat", "value": "Hàng năm"}],
        groups=[{"name": group["name"]}])
    datasets["dat-dai-khong-dau"] = dataset(
        "dat-dai-khong-dau", "Dat dai khu cong nghiep (ban khong dau)", org_b,
        tags=[{"name": "dat dai"}], resources=_resources("CSV"))
    datasets["benh-vien"] = dataset(
        "benh-vien", "Danh sách bệnh viện", org_a,
        tags=[{"name": "y tế"}], resources=_resources("PDF", "CSV"),
        extras=[{"key": "tan_suat", "value": "Hàng tháng"}])
    datasets["xe-buyt"] = dataset(
        "xe-buyt", "Tuyến xe buýt nội tỉnh", org_b,
        tags=[{"name": "giao thông"}, {"name": "xe buýt"}],
        resources=_resources("JSON"))
    datasets["noi-bo"] = dataset(
        "noi-bo", "Dữ liệu nội bộ về thời tiết", org_a, private=True,
        tags=[{"name": "thời tiết"}], resources=_resources("CSV"))
    datasets["ban-nhap"] = dataset(
        "ban-nhap", "Bản nháp đất đai", org_a, state="draft",
        user=editor_a, tags=[{"name": "đất đai"}],
        resources=_resources("CSV"))
    datasets["kieu-khac"] = dataset(
        "kieu-khac", "Dịch vụ chia sẻ thời tiết", org_a,
        type="data-service", resources=_resources("JSON"))
    fresh = {
        name: tk.get_action("package_show")(
            {"ignore_auth": True}, {"id": d["id"]})
        for name, d in datasets.items()
    }
    return Catalogue(
        users={"sysadmin": sysadmin, "editor_a": editor_a,
               "member_b": member_b, "citizen": citizen},
        orgs={"a": org_a, "b": org_b},
        datasets=fresh,
    )


def search(user: str | None = None, **params: Any) -> dict[str, Any]:
    """package_search as ``user`` (None: anonymous), with CKAN's auth."""
    context = {"user": user or "", "ignore_auth": False}
    return tk.get_action("package_search")(context, params)


def names(result: dict[str, Any]) -> list[str]:
    return [d["name"] for d in result["results"]]
