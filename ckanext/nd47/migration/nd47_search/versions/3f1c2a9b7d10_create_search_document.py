"""Create the PostgreSQL search index table nd47_search_document.

Revision ID: 3f1c2a9b7d10
Revises:
Create Date: 2026-11-21 10:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "3f1c2a9b7d10"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "nd47_search_document",
        sa.Column("index_id", sa.Text, primary_key=True),
        sa.Column("package_id", sa.Text, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("site_id", sa.Text, nullable=False),
        sa.Column("entity_type", sa.Text),
        sa.Column("state", sa.Text),
        sa.Column("capacity", sa.Text),
        sa.Column("dataset_type", sa.Text),
        sa.Column("permission_labels", postgresql.ARRAY(sa.Text),
                  nullable=False, server_default="{}"),
        sa.Column("title_string", sa.Text),
        sa.Column("metadata_created", sa.Text),
        sa.Column("metadata_modified", sa.Text),
        sa.Column("doc", postgresql.JSONB, nullable=False),
        sa.Column("fields", postgresql.JSONB, nullable=False),
        sa.Column("folded", postgresql.JSONB, nullable=False),
        sa.Column("text_exact", postgresql.TSVECTOR, nullable=False),
        sa.Column("text_folded", postgresql.TSVECTOR, nullable=False),
        sa.Column(
            "indexed_at", sa.DateTime(timezone=True),
            nullable=False, server_default=sa.func.now(),
        ),
    )
    op.create_index(
        "nd47_search_document_package_id_idx",
        "nd47_search_document", ["package_id"],
    )
    op.create_index(
        "nd47_search_document_name_idx", "nd47_search_document", ["name"],
    )
    op.create_index(
        "nd47_search_document_permission_labels_idx", "nd47_search_document",
        ["permission_labels"], postgresql_using="gin",
    )
    # field:value filters use jsonb containment (fields @> {"f": ["v"]})
    op.create_index(
        "nd47_search_document_fields_idx", "nd47_search_document",
        ["fields"], postgresql_using="gin",
        postgresql_ops={"fields": "jsonb_path_ops"},
    )
    op.create_index(
        "nd47_search_document_text_folded_idx", "nd47_search_document",
        ["text_folded"], postgresql_using="gin",
    )
    # the default listing order of CKAN is metadata_modified desc
    # NULL instead of an error for values that are not timestamps, so a
    # date range never fails on an odd custom field
    op.execute("""
        CREATE OR REPLACE FUNCTION nd47_search_timestamp(value text)
        RETURNS timestamptz LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
        BEGIN
            RETURN value::timestamptz;
        EXCEPTION WHEN others THEN
            RETURN NULL;
        END $$
    """)
    # Vietnamese alphabetical order for sorting (a < ă < â, d < đ, o < ô <
    # ơ) from ICU; PostgreSQL builds without ICU fall back to code points.
    op.execute("""
        DO $$
        BEGIN
            CREATE COLLATION IF NOT EXISTS nd47_search_vi
                (provider = icu, locale = 'vi');
        EXCEPTION WHEN others THEN
            CREATE COLLATION IF NOT EXISTS nd47_search_vi FROM "C";
        END $$
    """)
    # the listings CKAN offers: by title, by modification or creation date
    op.execute(
        "CREATE INDEX nd47_search_document_title_idx ON nd47_search_document"
        " (title_string COLLATE nd47_search_vi)")
    op.create_index("nd47_search_document_modified_idx",
                    "nd47_search_document", ["metadata_modified"])
    op.create_index("nd47_search_document_created_idx",
                    "nd47_search_document", ["metadata_created"])


def downgrade():
    op.drop_table("nd47_search_document")
    op.execute("DROP FUNCTION IF EXISTS nd47_search_timestamp(text)")
    op.execute("DROP COLLATION IF EXISTS nd47_search_vi")
