"""Reminders of the Decree 47/2020 Art. 20(3) deadlines.

The open-data catalogue must be reviewed at least every 6 months and the data
published under it updated within 3 months (``review_due`` and
``update_due``, computed by the schema from ``catalogue_reviewed`` and
``data_updated``). ``ckan nd47 deadlines`` lists the open datasets whose
deadline has passed, falls within the warning window or was never set, per
agency, and can mail each agency's focal point (cán bộ đầu mối) once per
deadline.

"Once" must hold when cron starts the command on several servers at the same
time, so every reminder is first claimed in ``nd47_deadline_notice`` (a
unique key on dataset, kind and due date) and committed; a process mails only
what it claimed. A failed mail gives its claims back so a later run retries.
A process killed between claim and mail loses that reminder (``sent_at``
stays NULL): a missed reminder is repeated at the next due date, a double
one cannot be taken back.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import itertools
import logging
from typing import Any, Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import ColumnElement

import ckan.plugins.toolkit as tk
from ckan.model import meta

from ckanext.nd47 import config
from ckanext.nd47.model.deadline_notice import NEVER, deadline_notice

log = logging.getLogger(__name__)

_PAGE_SIZE = 500
# (date field, deadline field) of each kind, as in schemas/dataset.yaml
_FIELDS = {"review": ("catalogue_reviewed", "review_due"),
           "update": ("data_updated", "update_due")}

KIND_LABELS = {
    "review": ("Hạn rà soát danh mục", "Catalogue review due"),
    "update": ("Hạn cập nhật dữ liệu", "Data update due"),
}
NEVER_LABELS = {
    "review": ("chưa từng rà soát", "never reviewed"),
    "update": ("chưa từng cập nhật", "never updated"),
}


class Status(enum.Enum):
    """Where a deadline stands; the value is the (Vietnamese, English)
    label."""
    OVERDUE = ("QUÁ HẠN", "overdue")
    SOON = ("SẮP ĐẾN HẠN", "due soon")
    NEVER = ("CHƯA CÓ NGÀY", "never set")

    @property
    def label(self) -> str:
        vi, en = self.value
        return f"{vi} / {en}"


@dataclasses.dataclass(frozen=True)
class Deadline:
    """One deadline of one dataset that needs the steward's attention."""
    dataset_id: str
    name: str
    title: str
    kind: str
    due: Optional[dt.date]
    status: Status

    @property
    def due_key(self) -> str:
        """The due date as stored in ``nd47_deadline_notice.due``."""
        return self.due.isoformat() if self.due else NEVER

    @property
    def url(self) -> str:
        return tk.url_for("dataset.read", id=self.name, _external=True)


@dataclasses.dataclass
class Agency:
    """An agency with the deadlines of its datasets; ``email`` is None when
    the agency has not named a focal point email."""
    id: str
    name: str
    title: str
    focal_point_name: str
    email: Optional[str]
    deadlines: list[Deadline] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class MailResult:
    """What ``send_reminders`` did for one agency: the deadlines it mailed
    (none when other runs had already claimed them all) or the error."""
    agency: Agency
    sent: list[Deadline]
    error: Optional[str] = None


def _parse_date(value: Any) -> Optional[dt.date]:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        # a hand-edited extra that is not a date cannot be trusted either
        return None


def classify(due: Optional[dt.date], today: dt.date,
             within_days: int) -> Optional[Status]:
    """The status of a deadline on ``today``, None when it is neither
    passed nor within ``within_days``. The due day itself is still in time,
    as the compliance rule counts it."""
    if due is None:
        return Status.NEVER
    if due < today:
        return Status.OVERDUE
    if due <= today + dt.timedelta(days=within_days):
        return Status.SOON
    return None


