"""Mail about data requests, sent by the background jobs the actions
enqueue (run here in-process) to a local SMTP server: the only server
any mail may reach."""
from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any, Iterator

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan
from ckan.lib import mailer

from tests.deadlines.conftest import Mail, SmtpSink
from tests.feedback.conftest import (Cast, act, dataset_named, new_request,
                                     run_jobs)

SITE = "http://test.nd47.local"
NEXT_MONTH = (dt.date.today() + dt.timedelta(days=30)).isoformat()


@pytest.fixture
def mailbox(smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
            ) -> Iterator[SmtpSink]:
    """The SMTP sink as CKAN's mail server, and a guard: every SMTP
    connection the portal opens must go to it."""
    monkeypatch.setitem(tk.config, "smtp.server", smtp.address)
    host, port = smtp.address.split(":")
    connections: list[tuple[str, int]] = []
    real = smtplib.SMTP

    def guarded(*args: Any, **kwargs: Any) -> smtplib.SMTP:
        target = (args[0], int(args[1]))
        connections.append(target)
        assert target == (host, int(port)), f"mail to {target} left"
        return real(*args, **kwargs)

    monkeypatch.setattr(mailer.smtplib, "SMTP", guarded)
    yield smtp
    # checked again here: the jobs log a failed mail and go on
    assert set(connections) <= {(host, int(port))}


def to(mailbox: SmtpSink, address: str) -> list[Mail]:
    return [m for m in mailbox.mails if m.recipient == address]


def assert_vietnamese_first(mail: Mail, vietnamese: list[str],
                            english: list[str]) -> None:
    """Each Vietnamese line comes before the separator, each English one
    after it."""
    body = mail.body
    vi, separator, en = body.partition("\n---\n")
    assert separator, body
    for line in vietnamese:
        assert line in vi, (line, body)
    for line in english:
        assert line in en, (line, body)


# --- a new request -----------------------------------------------------------

def test_a_new_request_mails_the_agency_focal_point(cast: Cast,
                                                    mailbox: SmtpSink
                                                    ) -> None:
    request = new_request(cast, title="Danh sách điểm quan trắc")
    assert mailbox.mails == []  # the action only enqueues
    assert run_jobs() == 1

    assert [m.recipient for m in mailbox.mails] == ["daumoi@example.vn"]
    mail = mailbox.mails[0]
    assert mail.message["Subject"] == \
        "Yêu cầu dữ liệu mới / New data request"
    assert "Nguyễn Thị Lan" in mail.message["To"]
    url = f"{SITE}/data-request/{request['id']}"
    assert_vietnamese_first(
        mail, ["Kính gửi Nguyễn Thị Lan,", "Danh sách điểm quan trắc", url],
        ["Dear Nguyễn Thị Lan,", "Danh sách điểm quan trắc", url])
    assert run_jobs() == 0


def test_a_request_without_agency_mails_nobody(cast: Cast,
                                               mailbox: SmtpSink) -> None:
    new_request(cast, organization="")
    assert run_jobs() == 1
    assert mailbox.mails == []


def test_support_and_comments_mail_nobody(cast: Cast,
                                          mailbox: SmtpSink) -> None:
    request = new_request(cast)
    run_jobs()
    act("nd47_request_follow", cast.neighbour, id=request["id"])
    act("nd47_request_vote", cast.neighbour, id=request["id"])
    act("nd47_request_comment_create", cast.neighbour, id=request["id"],
        text="Tôi cũng cần")
    assert run_jobs() == 0
    assert len(mailbox.mails) == 1


# --- changes -----------------------------------------------------------------

@pytest.fixture
def followed(cast: Cast, mailbox: SmtpSink) -> dict[str, Any]:
    """A request of the citizen, followed by the neighbour and by the
    steward who will move it; the focal point's mail already sent."""
    request = new_request(cast, title="Giá đất")
    act("nd47_request_follow", cast.neighbour, id=request["id"])
    act("nd47_request_follow", cast.steward, id=request["id"])
    run_jobs()
    mailbox.inbox.mails.clear()
    return request


