"""The search index table of the PostgreSQL search backend.

One row per indexed dataset: the document exactly as CKAN built it for Solr
(``doc``, returned for ``fl``), every field flattened to an array of strings
(``fields``, for ``fq`` filters and facets), folded text of the full-text
fields (``folded``, for fielded text queries) and two weighted tsvectors: one
of the lower-cased original text, one of the diacritic-free text.

The fields CKAN puts in every query (site, state, capacity, dataset type,
permission labels), the identifiers and the sort keys of CKAN's listings are
also real columns: PostgreSQL keeps statistics on columns but not inside
jsonb (without them it takes "every dataset is public" for a selective
filter), and a sort must not unpack the large ``doc`` of every row.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import ckan.plugins.toolkit as tk

search_document = sa.Table(
    "nd47_search_document",
    tk.BaseModel.metadata,
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
    extend_existing=True,
)
