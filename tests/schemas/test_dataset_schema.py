"""The open-data dataset schema: a complete record, each required field,
each controlled field, dates and codes. Every refusal is a field-level
error in Vietnamese (English beside it) and stores nothing."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta

from tests import factories
from tests.helpers import (assert_vietnamese_error, call, refused,
                                    stored_rows)

REQUIRED = "Trường này là bắt buộc"
NOT_IN_LIST = "Giá trị không có trong danh mục"
BAD_DATE = "Ngày không hợp lệ"


def complete(org: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """Every field of the schema filled in."""
    record = {
        "name": "chat-luong-khong-khi-2025",
        "title": "Chất lượng không khí năm 2025",
        "title_en": "Air quality 2025",
        "notes": "Chỉ số AQI trung bình ngày tại các trạm quan trắc.",
        "notes_en": "Daily mean AQI at the monitoring stations.",
        "tag_string": "không khí,quan trắc",
        "owner_org": org["id"],
        "classification": "open",
        "sector": "ENVI",
        "spatial_coverage": ["75", "26116"],
        "temporal_start": "2025-01-01",
        "temporal_end": "2025-06-30",
        "update_frequency": "MONTHLY",
        "legal_basis": "Kế hoạch cung cấp dữ liệu mở năm 2025 của UBND tỉnh",
        "license_id": "cc-by",
        "terms_of_use": "Ghi nguồn khi sử dụng.",
        "publishing_methods": ["download", "data_service"],
        "anonymous_access": True,
        "free_of_charge": True,
        "personal_information": "mitigated",
        "reidentification_assessment": "Đã gộp theo trạm, không còn cá nhân.",
        "security_assessment": "Không có rủi ro an ninh.",
        "catalogue_reviewed": factories.days_ago(20),
        "data_updated": factories.days_ago(5),
        "national_portal": True,
        "maintainer": "Nguyễn Thị Lan",
        "maintainer_email": "lan@example.vn",
        "maintainer_phone": "0251 3822 123",
        "resources": [
            {"url": "https://data.example.vn/aqi.csv", "format": "CSV",
             "name": "AQI (CSV)", "access_type": "download", "size": 2048,
             "hash": "sha256:" + "ab" * 32},
            {"url": "https://data.example.vn/aqi.xlsx", "format": "XLSX"},
            {"url": "https://data.example.vn/bao-cao.pdf", "format": "PDF"},
        ],
    }
    record.update(overrides)
    return record


class TestCompleteRecord:
    def test_every_field_round_trips(self, steward):
        created = call("package_create", steward["user"],
                       **complete(steward["org"]))
        shown = call("package_show", steward["user"], id=created["id"])
        assert shown["title_en"] == "Air quality 2025"
        assert shown["classification"] == "open"
        assert shown["spatial_coverage"] == ["75", "26116"]
        assert shown["publishing_methods"] == ["download", "data_service"]
        assert shown["anonymous_access"] is True
        assert shown["national_portal"] is True
        assert shown["temporal_end"] == "2025-06-30"
        assert shown["maintainer_phone"] == "0251 3822 123"
        assert shown["state"] == "active" and shown["private"] is False

    def test_deadlines_are_computed_from_the_dates(self, steward):
        reviewed = dt.date.today() - dt.timedelta(days=20)
        updated = dt.date.today() - dt.timedelta(days=5)
        shown = call("package_create", steward["user"], **complete(
            steward["org"], review_due="2000-01-01"))
        assert shown["review_due"] == (
            reviewed + relativedelta(months=6)).isoformat()
        assert shown["update_due"] == (
            updated + relativedelta(months=3)).isoformat()

    def test_resource_flags_follow_the_format(self, steward):
        shown = call("package_create", steward["user"],
                     **complete(steward["org"]))
        flags = {r["format"]: (r["machine_readable"], r["open_format"])
                 for r in shown["resources"]}
        assert flags == {"CSV": (True, True), "XLSX": (True, False),
                         "PDF": (False, False)}
        assert shown["resources"][0]["size"] == 2048
        assert shown["resources"][0]["access_type"] == "download"

    def test_defaults_state_article_18(self, steward):
        record = complete(steward["org"])
        del record["terms_of_use"], record["license_id"]
        shown = call("package_create", steward["user"], **record)
        assert shown["license_id"] == "cc-by"
        assert shown["terms_of_use"].startswith("Theo Điều 18 Nghị định số "
                                                "47/2020/NĐ-CP")

    def test_classification_defaults_to_open_data(self, steward):
        record = complete(steward["org"])
        del record["classification"]
        shown = call("package_create", steward["user"], **record)
        assert shown["classification"] == "open"
        errors = refused(lambda: call("package_create", steward["user"],
                                      **complete(steward["org"], name="x2",
                                                 classification="")))
        assert_vietnamese_error(errors, "classification", REQUIRED)

    def test_pre_2025_codes_are_accepted_for_historical_data(self, steward):
        shown = call("package_create", steward["user"], **complete(
            steward["org"], spatial_coverage=["001", "00001", "01"],
            temporal_start="2019-01-01", temporal_end="2019-12-31"))
        assert shown["spatial_coverage"] == ["001", "00001", "01"]


@pytest.mark.parametrize("field", ["title", "name", "notes", "owner_org",
                                   "sector"])
def test_each_required_field(steward, field):
    record = complete(steward["org"])
    del record[field]
    errors = refused(lambda: call("package_create", steward["user"],
                                  **record))
    assert_vietnamese_error(errors, field, REQUIRED)


@pytest.mark.parametrize("field", ["title", "notes", "sector"])
def test_blank_required_field(steward, field):
    errors = refused(lambda: call("package_create", steward["user"],
                                  **complete(steward["org"], **{field: "  "})))
    assert_vietnamese_error(errors, field, REQUIRED)


@pytest.mark.parametrize("field, value", [
    ("classification", "secret"),
    ("sector", "MOI-TRUONG"),
    ("update_frequency", "sometimes"),
    ("personal_information", "maybe"),
    ("publishing_methods", ["download", "fax"]),
])
def test_each_controlled_field_refuses_other_values(steward, field, value):
    errors = refused(lambda: call("package_create", steward["user"],
                                  **complete(steward["org"],
                                             **{field: value})))
    assert_vietnamese_error(errors, field, NOT_IN_LIST)


@pytest.mark.parametrize("field, value, vietnamese", [
    ("license_id", "my-own-licence", "Giấy phép không có trong danh sách"),
    ("anonymous_access", "perhaps", "Chỉ nhận Có (true) hoặc Không"),
    ("free_of_charge", {"x": 1}, "Chỉ nhận Có (true) hoặc Không"),
    ("maintainer_email", "lan@", "Địa chỉ thư điện tử không hợp lệ"),
    ("maintainer_phone", "gọi tôi", "Số điện thoại không hợp lệ"),
    ("source_database", "khong-co", "Không có cơ sở dữ liệu này"),
    ("name", "Tên Có Dấu", "Đường dẫn dài 2–100 ký tự"),
    ("title", {"vi": "x"}, "Giá trị phải là văn bản"),
])
def test_other_bad_values(steward, field, value, vietnamese):
    errors = refused(lambda: call("package_create", steward["user"],
                                  **complete(steward["org"],
                                             **{field: value})))
    assert_vietnamese_error(errors, field, vietnamese)


@pytest.mark.parametrize("field, value", [
    ("temporal_start", "2025-13-01"),
    ("temporal_start", "01/07/2025"),
    ("temporal_end", "hôm qua"),
    ("catalogue_reviewed", "2025-02-30"),
    ("data_updated", "1850-01-01"),
])
def test_bad_dates(steward, field, value):
    errors = refused(lambda: call("package_create", steward["user"],
                                  **complete(steward["org"],
                                             **{field: value})))
    assert_vietnamese_error(errors, field, BAD_DATE)


def test_end_before_start(steward):
    errors = refused(lambda: call("package_create", steward["user"],
                                  **complete(steward["org"],
                                             temporal_start="2025-06-01",
                                             temporal_end="2025-01-01")))
    assert_vietnamese_error(errors, "temporal_end", "Ngày kết thúc phải sau")


def test_review_date_in_the_future(steward):
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    errors = refused(lambda: call("package_create", steward["user"],
                                  **complete(steward["org"],
                                             catalogue_reviewed=future)))
    assert_vietnamese_error(errors, "catalogue_reviewed", "Ngày này chưa đến")


@pytest.mark.parametrize("codes", [["99"], ["7"], ["abc"], ["75", "99999"],
                                   "75;x"])
def test_bad_administrative_unit_codes(steward, codes):
    errors = refused(lambda: call("package_create", steward["user"],
                                  **complete(steward["org"],
                                             spatial_coverage=codes)))
    assert_vietnamese_error(errors, "spatial_coverage",
                            "Mã đơn vị hành chính không tồn tại")


@pytest.mark.parametrize("field, value, vietnamese", [
    ("format", "CSV", None),
    ("size", -5, "Cần một số nguyên không âm"),
    ("size", "lớn", "Cần một số nguyên không âm"),
    ("hash", "sha256:abc", "Mã kiểm tra phải là chuỗi hex"),
    ("access_type", "email", NOT_IN_LIST),
])
def test_resource_fields(steward, field, value, vietnamese):
    resource = {"url": "https://data.example.vn/a.csv", "format": "CSV",
                field: value}
    record = complete(steward["org"], resources=[resource])
    if vietnamese is None:
        call("package_create", steward["user"], **record)
        return
    errors = refused(lambda: call("package_create", steward["user"],
                                  **record))
    assert any(m.startswith(vietnamese)
               for m in errors["resources"][0][field])


def test_a_refused_update_keeps_the_stored_dataset(steward):
    created = call("package_create", steward["user"],
                   **complete(steward["org"]))
    before = call("package_show", steward["user"], id=created["id"])
    errors = refused(lambda: call("package_update", steward["user"],
                                  **dict(before, sector="X",
                                         title="Tên mới",
                                         resources=[])))
    assert_vietnamese_error(errors, "sector", NOT_IN_LIST)
    after = call("package_show", steward["user"], id=created["id"])
    assert after == before
    assert stored_rows()[2] == 3


def test_errors_reach_api_clients_as_http_409(app, steward):
    token = factories.api_token(steward["user"])
    response = app.post("/api/3/action/package_create",
                        json=complete(steward["org"], sector="?",
                                      temporal_start="hôm nay"),
                        headers={"Authorization": token})
    assert response.status_code == 409
    error = response.json["error"]
    assert error["__type"] == "Validation Error"
    assert error["sector"][0].startswith(NOT_IN_LIST)
    assert error["temporal_start"][0].startswith(BAD_DATE)
