"""Picture addresses of users and groups: http(s) or an uploaded file.

Datasets, resources and agencies check their addresses in the scheming
schemas (``nd47_link_url``, ``nd47_image_url``); users and groups keep
CKAN's own schemas, which take any text as ``image_url``, so their create
and update actions are held to the same rule here before CKAN runs.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.nd47.logic.validators import safe_url_problem

__all__ = ["user_create", "user_update", "group_create", "group_update"]


def _check_image_url(data_dict: DataDict) -> None:
    value = data_dict.get("image_url")
    if not value:
        return
    problem = (safe_url_problem(value, ("http", "https"), allow_bare=True)
               if isinstance(value, str) else "image_url")
    if problem:
        raise tk.ValidationError({"image_url": [problem]})


def _with_safe_image_url(name: str) -> Action:
    def action(up_func: Action, context: Context, data_dict: DataDict) -> Any:
        _check_image_url(data_dict)
        return up_func(context, data_dict)

    action.__name__ = action.__qualname__ = name
    action.__doc__ = (f"CKAN's ``{name}``, with ``image_url`` held to "
                      "http(s) or an uploaded file's name.")
    return tk.chained_action(action)


user_create = _with_safe_image_url("user_create")
user_update = _with_safe_image_url("user_update")
group_create = _with_safe_image_url("group_create")
group_update = _with_safe_image_url("group_update")
