"""The one module where ckanext-nd47 reaches inside CKAN: the search seam.

CKAN 2.11 offers no plugin interface for a search backend. Its own search
index and query classes (``PackageSearchIndex``, ``PackageSearchQuery`` and
``clear_index`` in ``ckan.lib.search.index`` / ``.query``) build Solr
documents and Solr parameters and send them through the module-level
``make_connection()``. We rebind that name in those two modules to a factory
that hands out a :class:`PostgresSearchConnection` while the ``nd47_search``
plugin is loaded, and CKAN's own Solr connection otherwise — so switching the
plugin off with ``solr_url`` set gives stock Solr behaviour back. Everything
else (permission labels, drafts, private datasets, ``before_dataset_index``,
``search-index rebuild``) stays CKAN's own code.

``check_solr_schema_version`` (run at start-up) is skipped while the plugin is
loaded, because there is no Solr schema to check.
"""
from __future__ import annotations

import functools
import logging
import threading
from typing import Any, Callable

import sqlalchemy as sa

import ckan.lib.search as ckan_search
import ckan.lib.search.index as ckan_search_index
import ckan.lib.search.query as ckan_search_query
import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SearchError

from ckanext.nd47.search.connection import PostgresSearchConnection
from ckanext.nd47.search.lucene import QuerySyntaxError

log = logging.getLogger(__name__)

PLUGIN_NAME = "nd47_search"

_originals: dict[str, Callable[..., Any]] = {}


class SearchSyntaxError(SearchError):
    """Bad search input; CKAN answers it with HTTP 409 and this message."""


def _user_errors(method: Callable[..., Any]) -> Callable[..., Any]:
    """Turn bad queries into CKAN's search error (HTTP 409), never a 500."""
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except QuerySyntaxError as error:
            raise SearchSyntaxError(str(error)) from None
        except RecursionError:
            # a query the translator took apart but SQLAlchemy cannot
            # compile: too deep, whichever part nested
            raise SearchSyntaxError(
                "Truy vấn lồng nhau quá sâu / The query is nested too deeply"
            ) from None
        except sa.exc.DataError as error:
            log.warning("Search query rejected by PostgreSQL: %s", error)
            raise SearchSyntaxError(
                "Không thực hiện được truy vấn tìm kiếm với giá trị đã nhập / "
                "The search query could not be run with the values given"
            ) from None
    return wrapper


class _CkanSearchConnection(PostgresSearchConnection):
    search = _user_errors(PostgresSearchConnection.search)
    delete = _user_errors(PostgresSearchConnection.delete)


# Searches get a connection pool of their own. A request already holds one
# connection of CKAN's pool in its ORM session (from the auth checks on)
# when the search asks for a second: with CKAN's pool shared, 16 parallel
# searches held all 15 connections in their sessions and each waited for
# another until the pool's 30 s timeout (a server error). From a pool of
# its own a search never waits on a connection its own request holds.
_engines: dict[str, sa.engine.Engine] = {}
_engines_lock = threading.Lock()


def search_engine() -> sa.engine.Engine:
    """The search's own engine on CKAN's database, with CKAN's
    ``sqlalchemy.*`` options."""
    url = model.meta.engine.url
    key = str(url.render_as_string(hide_password=False))
    with _engines_lock:
        if key not in _engines:
            options = {k: v for k, v in tk.config.items()
                       if k.startswith("sqlalchemy.") and k != "sqlalchemy.url"}
            options.setdefault("sqlalchemy.pool_pre_ping", True)
            _engines[key] = sa.engine_from_config(options, url=url)
        return _engines[key]


def _make_connection(decode_dates: bool = True) -> Any:
    if p.plugin_loaded(PLUGIN_NAME):
        return _CkanSearchConnection(search_engine())
    return _originals["make_connection"](decode_dates)


def _check_solr_schema_version(schema_file: Any = None) -> bool:
    if p.plugin_loaded(PLUGIN_NAME):
        return False
    return _originals["check_solr_schema_version"](schema_file)


def install() -> None:
    """Route CKAN's search through PostgreSQL while the plugin is loaded.

    Idempotent; the replaced functions fall back to CKAN's originals when
    the plugin is not loaded, so nothing needs undoing on unload.
    """
    if _originals:
        return
    _originals["make_connection"] = ckan_search_index.make_connection
    _originals["check_solr_schema_version"] = (
        ckan_search.check_solr_schema_version)
    ckan_search_index.make_connection = _make_connection
    ckan_search_query.make_connection = _make_connection
    ckan_search.check_solr_schema_version = _check_solr_schema_version
