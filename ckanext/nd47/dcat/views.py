"""Web side of the DCAT export: the own vocabulary as Turtle, the full
export, and the catalogue and dataset RDF pages answered through the
DCAT actions, whose refusals (``ckanext/nd47/dcat/request.py``) become
plain-text 400 and 404 answers."""
from __future__ import annotations

from typing import Any, Iterator

from flask import Blueprint, Response, make_response, stream_with_context

import ckan.plugins.toolkit as tk
from ckanext.dcat.utils import CONTENT_TYPES, check_access_header

from ckanext.nd47.dcat import export, request, throttle, vocabulary

__all__ = ["nd47_dcat"]

nd47_dcat = Blueprint("nd47_dcat", __name__)

_CATALOGUE = "dcat.read_catalog"
_DATASET = ("dcat.read_dataset", "dcat.read_dataset_series")


@nd47_dcat.route("/ns/nd47.ttl")
def own_vocabulary() -> Any:
    response = make_response(vocabulary.graph().serialize(format="turtle"))
    response.headers["Content-Type"] = "text/turtle; charset=utf-8"
    return response


@nd47_dcat.route("/catalog/export.<_format>")
def export_catalogue(_format: str) -> Any:
    """The whole open catalogue as one Turtle document, streamed."""
    if _format != "ttl":
        return _refuse(400, (
            f"Bản xuất toàn bộ chỉ có dạng Turtle (ttl), không có {_format!r}"
            f" / The full export is Turtle (ttl) only, not {_format!r}"))
    try:
        tk.check_access("dcat_catalog_show",
                        {"user": tk.current_user.name}, {})
    except tk.NotAuthorized:
        return _refuse(403, "Không được phép / Not authorized")
    since = tk.request.args.get("modified_since")
    try:
        request.parse_modified_since(since)
    except request.BadRequest as error:
        return _refuse(400, error.text())
    token = throttle.acquire()
    if token is None:
        response = _refuse(429, (
            "Đang có quá nhiều yêu cầu xuất toàn bộ danh mục; xin thử lại "
            "sau ít phút / Too many full exports are running; please try "
            "again in a few minutes"))
        response.headers["Retry-After"] = "60"
        return response

    def pieces() -> Iterator[str]:
        try:
            yield from export.stream(since)
        finally:
            throttle.release(token)

    return Response(stream_with_context(pieces()),
                    content_type="text/turtle; charset=utf-8")


def _refuse(status: int, message: str) -> Any:
    response = make_response(message + "\n", status)
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    return response


@nd47_dcat.before_app_request
def serve_dcat_request() -> Any:
    """ckanext-dcat's catalogue and dataset RDF pages, answered by the
    DCAT actions with their refusals as plain text: 400 for a malformed
    or unsupported parameter, 404 for a page past the end or a dataset
    outside the catalogue. (ckanext-dcat's own views would answer every
    refusal with a 409 and a search error with a server error.) A request
    without an RDF format, by suffix or Accept header, is left to the
    HTML pages."""
    endpoint = tk.request.endpoint
    if endpoint != _CATALOGUE and endpoint not in _DATASET:
        return None
    view_args = tk.request.view_args or {}
    fmt = view_args.get("_format") or check_access_header()
    if not fmt:
        return None
    args = tk.request.args
    data_dict = {"format": fmt, "profiles": args.get("profiles")}
    if endpoint == _CATALOGUE:
        action = "dcat_catalog_show"
        data_dict.update({key: args.get(key) for key in
                          ("page", "modified_since", "q", "fq")})
    else:
        action = "dcat_dataset_show"
        data_dict["id"] = view_args.get("_id")
    try:
        body = tk.get_action(action)({"user": tk.current_user.name},
                                     data_dict)
    except request.BadRequest as error:
        return _refuse(400, error.text())
    except tk.ObjectNotFound as error:
        return _refuse(404, str(error) or request.NOT_FOUND)
    except tk.NotAuthorized:
        return _refuse(403, "Không được phép / Not authorized")
    response = make_response(body)
    response.headers["Content-Type"] = CONTENT_TYPES[fmt]
    return response
