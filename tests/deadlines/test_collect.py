"""Which deadlines ``ckan nd47 deadlines`` lists, and how."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.nd47 import deadlines as dl
from tests import factories
from tests.deadlines.conftest import TODAY, dataset, deadlines

REVIEW = "Hạn rà soát danh mục / Catalogue review due"
UPDATE = "Hạn cập nhật dữ liệu / Data update due"
OVERDUE = "QUÁ HẠN / overdue"
SOON = "SẮP ĐẾN HẠN / due soon"
NEVER = "CHƯA CÓ NGÀY / never set"


def listed(output: str) -> set[tuple[str, ...]]:
    """(status, kind, due, dataset name) of every deadline line."""
    return {tuple(re.split(r"\s{2,}", line.strip()))
            for line in output.splitlines() if line.startswith("  ")}


@pytest.mark.parametrize(("due", "expected"), [
    (None, dl.Status.NEVER),
    (TODAY - dt.timedelta(days=1), dl.Status.OVERDUE),
    (TODAY, dl.Status.SOON),
    (TODAY + dt.timedelta(days=14), dl.Status.SOON),
    (TODAY + dt.timedelta(days=15), None),
])
def test_classify(due: dt.date | None, expected: dl.Status | None) -> None:
    assert dl.classify(due, TODAY, 14) is expected


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestListing:
    @pytest.fixture
    def agency(self) -> dict[str, Any]:
        return factories.Agency(name="so-tai-nguyen",
                                title="Sở Tài nguyên và Môi trường")

    def test_overdue_soon_fine_and_never(self, cli, agency) -> None:
        # review_due = reviewed + 6 months, update_due = updated + 3 months
        dataset(agency, "qua-han-ra-soat", "2024-01-01", "2024-06-01")
        dataset(agency, "sap-den-han", "2024-01-20", "2024-04-25")
        dataset(agency, "den-han-hom-nay", "2024-01-15", "2024-06-01")
        dataset(agency, "dung-han", "2024-05-01", "2024-06-01")
        dataset(agency, "qua-han-cap-nhat", "2024-05-01", "2024-04-01")
        dataset(agency, "chua-ra-soat", None, "2024-06-01")

        result = deadlines(cli)

        assert result.exit_code == 0, result.output
        assert "Sở Tài nguyên và Môi trường (so-tai-nguyen)" in result.output
        assert listed(result.output) == {
            (OVERDUE, REVIEW, "2024-07-01", "qua-han-ra-soat"),
            (SOON, REVIEW, "2024-07-20", "sap-den-han"),
            (SOON, UPDATE, "2024-07-25", "sap-den-han"),
            (SOON, REVIEW, "2024-07-15", "den-han-hom-nay"),
            (OVERDUE, UPDATE, "2024-07-01", "qua-han-cap-nhat"),
            (NEVER, REVIEW, "—", "chua-ra-soat"),
        }

    def test_within_days(self, cli, agency) -> None:
        dataset(agency, "qua-han", "2024-01-01", "2024-06-01")
        dataset(agency, "sap-den-han", "2024-01-20", "2024-06-01")

        assert listed(deadlines(cli, "--within-days", "0").output) == {
            (OVERDUE, REVIEW, "2024-07-01", "qua-han")}
        assert listed(deadlines(cli, "--within-days", "5").output) == {
            (OVERDUE, REVIEW, "2024-07-01", "qua-han"),
            (SOON, REVIEW, "2024-07-20", "sap-den-han")}

    @pytest.mark.ckan_config("ckanext.nd47.deadlines.warning_days", "2")
    def test_window_from_config(self, cli, agency) -> None:
        dataset(agency, "sap-den-han", "2024-01-20", "2024-06-01")
        assert listed(deadlines(cli).output) == set()

    def test_private_included_drafts_and_non_open_excluded(
            self, cli, agency) -> None:
        dataset(agency, "mo-rieng-tu", "2024-01-01", "2024-06-01",
                private=True)
        dataset(agency, "ban-nhap", "2024-01-01", "2024-06-01",
                state="draft")
        dataset(agency, "chia-se", "2024-01-01", "2024-06-01",
                classification="shared_default", private=True)
        factories.DataService(owner_org=agency["id"], name="dich-vu")

        result = deadlines(cli)

        assert result.exit_code == 0, result.output
        assert {line[3] for line in listed(result.output)} == {"mo-rieng-tu"}

    def test_grouped_per_agency_and_filtered(self, cli, agency) -> None:
        other = factories.Agency(name="so-y-te", title="Sở Y tế")
        dataset(agency, "moi-truong", "2024-01-01", "2024-06-01")
        dataset(other, "y-te", "2024-01-01", "2024-06-01")

        output = deadlines(cli).output
        assert output.index("Sở Tài nguyên và Môi trường") \
            < output.index("moi-truong") < output.index("Sở Y tế") \
            < output.index("y-te")

        only = deadlines(cli, "--organization", "so-y-te")
        assert only.exit_code == 0, only.output
        assert {line[3] for line in listed(only.output)} == {"y-te"}
        missing = deadlines(cli, "--organization", "khong-co")
        assert missing.exit_code != 0
        assert "Không tìm thấy cơ quan / no such agency" in missing.output

    def test_agency_without_focal_point_email(self, cli, smtp) -> None:
        agency = factories.Agency(name="ubnd-xa", title="UBND xã An Bình",
                                  focal_point_email="")
        dataset(agency, "qua-han", "2024-01-01", "2024-06-01")

        result = deadlines(cli, "--send-mail")

        assert result.exit_code == 0, result.output
        assert "UBND xã An Bình (ubnd-xa)" in result.output
        assert "chưa có thư điện tử / no focal point email" in result.output
        assert smtp.mails == []

    def test_nothing_to_remind(self, cli, agency) -> None:
        dataset(agency, "dung-han", "2024-05-01", "2024-06-01")
        result = deadlines(cli)
        assert result.exit_code == 0, result.output
        assert "Không có hạn nào cần nhắc / no deadlines to remind of" \
            in result.output

    def test_overdue_datasets_are_reindexed(self, cli, agency) -> None:
        """The compliance facet is computed at index time; a dataset whose
        deadline passed since is indexed again."""
        overdue = dataset(agency, "qua-han", "2024-01-01", "2024-06-01")
        dataset(agency, "sap-den-han", "2024-01-20", "2024-06-01")
        # as if both were indexed while they were still compliant
        model.Session.execute(sa.text(
            "UPDATE nd47_search_document SET fields = jsonb_set("
            "fields, '{nd47_compliance}', '[\"compliant\"]')"))
        model.Session.commit()

        result = deadlines(cli)

        assert result.exit_code == 0, result.output
        assert "re-indexed 1 overdue datasets" in result.output
        compliant = tk.get_action("package_search")(
            {"ignore_auth": True},
            {"fq": "nd47_compliance:compliant"})["results"]
        assert [d["name"] for d in compliant] == ["sap-den-han"]
        assert tk.get_action("package_search")(
            {"ignore_auth": True}, {"fq": "nd47_compliance:warning"}
        )["results"][0]["id"] == overdue["id"]