def test_a_status_change_mails_the_requester_and_followers(
        cast: Cast, mailbox: SmtpSink, followed: dict[str, Any]) -> None:
    act("nd47_request_transition", cast.steward, id=followed["id"],
        status="planned", target_date=NEXT_MONTH,
        reason="Sẽ công bố trong quý tới")
    assert mailbox.mails == []
    assert run_jobs() == 1

    # not the steward who made the change, though they follow it
    assert sorted(m.recipient for m in mailbox.mails) == [
        "an@example.vn", "binh@example.vn"]
    mail = to(mailbox, "an@example.vn")[0]
    assert mail.message["Subject"] == \
        "Cập nhật yêu cầu dữ liệu / Data request update"
    url = f"{SITE}/data-request/{followed['id']}"
    assert_vietnamese_first(
        mail,
        ["Xin chào Trần Văn An,", 'Yêu cầu dữ liệu "Giá đất" có thay đổi',
         "Trạng thái mới: Đã lên kế hoạch", f"Ngày dự kiến: {NEXT_MONTH}",
         "Trả lời: Sẽ công bố trong quý tới", url],
        ["Hello Trần Văn An,", 'The data request "Giá đất" has changed',
         "New status: Planned", f"Target date: {NEXT_MONTH}",
         "Answer: Sẽ công bố trong quý tới", url])
    assert "Xin chào Lê Thị Bình," in to(mailbox, "binh@example.vn")[0].body
    assert run_jobs() == 0


def test_publishing_mails_the_dataset_and_declining_the_ground(
        cast: Cast, mailbox: SmtpSink, followed: dict[str, Any]) -> None:
    dataset = dataset_named(cast, "gia-dat-2025", title="Bảng giá đất 2025")
    act("nd47_request_transition", cast.sysadmin, id=followed["id"],
        status="published", dataset=dataset["name"], reason="Đã công bố")
    run_jobs()
    # the sysadmin acted: the steward who follows hears of it too
    assert sorted(m.recipient for m in mailbox.mails) == [
        "an@example.vn", "binh@example.vn", "canbo@example.vn"]
    link = f"Bảng giá đất 2025 {SITE}/dataset/gia-dat-2025"
    assert_vietnamese_first(
        to(mailbox, "an@example.vn")[0],
        ["Trạng thái mới: Đã công bố", f"Bộ dữ liệu: {link}"],
        ["New status: Published", f"Dataset: {link}"])

    mailbox.inbox.mails.clear()
    act("nd47_request_transition", cast.steward, id=followed["id"],
        status="under_review", reason="Mở lại")
    act("nd47_request_transition", cast.steward, id=followed["id"],
        status="declined", decline_ground="state_secret",
        reason="Thuộc danh mục bí mật nhà nước")
    assert run_jobs() == 2
    declined = [m for m in to(mailbox, "an@example.vn")
                if "Từ chối" in m.body]
    assert len(declined) == 1
    assert_vietnamese_first(
        declined[0],
        ["Trạng thái mới: Từ chối",
         "Căn cứ: Bí mật nhà nước (Luật Bảo vệ bí mật nhà nước 2018",
         "Trả lời: Thuộc danh mục bí mật nhà nước"],
        ["New status: Declined",
         "Legal ground: State secret (Law on Protection of State Secrets",
         "Answer: Thuộc danh mục bí mật nhà nước"])


def test_who_no_longer_follows_or_has_left_is_not_mailed(
        cast: Cast, mailbox: SmtpSink, followed: dict[str, Any]) -> None:
    act("nd47_request_unfollow", cast.neighbour, id=followed["id"])
    tk.get_action("user_delete")({"user": cast.sysadmin["name"]},
                                 {"id": cast.citizen["name"]})
    act("nd47_request_transition", cast.sysadmin, id=followed["id"],
        status="under_review", reason="Xem xét")
    run_jobs()
    assert [m.recipient for m in mailbox.mails] == ["canbo@example.vn"]


