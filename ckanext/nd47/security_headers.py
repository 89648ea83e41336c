"""Security headers on every response, and uploaded files served so that
they never run in the portal's origin.

Every response (pages, API, DCAT, static files, error pages) gets
``X-Content-Type-Options: nosniff``, ``X-Frame-Options: SAMEORIGIN``,
``Referrer-Policy: strict-origin-when-cross-origin`` and the page
Content-Security-Policy. An uploaded file (a resource download or a file
under ``/uploads/``) gets the upload policy instead, whose ``sandbox``
gives it an origin of its own, and unless its media type is on the inline
list it is sent as an attachment, so opening its link downloads it.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import re
from html.parser import HTMLParser
from typing import Optional

import flask
from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.nd47 import config

__all__ = ["nd47_security"]

log = logging.getLogger(__name__)

nd47_security = Blueprint("nd47_security", __name__)

#: CKAN 2.11's upload/link widget of the resource form, which has inline
#: onclick handlers; their hashes are allowed in script-src
UPLOAD_WIDGET = "package/snippets/resource_upload_field.html"

_handler_hashes: Optional[list[str]] = None


class _Handlers(HTMLParser):
    """Collects the inline event handler attributes (``on…``) of HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str,
                        attrs: list[tuple[str, Optional[str]]]) -> None:
        self.found.extend(value for name, value in attrs
                          if name.startswith("on") and value)


def inline_handlers(html: str) -> list[str]:
    """The inline event handlers of ``html``, as the browser hashes them
    (entities decoded)."""
    parser = _Handlers()
    parser.feed(html)
    parser.close()
    return parser.found


def csp_hash(source: str) -> str:
    """The CSP source expression allowing that exact inline script."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _widget_handler_hashes() -> list[str]:
    """The hashes of the upload widget's handlers in each of its states,
    rendered once per process from the template in use (so they follow a
    CKAN upgrade or a template override)."""
    global _handler_hashes
    if _handler_hashes is None:
        handlers: set[str] = set()
        try:
            for enabled in (True, False):
                for existing in (True, False):
                    handlers.update(inline_handlers(tk.render_snippet(
                        UPLOAD_WIDGET, {
                            "data": {"url": "file.csv"} if existing else {},
                            "errors": {}, "is_url": False,
                            "is_upload": existing,
                            "is_upload_enabled": enabled})))
        except Exception:  # a broken widget must not break every page
            log.exception("cannot render %s for its handler hashes",
                          UPLOAD_WIDGET)
            return []
        _handler_hashes = sorted(csp_hash(h) for h in handlers)
    return _handler_hashes


def page_policy() -> str:
    """The Content-Security-Policy of a page: the configured one, with
    ``'unsafe-hashes'`` and the upload widget's handler hashes added to a
    ``script-src`` that does not allow inline scripts already."""
    policy = config.content_security_policy()
    match = re.search(r"(?:^|;)\s*script-src(?=[\s;]|$)([^;]*)", policy)
    if not match or "'unsafe-inline'" in match.group(1):
        return policy
    extra = " ".join(["'unsafe-hashes'", *_widget_handler_hashes()])
    return policy[:match.end()] + " " + extra + policy[match.end():]


def _serves_upload() -> bool:
    request = flask.request
    # CKAN's resource download view: each dataset type has a blueprint of
    # its own (dataset_resource, database_resource, …) for the same view,
    # which is known by its module and name (CKAN imports the module anew
    # for the blueprints, so an identity test would not hold)
    view = flask.current_app.view_functions.get(request.endpoint or "")
    return (getattr(view, "__module__", "") == "ckan.views.resource"
            and getattr(view, "__name__", "") == "download") \
        or request.path.startswith("/uploads/")


def _as_upload(response: flask.Response) -> None:
    headers = response.headers
    policy = config.upload_content_security_policy()
    if policy:
        headers["Content-Security-Policy"] = policy
    if (response.mimetype or "").lower() not in config.upload_inline_types():
        disposition = headers.get("Content-Disposition", "")
        rest = disposition[disposition.index(";"):] \
            if ";" in disposition else ""
        headers["Content-Disposition"] = "attachment" + rest


@nd47_security.after_app_request
def add_security_headers(response: flask.Response) -> flask.Response:
    """Add the security headers to every response of the portal."""
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    # a 304 too: the browser merges its headers into the cached file's
    if _serves_upload() and (response.status_code < 300
                             or response.status_code == 304):
        _as_upload(response)
    elif "Content-Security-Policy" not in headers:
        policy = page_policy()
        if policy:
            headers["Content-Security-Policy"] = policy
    return response
