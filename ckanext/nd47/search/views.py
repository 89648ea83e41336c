"""The dataset search page's own parameters, checked before CKAN's view
reads them.

CKAN's ``dataset.search`` view splits ``sort`` itself
(``field.split()[0]`` for each comma-separated clause), which raises
IndexError — a server error — on a blank clause (``?sort=%20``,
``?sort=name asc,``); and it refuses a ``page`` that is not a positive
integer in English only. Everything the view passes on to
``package_search`` is checked there (``logic/action/search.py``).
"""
from __future__ import annotations

import re
from typing import Any, Optional

from flask import Blueprint, current_app

import ckan.plugins.toolkit as tk
import ckan.views.dataset as ckan_dataset_views

from ckanext.nd47.logic.validators import message
from ckanext.nd47.search import params, text

__all__ = ["nd47_search_page"]

nd47_search_page = Blueprint("nd47_search_page", __name__)

_PAGE_RE = re.compile(r"^\s*\+?\d{1,9}\s*$")


def _refusal(args: Any) -> Optional[str]:
    """What is wrong with the search page's ``sort`` or ``page``."""
    for name in ("sort", "page"):
        for value in args.getlist(name):
            if text.is_unstorable(value) or \
                    len(value) > params.MAX_TEXT_LENGTH:
                return message(f"Tham số {name} không hợp lệ",
                               f"The {name} parameter is not valid")
    for sort in args.getlist("sort"):
        if sort and any(not clause.split()
                        for clause in sort.split(",")):
            return message(
                "Tham số sắp xếp không hợp lệ: mỗi mục là 'trường asc|desc', "
                "cách nhau bằng dấu phẩy",
                "Invalid sort parameter: each clause is 'field asc|desc', "
                "separated by commas")
    for page in args.getlist("page"):
        if not _PAGE_RE.match(page) or int(page) < 1:
            return message("Tham số page phải là số nguyên dương",
                           "The page parameter must be a positive integer")
    return None


@nd47_search_page.before_app_request
def check_search_page() -> Any:
    """Answer a dataset search page (of any dataset type) whose ``sort``
    or ``page`` CKAN's view would fail on with a bilingual 400."""
    view = current_app.view_functions.get(tk.request.endpoint or "")
    # each dataset type's blueprint holds its own copy of CKAN's view
    if getattr(view, "__module__", None) != ckan_dataset_views.__name__ or \
            getattr(view, "__name__", None) != "search":
        return None
    refusal = _refusal(tk.request.args)
    if refusal is None:
        return None
    return tk.render("nd47/refused.html", {"errors": [refusal]}), 400
