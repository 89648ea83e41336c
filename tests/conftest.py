"""Shared fixtures: CKAN's own pytest plugin (``--ckan-ini=test.ini``) runs
every test against the real PostgreSQL and Redis started by ``./bin/dev test``."""
from __future__ import annotations

from typing import Iterator

import pytest

import ckan.plugins as p
import ckan.plugins.toolkit as tk


@pytest.fixture(scope="session", autouse=True)
def nd47_plugins() -> Iterator[None]:
    """Load the plugins of test.ini for the whole session.

    CKAN's ``with_plugins`` loads them per test, which is too late for
    module-scoped catalogues, and without ``nd47_search`` nothing can be
    indexed at all on a machine without Solr.
    """
    names = tk.aslist(tk.config.get("ckan.plugins"))
    p.load(*names)
    yield
    p.unload(*reversed(names))


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """CKAN's clean database plus the tables of our own migrations."""
    reset_db()
    migrate_db_for("nd47_search")
    migrate_db_for("nd47")
