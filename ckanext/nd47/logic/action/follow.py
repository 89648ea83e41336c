"""CKAN's own follow and unfollow actions (of datasets, users, groups and
agencies), counted under the ``follows`` rate limit that the data
requests' follow actions share: any signed-in citizen can reach them, and
each follow mails nothing but writes a row.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.nd47.feedback import ratelimit
from ckanext.nd47.logic import roles

__all__ = ["follow_dataset", "follow_user", "follow_group",
           "unfollow_dataset", "unfollow_user", "unfollow_group"]


def _limited(name: str) -> Action:
    def action(up_func: Action, context: Context, data_dict: DataDict) -> Any:
        # CKAN's own auth first, so that a refused caller is not counted
        tk.check_access(name, context, data_dict)
        account = roles.user_object(context.get("user"))
        if account is not None:
            try:
                ratelimit.hit("follows", account)
            except tk.ValidationError as error:
                # CKAN's follow pages show ``error_dict["message"]``, a
                # text, as CKAN's own follow refusals carry it
                raise tk.ValidationError(
                    {"message": error.error_dict["rate_limit"][0]}) from None
        return up_func(context, data_dict)

    action.__name__ = action.__qualname__ = name
    action.__doc__ = (f"CKAN's ``{name}``, counted under the ``follows`` "
                      "rate limit (``ckanext.nd47.rate_limit.follows``).")
    return tk.chained_action(action)


follow_dataset = _limited("follow_dataset")
follow_user = _limited("follow_user")
follow_group = _limited("follow_group")
unfollow_dataset = _limited("unfollow_dataset")
unfollow_user = _limited("unfollow_user")
unfollow_group = _limited("unfollow_group")