def test_reassign_mails_the_new_agency(cast: Cast, mailbox: SmtpSink,
                                       followed: dict[str, Any]) -> None:
    focal = tk.get_action("organization_show")(
        {"ignore_auth": True}, {"id": "so-xay-dung"})["focal_point_email"]
    act("nd47_request_reassign", cast.steward, id=followed["id"],
        organization="so-xay-dung", reason="Thuộc lĩnh vực xây dựng")
    assert run_jobs() == 2

    assert sorted(m.recipient for m in mailbox.mails) == sorted([
        "an@example.vn", "binh@example.vn", focal])
    agency = to(mailbox, focal)[0]
    assert agency.message["Subject"] == \
        "Yêu cầu dữ liệu mới / New data request"
    assert "Giá đất" in agency.body
    # the old agency's focal point is not told again
    assert to(mailbox, "daumoi@example.vn") == []
    assert_vietnamese_first(
        to(mailbox, "binh@example.vn")[0],
        ["Chuyển cho cơ quan: Sở Xây dựng",
         "Trả lời: Thuộc lĩnh vực xây dựng"],
        ["Now handled by: Sở Xây dựng", "Answer: Thuộc lĩnh vực xây dựng"])


def test_one_failed_mail_does_not_stop_the_others(
        cast: Cast, mailbox: SmtpSink, followed: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    real = tk.mail_recipient
    refused = []

    def flaky(name: str, email: str, *args: Any, **kwargs: Any) -> None:
        if email == "binh@example.vn":  # the first of the two, by name
            refused.append(email)
            raise mailer.MailerException("550 mailbox unavailable")
        real(name, email, *args, **kwargs)

    monkeypatch.setattr(tk, "mail_recipient", flaky)
    act("nd47_request_transition", cast.steward, id=followed["id"],
        status="under_review", reason="Xem xét")
    run_jobs()
    assert refused == ["binh@example.vn"]
    assert [m.recipient for m in mailbox.mails] == ["an@example.vn"]


# --- the overdue sweep -------------------------------------------------------

def backdate(request_id: str, days: int) -> None:
    model.Session.execute(sa.text(
        "UPDATE nd47_data_request SET created = created - make_interval("
        "days => :days) WHERE id = :id"), {"id": request_id, "days": days})
    model.Session.commit()


def sweep(cli: Any, *args: str) -> Any:
    model.Session.remove()
    return cli.invoke(ckan, ["nd47", "requests", "sweep", *args])


def test_the_sweep_mails_each_overdue_request_once(
        cli: Any, cast: Cast, mailbox: SmtpSink) -> None:
    late = new_request(cast, title="Chờ lâu")["id"]
    fresh = new_request(cast, title="Mới gửi")["id"]
    answered = new_request(cast, title="Đã trả lời")["id"]
    act("nd47_request_transition", cast.steward, id=answered,
        status="declined", decline_ground="not_held", reason="Không có")
    backdate(late, 20)
    backdate(answered, 20)
    run_jobs()
    mailbox.inbox.mails.clear()

    listed = sweep(cli)
    assert listed.exit_code == 0, listed.output
    assert late in listed.output and "Chờ lâu" in listed.output
    assert fresh not in listed.output and answered not in listed.output
    assert mailbox.mails == []  # without --send-mail nothing is sent

    sent = sweep(cli, "--send-mail")
    assert sent.exit_code == 0, sent.output
    assert [m.recipient for m in mailbox.mails] == ["daumoi@example.vn"]
    mail = mailbox.mails[0]
    assert mail.message["Subject"] == \
        "Yêu cầu dữ liệu quá hạn trả lời / Overdue data requests"
    url = f"{SITE}/data-request/{late}"
    assert_vietnamese_first(
        mail, ["quá 15 ngày", "Chờ lâu", url],
        ["more than 15 days", "Chờ lâu", url])
    assert "Mới gửi" not in mail.body

    again = sweep(cli, "--send-mail")
    assert again.exit_code == 0, again.output
    assert len(mailbox.mails) == 1
    # still overdue, and still flagged as such
    assert act("nd47_request_show", None, id=late)["overdue"] is True

    # handed to another agency, it is that agency's to hear about
    act("nd47_request_reassign", cast.steward, id=late,
        organization="so-xay-dung", reason="Chuyển")
    run_jobs()
    mailbox.inbox.mails.clear()
    sweep(cli, "--send-mail")
    focal = tk.get_action("organization_show")(
        {"ignore_auth": True}, {"id": "so-xay-dung"})["focal_point_email"]
    assert [m.recipient for m in mailbox.mails] == [focal]
