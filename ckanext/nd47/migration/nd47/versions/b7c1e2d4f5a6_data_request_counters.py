"""Supporter and comment counters on data requests, kept by triggers, and
the indexes of the priority queue.

The counters are derived data: the upgrade computes them from the vote and
comment rows, the downgrade drops them and nothing else, so a downgrade
and a new upgrade leave every request, vote and comment as it was.

Revision ID: b7c1e2d4f5a6
Revises: c3a9f1b2d4e5
Create Date: 2026-11-21 09:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "b7c1e2d4f5a6"
down_revision = "c3a9f1b2d4e5"
branch_labels = None
depends_on = None

TYPES = ("citizen", "business", "researcher", "agency")
COUNTERS = ["supporters"] + [f"supporters_{t}" for t in TYPES] + ["comments"]

_VOTE_TRIGGER = """
CREATE OR REPLACE FUNCTION nd47_data_request_count_vote() RETURNS trigger AS $$
DECLARE
  change integer;
  vote nd47_data_request_vote;
BEGIN
  IF TG_OP = 'INSERT' THEN change := 1; vote := NEW;
  ELSE change := -1; vote := OLD;
  END IF;
  UPDATE nd47_data_request SET
    supporters = supporters + change,
    supporters_citizen = supporters_citizen
      + CASE WHEN vote.supporter_type = 'citizen' THEN change ELSE 0 END,
    supporters_business = supporters_business
      + CASE WHEN vote.supporter_type = 'business' THEN change ELSE 0 END,
    supporters_researcher = supporters_researcher
      + CASE WHEN vote.supporter_type = 'researcher' THEN change ELSE 0 END,
    supporters_agency = supporters_agency
      + CASE WHEN vote.supporter_type = 'agency' THEN change ELSE 0 END,
    last_activity = CASE WHEN TG_OP = 'INSERT' THEN now()
                         ELSE last_activity END
  WHERE id = vote.request_id;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER nd47_data_request_count_vote
  AFTER INSERT OR DELETE ON nd47_data_request_vote
  FOR EACH ROW EXECUTE FUNCTION nd47_data_request_count_vote();
"""

_COMMENT_TRIGGER = """
CREATE OR REPLACE FUNCTION nd47_data_request_count_comment() RETURNS trigger AS $$
DECLARE
  change integer := 0;
  request text;
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.state = 'visible' THEN
    change := change + 1;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.state = 'visible' THEN
    change := change - 1;
  END IF;
  IF TG_OP = 'DELETE' THEN request := OLD.request_id;
  ELSE request := NEW.request_id;
  END IF;
  IF change <> 0 THEN
    UPDATE nd47_data_request SET
      comments = comments + change,
      last_activity = CASE WHEN TG_OP = 'INSERT' THEN now()
                           ELSE last_activity END
    WHERE id = request;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER nd47_data_request_count_comment
  AFTER INSERT OR UPDATE OF state OR DELETE ON nd47_data_request_comment
  FOR EACH ROW EXECUTE FUNCTION nd47_data_request_count_comment();
"""


def upgrade():
    for column in COUNTERS:
        op.add_column("nd47_data_request", sa.Column(
            column, sa.Integer, nullable=False, server_default="0"))
    type_counts = ",\n".join(
        f"supporters_{t} = (SELECT count(*) FROM nd47_data_request_vote v "
        f"WHERE v.request_id = r.id AND v.supporter_type = '{t}')"
        for t in TYPES)
    op.execute(f"""
        UPDATE nd47_data_request r SET
          supporters = (SELECT count(*) FROM nd47_data_request_vote v
                        WHERE v.request_id = r.id),
          {type_counts},
          comments = (SELECT count(*) FROM nd47_data_request_comment c
                      WHERE c.request_id = r.id AND c.state = 'visible')
    """)
    op.execute(_VOTE_TRIGGER)
    op.execute(_COMMENT_TRIGGER)
    op.create_index("nd47_data_request_queue", "nd47_data_request",
                    ["status", "organization_id"])
    op.create_index("nd47_data_request_created", "nd47_data_request",
                    ["created"])


def downgrade():
    op.drop_index("nd47_data_request_created", "nd47_data_request")
    op.drop_index("nd47_data_request_queue", "nd47_data_request")
    op.execute("DROP TRIGGER nd47_data_request_count_comment "
               "ON nd47_data_request_comment")
    op.execute("DROP FUNCTION nd47_data_request_count_comment()")
    op.execute("DROP TRIGGER nd47_data_request_count_vote "
               "ON nd47_data_request_vote")
    op.execute("DROP FUNCTION nd47_data_request_count_vote()")
    for column in reversed(COUNTERS):
        op.drop_column("nd47_data_request", column)
