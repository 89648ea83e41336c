"""Factories for the nd47 schemas: an agency and datasets, database
entries and data-sharing services that are complete and valid. Overrides
are passed as keyword arguments, as with CKAN's own factories."""
from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from ckan.tests import factories

TODAY = dt.date.today()


def days_ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


class Agency(factories.Organization):
    agency_code = factory.Sequence(lambda n: f"000.00.{n:02d}.H40")
    level = "province"
    focal_point_name = "Nguyễn Thị Lan"
    focal_point_position = "Chuyên viên"
    focal_point_email = factory.Sequence(lambda n: f"dau-moi{n}@example.vn")
    focal_point_phone = "0251 3822 123"


def _agency_id() -> str:
    return Agency()["id"]


def csv_resource(**overrides: Any) -> dict[str, Any]:
    return {"url": "https://data.example.vn/file.csv", "format": "CSV",
            "name": "Dữ liệu CSV", **overrides}


class OpenDataset(factories.Dataset):
    """An open dataset that passes every rule of the Decree 47 rulebook."""
    notes = "Mô tả đầy đủ của bộ dữ liệu."
    owner_org = factory.LazyFunction(_agency_id)
    classification = "open"
    sector = "ENVI"
    spatial_coverage = ["75"]
    update_frequency = "MONTHLY"
    legal_basis = "Quyết định số 123/QĐ-UBND về danh mục dữ liệu mở"
    license_id = "cc-by"
    publishing_methods = ["download"]
    anonymous_access = True
    free_of_charge = True
    personal_information = "none"
    security_assessment = "Đã đánh giá: không có rủi ro an ninh."
    catalogue_reviewed = factory.LazyFunction(lambda: days_ago(30))
    data_updated = factory.LazyFunction(lambda: days_ago(10))
    national_portal = True
    resources = factory.LazyFunction(lambda: [csv_resource()])


class Database(factories.Dataset):
    type = "database"
    notes = "Phục vụ quản lý nhà nước về môi trường."
    owner_org = factory.LazyFunction(_agency_id)
    data_items = factory.LazyFunction(lambda: [{
        "item_name": "Kết quả quan trắc", "item_classification": "open",
        "item_consumers": "Người dân, doanh nghiệp"}])


class DataService(factories.Dataset):
    type = "data-service"
    notes = "API tra cứu kết quả quan trắc."
    owner_org = factory.LazyFunction(_agency_id)
    endpoint_url = "https://api.example.vn/v1/quan-trac"
    protocol = "REST"
    access_conditions = "open"
    service_status = "active"


def api_token(user: dict[str, Any]) -> str:
    """An API token of ``user`` for the Authorization header."""
    return factories.APIToken(user=user["name"])["token"]


def sysadmin() -> dict[str, Any]:
    return factories.Sysadmin()
