"""CKAN's ``package_search`` with its input checked first (see
``ckanext/nd47/search/params.py`` for what CKAN itself fails on) and its
refusals in Vietnamese and English."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SearchError, SearchQueryError
from ckan.types import Action, Context, DataDict

from ckanext.nd47.logic.validators import message
from ckanext.nd47.search import params
from ckanext.nd47.search.lucene import QuerySyntaxError
from ckanext.nd47.search.seam import SearchSyntaxError

__all__ = ["package_search"]


@tk.chained_action
@tk.side_effect_free
def package_search(up_func: Action, context: Context,
                   data_dict: DataDict) -> Any:
    """CKAN's dataset search (same parameters and result), refusing with
    HTTP 409 and a bilingual message what CKAN would fail on or what would
    cost without bound: parameters of the wrong type, NUL or lone
    surrogates, more than 50 facet fields, 100 ``fl`` fields or 50
    ``fq_list`` filters, a ``q``/``fq`` longer than 4,000 characters,
    ``start`` beyond 10⁹.

    :param q: the query (Solr syntax, free text when it has no colon)
    :type q: string
    :param fq: a filter query
    :type fq: string
    :param fq_list: more filter queries
    :type fq_list: list of strings
    :param sort: ``field asc|desc`` clauses, comma-separated
    :type sort: string
    :param rows: page size (at most ``ckan.search.rows_max``)
    :type rows: int
    :param start: offset of the first result
    :type start: int
    :param fl: fields of each result
    :type fl: list of strings or string
    :param facet.field: fields to count values of
    :type facet.field: list of strings (or its JSON)
    :param facet.limit: values per facet field (at most 1,000)
    :type facet.limit: int
    :param facet.mincount: the smallest count listed
    :type facet.mincount: int
    :param include_private: include private datasets the user may see
    :type include_private: bool
    :param include_drafts: include the user's drafts
    :type include_drafts: bool
    """
    try:
        params.check(data_dict)
        return up_func(context, data_dict)
    except QuerySyntaxError as error:
        raise SearchSyntaxError(str(error)) from None
    except SearchSyntaxError:
        raise
    except SearchQueryError as error:
        # CKAN's own refusals (an unknown parameter…) are in English only
        raise SearchQueryError(message(
            "Tham số tìm kiếm không hợp lệ", _english(error))) from None
    except SearchError as error:
        # e.g. "Magic fields are not supported", "Local parameters…"
        raise SearchSyntaxError(message(
            "Truy vấn tìm kiếm không được hỗ trợ", _english(error))) from None


def _english(error: Exception) -> str:
    return " ".join(str(arg) for arg in error.args) or type(error).__name__
