"""Tables of the citizen-feedback queue: data requests, their supporters,
followers, comments and audit trail, and ratings of datasets.

The counters on ``nd47_data_request`` (``supporters``, the per-type
supporter counts, ``comments``) are kept by PostgreSQL triggers on the vote
and comment tables (migration ``b7c1e2d4f5a6``), not by the application:
a vote cast by one web worker, a comment hidden by a moderator or a user's
rows removed by a cascade all move the counts in the same transaction, so
the counts cannot drift from the rows they count.
"""
from __future__ import annotations

import sqlalchemy as sa

import ckan.plugins.toolkit as tk

REQUESTER_TYPES = ("citizen", "business", "researcher", "agency")
STATUSES = ("new", "under_review", "planned", "published", "declined")
KINDS = ("new_data", "improvement")
COMMENT_STATES = ("visible", "hidden", "deleted")
RATING_REASONS = ("quality", "timeliness", "format", "completeness", "other")

_metadata = tk.BaseModel.metadata


def _user_fk(ondelete: str) -> sa.ForeignKey:
    return sa.ForeignKey("user.id", ondelete=ondelete)


def _now() -> sa.Column:
    return sa.Column("created", sa.DateTime(timezone=True), nullable=False,
                     server_default=sa.func.now())


data_request = sa.Table(
    "nd47_data_request", _metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("purpose", sa.Text, nullable=False, server_default=""),
    sa.Column("requester_type", sa.Text, nullable=False),
    sa.Column("sector", sa.Text),
    sa.Column("kind", sa.Text, nullable=False, server_default="new_data"),
    # the dataset an improvement request is about
    sa.Column("dataset_id", sa.Text,
              sa.ForeignKey("package.id", ondelete="SET NULL")),
    sa.Column("organization_id", sa.Text,
              sa.ForeignKey("group.id", ondelete="SET NULL")),
    sa.Column("creator_id", sa.Text, _user_fk("SET NULL")),
    sa.Column("status", sa.Text, nullable=False, server_default="new"),
    sa.Column("target_date", sa.Date),
    sa.Column("resolution_dataset_id", sa.Text,
              sa.ForeignKey("package.id", ondelete="SET NULL")),
    sa.Column("decline_ground", sa.Text),
    # the steward's latest answer to the requester
    sa.Column("response", sa.Text),
    _now(),
    sa.Column("modified", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    # first time the request reached planned, published or declined
    sa.Column("answered_at", sa.DateTime(timezone=True)),
    # last support or comment: the recency term of the priority score
    sa.Column("last_activity", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    sa.Column("overdue_notified_at", sa.DateTime(timezone=True)),
    # -- kept by triggers (second migration) --
    sa.Column("supporters", sa.Integer, nullable=False, server_default="0"),
    sa.Column("supporters_citizen", sa.Integer, nullable=False,
              server_default="0"),
    sa.Column("supporters_business", sa.Integer, nullable=False,
              server_default="0"),
    sa.Column("supporters_researcher", sa.Integer, nullable=False,
              server_default="0"),
    sa.Column("supporters_agency", sa.Integer, nullable=False,
              server_default="0"),
    sa.Column("comments", sa.Integer, nullable=False, server_default="0"),
    # -- kept by the application --
    sa.Column("low_ratings", sa.Integer, nullable=False, server_default="0"),
    sa.Column("dataset_usage", sa.Integer, nullable=False,
              server_default="0"),
    extend_existing=True,
)

data_request_vote = sa.Table(
    "nd47_data_request_vote", _metadata,
    sa.Column("request_id", sa.Text,
              sa.ForeignKey("nd47_data_request.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("user_id", sa.Text, _user_fk("CASCADE"), primary_key=True),
    sa.Column("supporter_type", sa.Text, nullable=False),
    _now(),
    extend_existing=True,
)

data_request_follower = sa.Table(
    "nd47_data_request_follower", _metadata,
    sa.Column("request_id", sa.Text,
              sa.ForeignKey("nd47_data_request.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("user_id", sa.Text, _user_fk("CASCADE"), primary_key=True),
    _now(),
    extend_existing=True,
)

data_request_comment = sa.Table(
    "nd47_data_request_comment", _metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("request_id", sa.Text,
              sa.ForeignKey("nd47_data_request.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("user_id", sa.Text, _user_fk("SET NULL")),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("state", sa.Text, nullable=False, server_default="visible"),
    _now(),
    extend_existing=True,
)

data_request_event = sa.Table(
    "nd47_data_request_event", _metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    sa.Column("request_id", sa.Text,
              sa.ForeignKey("nd47_data_request.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("actor_id", sa.Text, _user_fk("SET NULL")),
    _now(),
    # created, status, reassigned, comment_hidden, comment_deleted
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("from_status", sa.Text),
    sa.Column("to_status", sa.Text),
    sa.Column("from_organization_id", sa.Text),
    sa.Column("to_organization_id", sa.Text),
    sa.Column("reason", sa.Text),
    sa.Column("target_date", sa.Date),
    sa.Column("dataset_id", sa.Text),
    sa.Column("decline_ground", sa.Text),
    sa.Column("comment_id", sa.Text),
    extend_existing=True,
)

dataset_rating = sa.Table(
    "nd47_dataset_rating", _metadata,
    sa.Column("dataset_id", sa.Text,
              sa.ForeignKey("package.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("user_id", sa.Text, _user_fk("CASCADE"), primary_key=True),
    sa.Column("stars", sa.SmallInteger, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("comment", sa.Text, nullable=False, server_default=""),
    _now(),
    sa.Column("modified", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    extend_existing=True,
)
