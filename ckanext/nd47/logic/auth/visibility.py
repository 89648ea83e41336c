"""CKAN's own auth functions, chained so that a dataset the caller cannot
see is refused as a missing one (see ``ckanext.nd47.visibility``)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthFunction, AuthResult, Context, DataDict

from ckanext.nd47 import visibility

__all__ = ["package_show"]


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def package_show(next_auth: AuthFunction, context: Context,
                 data_dict: DataDict) -> AuthResult:
    """Whoever may not read a dataset is told it is not found, with the
    message of a missing one (CKAN answers 403 with the dataset's id).
    Everything that asks whether a dataset may be read goes through
    here: package_show, resource_show, the activity lists and activities
    of a dataset, the nd47 ratings and compliance reports."""
    try:
        result = next_auth(context, data_dict)
    except tk.ObjectNotFound:
        raise tk.ObjectNotFound(visibility.DATASET_NOT_FOUND) from None
    if not result.get("success"):
        raise tk.ObjectNotFound(visibility.DATASET_NOT_FOUND)
    return result
