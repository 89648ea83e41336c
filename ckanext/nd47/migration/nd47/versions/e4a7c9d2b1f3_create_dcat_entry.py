"""Turtle of catalogue entries kept for the streamed DCAT export (a cache;
see ``ckanext/nd47/model/dcat_entry.py``).

Revision ID: e4a7c9d2b1f3
Revises: 56504bf9af07
Create Date: 2026-11-21 14:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "e4a7c9d2b1f3"
down_revision = "56504bf9af07"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "nd47_dcat_entry",
        sa.Column("package_id", sa.Text,
                  sa.ForeignKey("package.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("fingerprint", sa.Text, nullable=False),
        sa.Column("turtle", sa.Text, nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
    )


def downgrade():
    op.drop_table("nd47_dcat_entry")
