"""Web pages of the portal's own: error handling here, the data-request
and rating pages in ``feedback/views.py``."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.nd47.compliance import gate
from ckanext.nd47.dcat.views import nd47_dcat
from ckanext.nd47.feedback.views import nd47_request
from ckanext.nd47.request_guard import nd47_request_guard
from ckanext.nd47.search.views import nd47_search_page
from ckanext.nd47.security_headers import nd47_security
from ckanext.nd47.signup import nd47_signup
from ckanext.nd47.uploads import nd47_uploads

__all__ = ["nd47", "nd47_dcat", "nd47_request", "nd47_request_guard",
           "nd47_signup", "nd47_security", "nd47_search_page",
           "nd47_uploads"]

nd47 = Blueprint("nd47", __name__)


@nd47.app_errorhandler(tk.ValidationError)
def refused(error: tk.ValidationError) -> Any:
    """A refusal that a CKAN page did not catch itself becomes a 409 page
    instead of a server error.

    The case that matters: "Finish" on the add-data step publishes a new
    dataset through package_update without catching its refusal, so a
    dataset failing a blocking rule would end in a 500. The steward is
    sent back to the dataset's form (still a draft, nothing lost) with the
    failing rules shown.
    """
    lines = [str(line) for key in (gate.ERROR_KEY, "private")
             for line in error.error_dict.get(key, [])]
    args = tk.request.view_args or {}
    if lines and args.get("id") and args.get("package_type"):
        for line in lines:
            tk.h.flash_error(line)
        return tk.redirect_to(f"{args['package_type']}.edit", id=args["id"])
    summary = lines or [f"{field}: {message}" for field, message
                        in error.error_summary.items()]
    return tk.render("nd47/refused.html", {"errors": summary}), 409
