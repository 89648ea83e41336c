"""A real SMTP server to mail reminders to, and datasets with known dates.

Every date is fixed in the past (the schema refuses future review and update
dates) and the command is told ``--today``, so the classification does not
depend on the day the tests run.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import socket
import threading
from email.message import EmailMessage
from typing import Any, Iterator, Optional

import pytest
from aiosmtpd.controller import Controller
from click.testing import Result

from ckan.cli.cli import ckan

from tests import factories

TODAY = dt.date(2024, 7, 15)


def free_port() -> int:
    """A port nothing listens on (until someone binds it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclasses.dataclass
class Mail:
    recipient: str
    message: EmailMessage

    @property
    def body(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())


class _Inbox:
    """aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.mails: list[Mail] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any,
                          envelope: Any) -> str:
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            for recipient in envelope.rcpt_tos:
                self.mails.append(Mail(recipient, message))
        return "250 Message accepted for delivery"


@dataclasses.dataclass
class SmtpSink:
    address: str
    inbox: _Inbox

    @property
    def mails(self) -> list[Mail]:
        return list(self.inbox.mails)


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpSink]:
    """An SMTP server on a free local port that CKAN's mailer uses.

    ``ckan`` commands load test.ini again, which names an SMTP server; the
    environment variable overrides it, in this process and in the ones the
    tests start.
    """
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    address = f"127.0.0.1:{port}"
    monkeypatch.setenv("CKAN_SMTP_SERVER", address)
    yield SmtpSink(address, inbox)
    controller.stop()


def dataset(agency: dict[str, Any], name: str, reviewed: Optional[str],
            updated: Optional[str], **overrides: Any) -> dict[str, Any]:
    """An open dataset of ``agency`` reviewed and updated on those days."""
    result: dict[str, Any] = factories.OpenDataset(
        owner_org=agency["id"], name=name,
        title=overrides.pop("title", f"Bộ dữ liệu {name}"),
        catalogue_reviewed=reviewed, data_updated=updated, **overrides)
    return result


def deadlines(cli: Any, *args: str, today: dt.date = TODAY) -> Result:
    result: Result = cli.invoke(
        ckan, ["nd47", "deadlines", "--today", today.isoformat(), *args])
    return result
