"""Create nd47_deadline_notice, the record of Art. 20(3) reminders sent.

Revision ID: 93f8ebd26827
Revises:
Create Date: 2026-11-28 10:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "93f8ebd26827"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "nd47_deadline_notice",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dataset_id", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        # an ISO date or 'never', so "never set" is part of the unique key
        sa.Column("due", sa.Text, nullable=False),
        sa.Column("recipient", sa.Text, nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True),
                  nullable=False, server_default=sa.func.now()),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("dataset_id", "kind", "due",
                            name="nd47_deadline_notice_key"),
        sa.CheckConstraint("kind IN ('review', 'update')",
                           name="nd47_deadline_notice_kind"),
    )


def downgrade():
    op.drop_table("nd47_deadline_notice")
