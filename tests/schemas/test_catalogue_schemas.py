"""The database-catalogue, data-sharing-service and agency schemas: a
complete record, each required field, each controlled field and bad
values, with Vietnamese field errors and nothing stored on refusal."""
from __future__ import annotations

from typing import Any

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from tests import factories
from tests.helpers import assert_vietnamese_error, call, refused

REQUIRED = "Trường này là bắt buộc"
NOT_IN_LIST = "Giá trị không có trong danh mục"


def database(org: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    record = {
        "type": "database", "name": "csdl-quan-trac-moi-truong",
        "title": "Cơ sở dữ liệu quan trắc môi trường",
        "notes": "Quản lý kết quả quan trắc môi trường của tỉnh.",
        "scope": "Toàn tỉnh", "content": "Kết quả quan trắc không khí, nước",
        "owner_org": org["id"],
        "collection_method": "Trạm quan trắc tự động truyền số liệu",
        "update_method": "Tự động hằng giờ",
        "data_sources": "Trạm quan trắc tự động; phòng thí nghiệm",
        "data_items": [
            {"item_name": "Chỉ số AQI", "item_classification": "open",
             "item_consumers": "Người dân"},
            {"item_name": "Số liệu thô của trạm",
             "item_classification": "shared_on_request",
             "item_consumers": "Sở Y tế"},
        ],
    }
    record.update(overrides)
    return record


def service(org: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    record = {
        "type": "data-service", "name": "api-quan-trac",
        "title": "Dịch vụ tra cứu kết quả quan trắc",
        "notes": "API trả về chỉ số AQI theo trạm.",
        "owner_org": org["id"],
        "endpoint_url": "https://api.example.vn/v1/aqi",
        "protocol": "REST", "access_conditions": "registration",
        "access_conditions_note": "Đăng ký khóa tại cổng.",
        "consumers": "Doanh nghiệp, nhà nghiên cứu",
        "service_status": "active",
        "maintainer": "Trần Văn Minh", "maintainer_email": "minh@example.vn",
        "maintainer_phone": "+84 251 3822 124",
    }
    record.update(overrides)
    return record


def agency(**overrides: Any) -> dict[str, Any]:
    record = {
        "name": "so-y-te", "title": "Sở Y tế",
        "agency_code": "000.00.15.h40", "level": "province",
        "description": "Cơ quan chuyên môn về y tế.",
        "focal_point_name": "Lê Thị Hoa", "focal_point_position": "Phó Chánh Văn phòng",
        "focal_point_email": "hoa@example.vn", "focal_point_phone": "0251 3822 125",
    }
    record.update(overrides)
    return record


class TestDatabaseCatalogue:
    def test_complete_record(self, steward):
        created = call("package_create", steward["user"],
                       **database(steward["org"]))
        shown = call("package_show", steward["user"], id=created["id"])
        assert shown["type"] == "database"
        assert [i["item_classification"] for i in shown["data_items"]] == [
            "open", "shared_on_request"]
        assert shown["collection_method"].startswith("Trạm quan trắc")

    @pytest.mark.parametrize("field", ["title", "notes", "owner_org",
                                       "name"])
    def test_required(self, steward, field):
        record = database(steward["org"])
        del record[field]
        errors = refused(lambda: call("package_create", steward["user"],
                                      **record))
        assert_vietnamese_error(errors, field, REQUIRED)

    def test_item_classification_is_controlled(self, steward):
        record = database(steward["org"])
        record["data_items"][1]["item_classification"] = "bí mật"
        errors = refused(lambda: call("package_create", steward["user"],
                                      **record))
        assert errors["data_items"][1]["item_classification"][0] \
            .startswith(NOT_IN_LIST)

    def test_item_needs_a_name(self, steward):
        record = database(steward["org"])
        record["data_items"][0]["item_name"] = ""
        errors = refused(lambda: call("package_create", steward["user"],
                                      **record))
        assert errors["data_items"][0]["item_name"][0].startswith(REQUIRED)

    def test_linked_both_ways_with_its_datasets(self, steward, app):
        call("package_create", steward["user"], **database(steward["org"]))
        factories.OpenDataset(name="aqi-2025", title="AQI năm 2025",
                              owner_org=steward["org"]["id"],
                              source_database="csdl-quan-trac-moi-truong")
        dataset_page = app.get("/dataset/aqi-2025")
        assert 'href="/database/csdl-quan-trac-moi-truong"' in \
            dataset_page.body
        database_page = app.get("/database/csdl-quan-trac-moi-truong")
        assert "Bộ dữ liệu được công bố từ cơ sở dữ liệu này" in \
            database_page.body
        assert 'href="/dataset/aqi-2025"' in database_page.body


class TestDataService:
    def test_complete_record(self, steward):
        factories.OpenDataset(name="aqi-2025", owner_org=steward["org"]["id"])
        created = call("package_create", steward["user"],
                       **service(steward["org"],
                                 served_datasets="aqi-2025"))
        shown = call("package_show", steward["user"], id=created["id"])
        assert shown["served_datasets"] == ["aqi-2025"]
        assert shown["access_conditions"] == "registration"

    @pytest.mark.parametrize("field", ["title", "notes", "owner_org",
                                       "endpoint_url", "protocol",
                                       "access_conditions",
                                       "service_status"])
    def test_required(self, steward, field):
        record = service(steward["org"])
        del record[field]
        errors = refused(lambda: call("package_create", steward["user"],
                                      **record))
        assert_vietnamese_error(errors, field, REQUIRED)

    @pytest.mark.parametrize("field, value, vietnamese", [
        ("protocol", "FTP", NOT_IN_LIST),
        ("access_conditions", "free", NOT_IN_LIST),
        ("service_status", "dead", NOT_IN_LIST),
        ("endpoint_url", "ftp://api.example.vn", "Địa chỉ phải bắt đầu"),
        ("endpoint_url", "javascript:alert(1)", "Địa chỉ phải bắt đầu"),
        ("served_datasets", ["khong-ton-tai"], "Không có bộ dữ liệu"),
        ("maintainer_email", "minh at example", "Địa chỉ thư điện tử"),
    ])
    def test_bad_values(self, steward, field, value, vietnamese):
        errors = refused(lambda: call("package_create", steward["user"],
                                      **service(steward["org"],
                                                **{field: value})))
        assert_vietnamese_error(errors, field, vietnamese)


class TestAgency:
    def test_complete_record(self, clean_db):
        sysadmin = factories.sysadmin()
        created = call("organization_create", sysadmin, **agency())
        shown = call("organization_show", sysadmin, id=created["id"])
        assert shown["agency_code"] == "000.00.15.H40"
        assert shown["level"] == "province"
        assert shown["focal_point_email"] == "hoa@example.vn"

    @pytest.mark.parametrize("field", ["title", "name", "agency_code",
                                       "level"])
    def test_required(self, clean_db, field):
        sysadmin = factories.sysadmin()
        record = agency()
        del record[field]
        before = model.Session.query(model.Group).count()
        with pytest.raises(tk.ValidationError) as error:
            call("organization_create", sysadmin, **record)
        model.Session.rollback()
        assert model.Session.query(model.Group).count() == before
        assert_vietnamese_error(error.value.error_dict, field, REQUIRED)

    @pytest.mark.parametrize("field, value, vietnamese", [
        ("level", "district", NOT_IN_LIST),
        ("agency_code", "mã sai!", "Mã định danh gồm chữ in hoa"),
        ("focal_point_email", "hoa@", "Địa chỉ thư điện tử"),
        ("focal_point_phone", "123", "Số điện thoại không hợp lệ"),
    ])
    def test_bad_values(self, clean_db, field, value, vietnamese):
        sysadmin = factories.sysadmin()
        with pytest.raises(tk.ValidationError) as error:
            call("organization_create", sysadmin, **agency(**{field: value}))
        assert_vietnamese_error(error.value.error_dict, field, vietnamese)
