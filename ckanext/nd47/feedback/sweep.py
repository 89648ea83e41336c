"""The periodic pass over data requests (``ckan nd47 requests sweep``,
from cron): refresh the dataset-usage term of improvement requests from
CKAN's ``tracking`` plugin, and report each overdue request to its
agency's focal point once."""
from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa

import ckan.model as model

from ckanext.nd47 import config
from ckanext.nd47.feedback import notify, store


@dataclasses.dataclass
class SweepResult:
    usage_updated: int
    overdue: list[Any]
    mails_sent: int = 0
    unreachable: list[str] = dataclasses.field(default_factory=list)
    failed: list[str] = dataclasses.field(default_factory=list)


def _views(dataset_ids: list[str]) -> list[tuple[str, int]]:
    """Total views per dataset as CKAN's ``tracking`` plugin records them
    (its ``tracking_summary`` table); nothing without that plugin."""
    if not dataset_ids or not sa.inspect(model.Session.get_bind()) \
            .has_table("tracking_summary"):
        return []
    rows = model.Session.execute(sa.text(
        "SELECT package_id, coalesce(sum(count), 0) FROM tracking_summary "
        "WHERE package_id = ANY(:ids) GROUP BY package_id"),
        {"ids": dataset_ids})
    return [(str(dataset_id), int(views)) for dataset_id, views in rows]


def sweep(send_mail: bool) -> SweepResult:
    window = config.response_days()
    updated = store.refresh_usage(_views(store.improvement_dataset_ids()))
    model.Session.commit()
    if not send_mail:
        _, rows = store.search({"overdue": True}, "oldest", 10_000, 0,
                               window)
        return SweepResult(updated, rows)
    # claimed and committed before mailing: a concurrent sweep skips them
    overdue = store.claim_overdue(window)
    model.Session.commit()
    sent, unreachable, failed = notify.mail_overdue(overdue, window)
    model.Session.commit()
    return SweepResult(updated, overdue, sent, unreachable, failed)
