"""Catalogue entries already written as Turtle, for the streamed export.

Writing a dataset through the DCAT-AP profile costs several milliseconds;
the full export (``ckan nd47 export-dcat``, ``/catalog/export.ttl``) keeps
each dataset's Turtle here and writes it again only when its
``fingerprint`` changes: the dataset's ``metadata_modified``, its agency's
details, the site URL, the rulebook, the prefix table or the versions of
ckanext-nd47 and ckanext-dcat. What depends on the day (the compliance
status) is never kept here; the export adds it as it streams. A row is a
cache: deleting any or all rows only makes the next export slower.
"""
from __future__ import annotations

import sqlalchemy as sa

import ckan.plugins.toolkit as tk

dcat_entry = sa.Table(
    "nd47_dcat_entry",
    tk.BaseModel.metadata,
    sa.Column("package_id", sa.Text,
              sa.ForeignKey("package.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("fingerprint", sa.Text, nullable=False),
    sa.Column("turtle", sa.Text, nullable=False),
    sa.Column("written_at", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    extend_existing=True,
)
