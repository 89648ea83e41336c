"""Reminders already sent about Decree 47 Art. 20(3) deadlines.

One row per (dataset, kind of deadline, due date): the unique key is what
lets ``ckan nd47 deadlines --send-mail`` run from cron on several servers at
once without mailing a focal point twice. A process claims a row with
``INSERT … ON CONFLICT DO NOTHING`` before it sends and only sends what it
claimed. ``due`` is text so that "never set" (``'never'``) takes part in the
unique key, which a NULL date would not. A new due date (the steward
reviewed or updated the data) is a new row, hence a new reminder.
``sent_at`` stays NULL between the claim and the confirmed delivery.
"""
from __future__ import annotations

import sqlalchemy as sa

import ckan.plugins.toolkit as tk

NEVER = "never"
KINDS = ("review", "update")

deadline_notice = sa.Table(
    "nd47_deadline_notice",
    tk.BaseModel.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset_id", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("due", sa.Text, nullable=False),
    sa.Column("recipient", sa.Text, nullable=False),
    sa.Column("claimed_at", sa.DateTime(timezone=True),
              nullable=False, server_default=sa.func.now()),
    sa.Column("sent_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("dataset_id", "kind", "due",
                        name="nd47_deadline_notice_key"),
    sa.CheckConstraint("kind IN ('review', 'update')",
                       name="nd47_deadline_notice_kind"),
    extend_existing=True,
)