def _site_context() -> dict[str, Any]:
    """As the site user: package_search only returns every agency's private
    datasets to a sysadmin, and reminders concern private open data too."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"ignore_auth": True, "user": site_user["name"]}


def _open_datasets(context: dict[str, Any],
                   organization: Optional[str]) -> Iterator[dict[str, Any]]:
    """Every active open dataset (public and private, not drafts), page by
    page in a stable order."""
    fq = "+dataset_type:dataset +classification:open"
    if organization:
        fq += f' +organization:"{organization}"'
    search = tk.get_action("package_search")
    start = 0
    while True:
        page = search(dict(context), {
            "fq": fq, "include_private": True, "include_drafts": False,
            "sort": "name asc", "rows": _PAGE_SIZE, "start": start,
        })
        yield from page["results"]
        start += len(page["results"])
        if not page["results"] or start >= page["count"]:
            return


def _agency(context: dict[str, Any], org_id: str) -> Agency:
    org = tk.get_action("organization_show")(dict(context), {
        "id": org_id, "include_datasets": False, "include_users": False,
        "include_groups": False, "include_tags": False,
        "include_extras": True, "include_followers": False,
    })
    return Agency(id=org["id"], name=org["name"], title=org["title"],
                  focal_point_name=org.get("focal_point_name") or "",
                  email=(org.get("focal_point_email") or "").strip() or None)


def collect(within_days: Optional[int] = None,
            today: Optional[dt.date] = None,
            organization: Optional[str] = None) -> list[Agency]:
    """The agencies that have open datasets with a deadline passed, due
    within ``within_days`` (``ckanext.nd47.deadlines.warning_days`` by
    default) or never set, ordered by title.

    :raises ckan.logic.NotFound: ``organization`` does not exist
    """
    today = today or dt.date.today()
    if within_days is None:
        within_days = config.deadline_warning_days()
    context = _site_context()
    if organization:
        organization = _agency(context, organization).name
    agencies: dict[str, Agency] = {}
    for dataset in _open_datasets(context, organization):
        for kind, (_, due_field) in _FIELDS.items():
            due = _parse_date(dataset.get(due_field))
            status = classify(due, today, within_days)
            if status is None:
                continue
            org_id = dataset["owner_org"]
            if org_id not in agencies:
                agencies[org_id] = _agency(context, org_id)
            agencies[org_id].deadlines.append(Deadline(
                dataset_id=dataset["id"], name=dataset["name"],
                title=dataset["title"], kind=kind, due=due, status=status))
    return sorted(agencies.values(), key=lambda a: (a.title, a.name))


def reindex_overdue(agencies: list[Agency]) -> int:
    """Re-index the datasets with a deadline passed since they were indexed.

    The compliance status facet (``compliance/indexing.py``) is computed at
    index time, so nothing updates it when a date merely passes. CKAN 2.11
    offers no action that re-indexes one dataset without changing it;
    ``ckan.lib.search.rebuild`` is what ``ckan search-index rebuild`` uses.
    Returns how many datasets were re-indexed.
    """
    from ckan.lib import search

    ids = {d.dataset_id for agency in agencies for d in agency.deadlines
           if d.status is Status.OVERDUE}
    reindexed = 0
    for dataset_id in sorted(ids):
        try:
            search.rebuild(dataset_id)
        except tk.ObjectNotFound:
            # purged since the search; nothing left to index
            continue
        reindexed += 1
    return reindexed


def _claim(deadlines: list[Deadline], recipient: str) -> list[Deadline]:
    """Claim the reminders that no run has claimed before, and commit, so a
    concurrent run skips them."""
    rows = [{"dataset_id": d.dataset_id, "kind": d.kind, "due": d.due_key,
             "recipient": recipient} for d in deadlines]
    statement = (
        postgresql.insert(deadline_notice).values(rows)
        .on_conflict_do_nothing(constraint="nd47_deadline_notice_key")
        .returning(deadline_notice.c.dataset_id, deadline_notice.c.kind,
                   deadline_notice.c.due))
    with meta.engine.begin() as conn:
        claimed = {tuple(row) for row in conn.execute(statement)}
    return [d for d in deadlines
            if (d.dataset_id, d.kind, d.due_key) in claimed]


def _claims_of(deadlines: list[Deadline]) -> ColumnElement:
    c = deadline_notice.c
    return sa.and_(
        c.sent_at.is_(None),
        sa.tuple_(c.dataset_id, c.kind, c.due).in_(
            [(d.dataset_id, d.kind, d.due_key) for d in deadlines]))


def _confirm(deadlines: list[Deadline]) -> None:
    with meta.engine.begin() as conn:
        conn.execute(sa.update(deadline_notice)
                     .where(_claims_of(deadlines))
                     .values(sent_at=sa.func.now()))


def _release(deadlines: list[Deadline]) -> None:
    """Give back the claims of a mail that was not sent."""
    with meta.engine.begin() as conn:
        conn.execute(sa.delete(deadline_notice).where(_claims_of(deadlines)))


def _dataset_lines(deadlines: list[Deadline], english: bool) -> list[str]:
    """Each dataset once (title, URL), then its deadlines."""
    lang = 1 if english else 0
    lines = []
    for _, group in itertools.groupby(deadlines, lambda d: d.dataset_id):
        of_dataset = list(group)
        lines += [f"- {of_dataset[0].title}", f"  {of_dataset[0].url}"]
        for deadline in of_dataset:
            due = (deadline.due.isoformat() if deadline.due
                   else NEVER_LABELS[deadline.kind][lang])
            lines.append(f"  {KIND_LABELS[deadline.kind][lang]}: {due}"
                         f" ({deadline.status.value[lang]})")
    return lines


def compose(agency: Agency, deadlines: list[Deadline],
            today: dt.date) -> tuple[str, str]:
    """The subject and plain-text body of an agency's reminder: Vietnamese
    first, then English."""
    # A fixed subject: the sender already names the site, and Python's
    # header folding (CPython gh-144156) can drop the space between two
    # encoded words, so nothing may shift where the Vietnamese text folds.
    subject = ("Nhắc hạn rà soát, cập nhật dữ liệu mở / "
               "Open-data review and update deadlines")
    name = agency.focal_point_name or "Cán bộ đầu mối"
    lines = [
        f"Kính gửi {name} ({agency.title}),",
        "",
        "Theo khoản 3 Điều 20 Nghị định 47/2020/NĐ-CP, danh mục dữ liệu mở "
        "phải được rà soát ít nhất 6 tháng một lần và dữ liệu phải được cập "
        "nhật, bổ sung trong vòng 3 tháng. Tính đến ngày "
        f"{today.isoformat()}, các bộ dữ liệu sau đã quá hạn, sắp đến hạn "
        "hoặc chưa có ngày rà soát, cập nhật:",
        "",
    ]
    lines += _dataset_lines(deadlines, english=False)
    lines += [
        "",
        "Sau khi rà soát hoặc cập nhật, xin cập nhật ngày tương ứng trên "
        "trang bộ dữ liệu.",
        "",
        "---",
        "",
        f"Dear {agency.focal_point_name or 'focal point'} ({agency.title}),",
        "",
        "Under Article 20(3) of Decree 47/2020/ND-CP the open-data catalogue "
        "must be reviewed at least every 6 months and its data updated "
        f"within 3 months. As of {today.isoformat()}, the following datasets "
        "are overdue, due soon or have never been reviewed or updated:",
        "",
    ]
    lines += _dataset_lines(deadlines, english=True)
    lines += [
        "",
        "Once reviewed or updated, please set the matching date on the "
        "dataset's page.",
    ]
    return subject, "\n".join(lines) + "\n"


def send_reminders(agencies: list[Agency],
                   today: Optional[dt.date] = None) -> list[MailResult]:
    """Mail each agency's focal point the deadlines no run has mailed yet,
    in one message per agency. Agencies without a focal point email are
    skipped (the caller reports them)."""
    today = today or dt.date.today()
    results = []
    for agency in agencies:
        if not agency.email:
            continue
        claimed = _claim(agency.deadlines, agency.email)
        if not claimed:
            results.append(MailResult(agency, []))
            continue
        subject, body = compose(agency, claimed, today)
        try:
            tk.mail_recipient(agency.focal_point_name or agency.title,
                              agency.email, subject, body)
        # whatever stopped the mail (MailerException, a socket error…),
        # the claims go back so the next run retries
        except Exception as error:
            _release(claimed)
            log.warning("Reminder to %s failed: %s", agency.email, error)
            results.append(MailResult(agency, [], str(error)))
            continue
        _confirm(claimed)
        results.append(MailResult(agency, claimed))
    return results
