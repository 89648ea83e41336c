"""Demand indexes of the priority queue: the largest of a request's
supporters, comments, dataset views and low ratings, for the province and
per agency.

The priority score decays with time, so no index can hold it; but every
term except recency and diversity grows with log2(1 + one of those
counts), so the score bounds that largest count from below
(``Formula.least_demand``) and the queue scores only the requests of high
demand instead of every open one (``store._shortlist``). The expression
must stay the one of ``score.DEMAND`` for PostgreSQL to use the indexes.

Revision ID: 56504bf9af07
Revises: b7c1e2d4f5a6
Create Date: 2026-11-21 12:18:56.844628

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "56504bf9af07"
down_revision = "b7c1e2d4f5a6"
branch_labels = None
depends_on = None

DEMAND = sa.text("greatest(supporters, comments, dataset_usage, low_ratings)")


def upgrade():
    op.create_index("nd47_data_request_demand", "nd47_data_request",
                    [DEMAND])
    op.create_index("nd47_data_request_agency_demand", "nd47_data_request",
                    ["organization_id", DEMAND])


def downgrade():
    op.drop_index("nd47_data_request_agency_demand", "nd47_data_request")
    op.drop_index("nd47_data_request_demand", "nd47_data_request")
