"""Mail about data requests, sent by CKAN's background jobs through CKAN's
mailer: the agency's focal point hears of new and overdue requests, the
requester and the followers of every change of status or agency.

Actions only enqueue (a web request never waits for SMTP); the jobs read
the request again, so a mail always describes what was committed.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any, Iterable, Optional

import ckan.plugins.toolkit as tk

from ckanext.nd47.feedback import store, workflow

log = logging.getLogger(__name__)


def request_url(request_id: str) -> str:
    return f"{tk.config.get('ckan.site_url').rstrip('/')}" \
           f"/data-request/{request_id}"


def _agency(organization_id: Optional[str]) -> Optional[dict[str, Any]]:
    if not organization_id:
        return None
    try:
        return tk.get_action("organization_show")(
            {"ignore_auth": True},
            {"id": organization_id, "include_datasets": False,
             "include_users": False, "include_extras": True})
    except tk.ObjectNotFound:
        return None


def _focal_point(agency: Optional[dict[str, Any]]
                 ) -> Optional[tuple[str, str]]:
    email = ((agency or {}).get("focal_point_email") or "").strip()
    if not agency or not email:
        return None
    return agency.get("focal_point_name") or agency["title"], email


def _send(name: str, email: str, subject: str, body: str) -> None:
    tk.mail_recipient(name, email, subject, body)


# --- what the actions enqueue --------------------------------------------------

def enqueue_new_request(request_id: str) -> None:
    tk.enqueue_job(mail_new_request, [request_id],
                   title=f"nd47: new data request {request_id}")


def enqueue_change(request_id: str, event_id: int) -> None:
    tk.enqueue_job(mail_change, [request_id, event_id],
                   title=f"nd47: data request {request_id} changed")


# --- the jobs ------------------------------------------------------------------------

def mail_new_request(request_id: str) -> None:
    """Tell the assigned agency's focal point about a new request."""
    request = store.get_request(request_id)
    if request is None:
        return
    contact = _focal_point(_agency(request.organization_id))
    if contact is None:
        log.info("Data request %s: no focal point email to tell",
                 request_id)
        return
    # mail goes out of the portal: the title anyone may read
    title = store.public_title(request_id)
    subject = "Yêu cầu dữ liệu mới / New data request"
    body = "\n".join([
        f"Kính gửi {contact[0]},",
        "",
        "Cơ quan của bạn nhận được một yêu cầu dữ liệu mới trên cổng dữ "
        "liệu mở:",
        f"  {title}",
        f"  {request_url(request_id)}",
        "",
        "Xin xem xét và trả lời trong thời hạn quy định.",
        "",
        "---",
        "",
        f"Dear {contact[0]},",
        "",
        "Your agency has a new data request on the open-data portal:",
        f"  {title}",
        f"  {request_url(request_id)}",
        "",
        "Please review and answer it within the response window.",
    ]) + "\n"
    _send(contact[0], contact[1], subject, body)


def _change_lines(request: Any, event: Any, english: bool) -> list[str]:
    lang = "en" if english else "vi"
    lines = []
    if event.action == "reassigned":
        agency = _agency(event.to_organization_id)
        title = agency["title"] if agency else "—"
        lines.append(("Now handled by: " if english
                      else "Chuyển cho cơ quan: ") + title)
    else:
        label = workflow.STATUS_LABELS[event.to_status][lang]
        lines.append(("New status: " if english else "Trạng thái mới: ")
                     + label)
        if event.target_date:
            lines.append(("Target date: " if english else "Ngày dự kiến: ")
                         + event.target_date.isoformat())
        if event.dataset_id:
            dataset = store.public_dataset(event.dataset_id)
            if dataset is not None:
                site = tk.config.get("ckan.site_url").rstrip("/")
                lines.append(("Dataset: " if english else "Bộ dữ liệu: ")
                             + f"{dataset.title} {site}/dataset/"
                             f"{dataset.name}")
        ground = workflow.decline_ground(event.decline_ground)
        if ground:
            lines.append(("Legal ground: " if english else "Căn cứ: ")
                         + ground[lang])
    if event.reason:
        lines.append(("Answer: " if english else "Trả lời: ") + event.reason)
    return lines


def mail_change(request_id: str, event_id: int) -> None:
    """Tell the requester and the followers (but not the steward who made
    the change) that the request moved."""
    request = store.get_request(request_id)
    event = next((e for e in store.events(request_id) if e.id == event_id),
                 None)
    if request is None or event is None:
        return
    title = store.public_title(request_id)
    subject = ("Cập nhật yêu cầu dữ liệu / Data request update")
    for user in store.recipients(request_id):
        if user.id == event.actor_id:
            continue
        name = user.fullname or user.name
        body = "\n".join([
            f"Xin chào {name},",
            "",
            f"Yêu cầu dữ liệu \"{title}\" có thay đổi:",
            *("  " + line for line in _change_lines(request, event, False)),
            f"  {request_url(request_id)}",
            "",
            "---",
            "",
            f"Hello {name},",
            "",
            f"The data request \"{title}\" has changed:",
            *("  " + line for line in _change_lines(request, event, True)),
            f"  {request_url(request_id)}",
        ]) + "\n"
        try:
            _send(name, user.email, subject, body)
        except Exception as error:  # one bad address must not stop the rest
            log.warning("Mail to %s about %s failed: %s", user.email,
                        request_id, error)


def mail_overdue(overdue: Iterable[Any], window_days: int
                 ) -> tuple[int, list[str], list[str]]:
    """One mail per agency listing its requests that passed the response
    window; returns (mails sent, agencies without a focal point email,
    agencies whose mail failed)."""
    by_agency: dict[Optional[str], list[Any]] = defaultdict(list)
    for request in overdue:
        by_agency[request.organization_id].append(request)
    sent, unreachable, failed = 0, [], []
    for organization_id, requests in by_agency.items():
        agency = _agency(organization_id)
        contact = _focal_point(agency)
        if contact is None:
            # given back, so the notice goes out once an email is set
            store.release_overdue([q.id for q in requests])
            unreachable.append(agency["name"] if agency else "—")
            continue
        items = [f"- {q.title}\n  {request_url(q.id)}" for q in requests]
        body = "\n".join([
            f"Kính gửi {contact[0]},",
            "",
            f"Các yêu cầu dữ liệu sau đã quá {window_days} ngày mà chưa "
            "được trả lời:",
            *items,
            "",
            "---",
            "",
            f"Dear {contact[0]},",
            "",
            f"These data requests have waited more than {window_days} days "
            "without an answer:",
            *items,
        ]) + "\n"
        try:
            _send(contact[0], contact[1],
                  "Yêu cầu dữ liệu quá hạn trả lời / Overdue data requests",
                  body)
        # whatever stopped the mail, the claims go back for the next run
        except Exception as error:
            store.release_overdue([q.id for q in requests])
            log.warning("Overdue mail to %s failed: %s", contact[1], error)
            failed.append(agency["name"] if agency else "—")
            continue
        sent += 1
    return sent, unreachable, failed
