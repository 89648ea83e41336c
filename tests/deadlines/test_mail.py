"""Mailing the focal points: once per deadline, however many runs."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model

from tests import factories
from tests.deadlines.conftest import (
    SmtpSink, dataset, deadlines, free_port)


def notices() -> list[tuple[Any, ...]]:
    """(dataset name, kind, due, recipient, sent) of every recorded
    notice."""
    rows = model.Session.execute(sa.text(
        "SELECT p.name, n.kind, n.due, n.recipient, n.sent_at IS NOT NULL"
        " FROM nd47_deadline_notice n JOIN package p ON p.id = n.dataset_id"
        " ORDER BY 1, 2")).fetchall()
    model.Session.commit()
    return [tuple(row) for row in rows]


def vietnamese_deadlines(body: str) -> list[tuple[str, str]]:
    """(dataset name, deadline) of each deadline in the Vietnamese part."""
    found, name = [], ""
    for line in body.split("\n---\n")[0].splitlines():
        if line.startswith("  http://"):
            name = line.rsplit("/", 1)[1]
        elif line.startswith("  Hạn "):
            found.append((name, line.strip().split(":")[0]))
    return found


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestMail:
    @pytest.fixture
    def agencies(self) -> dict[str, dict[str, Any]]:
        env = factories.Agency(name="so-tai-nguyen",
                               title="Sở Tài nguyên và Môi trường",
                               focal_point_name="Nguyễn Thị Lan",
                               focal_point_email="lan@stnmt.example.vn")
        health = factories.Agency(name="so-y-te", title="Sở Y tế",
                                  focal_point_name="Trần Văn Minh",
                                  focal_point_email="minh@syt.example.vn")
        dataset(env, "quan-trac-khong-khi", "2024-01-01", "2024-06-01",
                title="Quan trắc chất lượng không khí")
        dataset(env, "tai-nguyen-nuoc", None, "2024-04-25",
                title="Tài nguyên nước mặt", private=True)
        dataset(env, "dung-han", "2024-05-01", "2024-06-01",
                title="Bộ dữ liệu đúng hạn")
        dataset(health, "co-so-y-te", "2024-01-20", "2024-04-01",
                title="Danh sách cơ sở y tế")
        return {"env": env, "health": health}

    def test_one_mail_per_agency(self, cli, smtp: SmtpSink,
                                 agencies) -> None:
        result = deadlines(cli, "--send-mail")

        assert result.exit_code == 0, result.output
        assert sorted(m.recipient for m in smtp.mails) == [
            "lan@stnmt.example.vn", "minh@syt.example.vn"]
        env = next(m for m in smtp.mails
                   if m.recipient == "lan@stnmt.example.vn")
        assert env.message["To"] == "Nguyễn Thị Lan <lan@stnmt.example.vn>"
        assert env.message["Subject"] == (
            "Nhắc hạn rà soát, cập nhật dữ liệu mở / "
            "Open-data review and update deadlines")
        body = env.body
        # Vietnamese first, then English
        assert body.startswith("Kính gửi Nguyễn Thị Lan "
                               "(Sở Tài nguyên và Môi trường),")
        assert body.index("Nghị định 47/2020/NĐ-CP") \
            < body.index("Dear Nguyễn Thị Lan")
        assert "- Quan trắc chất lượng không khí\n" \
            "  http://test.nd47.local/dataset/quan-trac-khong-khi\n" \
            "  Hạn rà soát danh mục: 2024-07-01 (QUÁ HẠN)" in body
        assert "- Tài nguyên nước mặt\n" \
            "  http://test.nd47.local/dataset/tai-nguyen-nuoc\n" \
            "  Hạn rà soát danh mục: chưa từng rà soát (CHƯA CÓ NGÀY)" \
            in body
        assert "  Hạn rà soát danh mục: chưa từng rà soát (CHƯA CÓ NGÀY)\n" \
            "  Hạn cập nhật dữ liệu: 2024-07-25 (SẮP ĐẾN HẠN)" in body
        assert body.count("Tài nguyên nước mặt") == 2  # once per language
        assert "  Catalogue review due: never reviewed (never set)" in body
        assert "Bộ dữ liệu đúng hạn" not in body
        assert "Danh sách cơ sở y tế" not in body
        assert notices() == [
            ("co-so-y-te", "review", "2024-07-20", "minh@syt.example.vn",
             True),
            ("co-so-y-te", "update", "2024-07-01", "minh@syt.example.vn",
             True),
            ("quan-trac-khong-khi", "review", "2024-07-01",
             "lan@stnmt.example.vn", True),
            ("tai-nguyen-nuoc", "review", "never", "lan@stnmt.example.vn",
             True),
            ("tai-nguyen-nuoc", "update", "2024-07-25",
             "lan@stnmt.example.vn", True),
        ]

    def test_listing_sends_nothing(self, cli, smtp: SmtpSink,
                                   agencies) -> None:
        assert deadlines(cli).exit_code == 0
        assert deadlines(cli, "--no-send-mail").exit_code == 0
        assert smtp.mails == []
        assert notices() == []

    def test_second_run_sends_nothing_new(self, cli, smtp: SmtpSink,
                                          agencies) -> None:
        assert deadlines(cli, "--send-mail").exit_code == 0
        again = deadlines(cli, "--send-mail")

        assert again.exit_code == 0, again.output
        assert len(smtp.mails) == 2
        assert "lan@stnmt.example.vn was already reminded" in again.output

    def test_new_due_date_is_a_new_reminder(self, cli, smtp: SmtpSink,
                                            agencies) -> None:
        assert deadlines(cli, "--send-mail").exit_code == 0
        # reviewed again, but the next review is also close
        tk.get_action("package_patch")(
            {"ignore_auth": True},
            {"id": "quan-trac-khong-khi", "catalogue_reviewed": "2024-01-25"})

        result = deadlines(cli, "--send-mail")

        assert result.exit_code == 0, result.output
        assert len(smtp.mails) == 3
        body = smtp.mails[-1].body
        assert "Hạn rà soát danh mục: 2024-07-25 (SẮP ĐẾN HẠN)" in body
        assert "Tài nguyên nước mặt" not in body

    def test_failed_mail_is_retried(self, cli,
                                    monkeypatch: pytest.MonkeyPatch,
                                    smtp: SmtpSink, agencies) -> None:
        monkeypatch.setenv("CKAN_SMTP_SERVER", f"127.0.0.1:{free_port()}")

        failed = deadlines(cli, "--send-mail")

        assert failed.exit_code == 1
        assert "mail to lan@stnmt.example.vn failed" in failed.output
        assert notices() == []

        monkeypatch.setenv("CKAN_SMTP_SERVER", smtp.address)
        retried = deadlines(cli, "--send-mail")
        assert retried.exit_code == 0, retried.output
        assert len(smtp.mails) == 2
        assert len(notices()) == 5


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_concurrent_runs_mail_each_deadline_once(smtp: SmtpSink) -> None:
    """Cron on several servers: two processes at once, each deadline is
    mailed by exactly one of them."""
    names = []
    for a in range(6):
        agency = factories.Agency(name=f"co-quan-{a}")
        for d in range(3):
            names.append(dataset(agency, f"du-lieu-{a}-{d}", "2024-01-01",
                                 "2024-04-01")["name"])
    command = [str(Path(sys.executable).parent / "ckan"),
               "-c", tk.config["__file__"], "nd47", "deadlines",
               "--send-mail", "--today", "2024-07-15"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
            for _ in range(2)]
    outputs = [run.communicate(timeout=300)[0] for run in runs]

    assert [run.returncode for run in runs] == [0, 0], outputs
    mailed = [deadline for mail in smtp.mails
              for deadline in vietnamese_deadlines(mail.body)]
    assert sorted(mailed) == sorted(
        (name, kind) for name in names
        for kind in ("Hạn rà soát danh mục", "Hạn cập nhật dữ liệu"))
    assert len(notices()) == 2 * len(names)
    assert all(sent for *_, sent in notices())
