"""Create the citizen-feedback tables: data requests, supporters,
followers, comments, the audit trail and dataset ratings.

Revision ID: c3a9f1b2d4e5
Revises: 93f8ebd26827
Create Date: 2026-11-21 09:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "c3a9f1b2d4e5"
down_revision = "93f8ebd26827"
branch_labels = None
depends_on = None


def _in(column, values):
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


def _created():
    return sa.Column("created", sa.DateTime(timezone=True), nullable=False,
                     server_default=sa.func.now())


def upgrade():
    op.create_table(
        "nd47_data_request",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("purpose", sa.Text, nullable=False, server_default=""),
        sa.Column("requester_type", sa.Text, nullable=False),
        sa.Column("sector", sa.Text),
        sa.Column("kind", sa.Text, nullable=False,
                  server_default="new_data"),
        sa.Column("dataset_id", sa.Text,
                  sa.ForeignKey("package.id", ondelete="SET NULL")),
        sa.Column("organization_id", sa.Text,
                  sa.ForeignKey("group.id", ondelete="SET NULL")),
        sa.Column("creator_id", sa.Text,
                  sa.ForeignKey("user.id", ondelete="SET NULL")),
        sa.Column("status", sa.Text, nullable=False, server_default="new"),
        sa.Column("target_date", sa.Date),
        sa.Column("resolution_dataset_id", sa.Text,
                  sa.ForeignKey("package.id", ondelete="SET NULL")),
        sa.Column("decline_ground", sa.Text),
        sa.Column("response", sa.Text),
        _created(),
        sa.Column("modified", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.Column("last_activity", sa.DateTime(timezone=True),
                  nullable=False, server_default=sa.func.now()),
        sa.Column("overdue_notified_at", sa.DateTime(timezone=True)),
        sa.Column("low_ratings", sa.Integer, nullable=False,
                  server_default="0"),
        sa.Column("dataset_usage", sa.Integer, nullable=False,
                  server_default="0"),
        sa.CheckConstraint(
            _in("requester_type",
                ("citizen", "business", "researcher", "agency")),
            name="nd47_data_request_requester_type"),
        sa.CheckConstraint(_in("kind", ("new_data", "improvement")),
                           name="nd47_data_request_kind"),
        sa.CheckConstraint(
            _in("status", ("new", "under_review", "planned", "published",
                           "declined")),
            name="nd47_data_request_status"),
    )
    # one open improvement request per dataset: low ratings and "please
    # update" reports of the same dataset all feed it
    op.create_index(
        "nd47_data_request_open_improvement", "nd47_data_request",
        ["dataset_id"], unique=True,
        postgresql_where=sa.text(
            "kind = 'improvement' AND status IN "
            "('new', 'under_review', 'planned')"))
    op.create_index("nd47_data_request_creator", "nd47_data_request",
                    ["creator_id"])

    op.create_table(
        "nd47_data_request_vote",
        sa.Column("request_id", sa.Text,
                  sa.ForeignKey("nd47_data_request.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("user_id", sa.Text,
                  sa.ForeignKey("user.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("supporter_type", sa.Text, nullable=False),
        _created(),
        sa.CheckConstraint(
            _in("supporter_type",
                ("citizen", "business", "researcher", "agency")),
            name="nd47_data_request_vote_supporter_type"),
    )
    op.create_index("nd47_data_request_vote_user",
                    "nd47_data_request_vote", ["user_id"])

    op.create_table(
        "nd47_data_request_follower",
        sa.Column("request_id", sa.Text,
                  sa.ForeignKey("nd47_data_request.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("user_id", sa.Text,
                  sa.ForeignKey("user.id", ondelete="CASCADE"),
                  primary_key=True),
        _created(),
    )

    op.create_table(
        "nd47_data_request_comment",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("request_id", sa.Text,
                  sa.ForeignKey("nd47_data_request.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("user_id", sa.Text,
                  sa.ForeignKey("user.id", ondelete="SET NULL")),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False,
                  server_default="visible"),
        _created(),
        sa.CheckConstraint(_in("state", ("visible", "hidden", "deleted")),
                           name="nd47_data_request_comment_state"),
    )
    op.create_index("nd47_data_request_comment_request",
                    "nd47_data_request_comment", ["request_id", "created"])

    op.create_table(
        "nd47_data_request_event",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.Text,
                  sa.ForeignKey("nd47_data_request.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("actor_id", sa.Text,
                  sa.ForeignKey("user.id", ondelete="SET NULL")),
        _created(),
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
    )
    op.create_index("nd47_data_request_event_request",
                    "nd47_data_request_event", ["request_id", "id"])

    op.create_table(
        "nd47_dataset_rating",
        sa.Column("dataset_id", sa.Text,
                  sa.ForeignKey("package.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("user_id", sa.Text,
                  sa.ForeignKey("user.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("stars", sa.SmallInteger, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        _created(),
        sa.Column("modified", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.CheckConstraint("stars BETWEEN 1 AND 5",
                           name="nd47_dataset_rating_stars"),
        sa.CheckConstraint(
            _in("reason", ("quality", "timeliness", "format",
                           "completeness", "other")),
            name="nd47_dataset_rating_reason"),
    )


def downgrade():
    for table in ("nd47_dataset_rating", "nd47_data_request_event",
                  "nd47_data_request_comment", "nd47_data_request_follower",
                  "nd47_data_request_vote", "nd47_data_request"):
        op.drop_table(table)
