"""Web side of the DCAT export: the own vocabulary as Turtle, and clear
400/404 answers for catalogue requests ckanext-dcat would turn into a
409 or a server error."""
from __future__ import annotations

from typing import Any, Iterator

from flask import Blueprint, Response, make_response, stream_with_context

import ckan.plugins.toolkit as tk

from ckanext.nd47.dcat import catalogue, export, throttle, vocabulary

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
        catalogue.parse_modified_since(since)
    except catalogue.BadRequest as error:
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


def _served_profiles() -> list[str]:
    return tk.aslist(tk.config.get("ckanext.dcat.rdf.profiles"))


def _refuse(status: int, message: str) -> Any:
    response = make_response(message + "\n", status)
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    return response


@nd47_dcat.before_app_request
def check_dcat_request() -> Any:
    """Unknown formats, bad page numbers and malformed modified_since are
    the client's mistake (400), a page past the end is not found (404)."""
    endpoint = tk.request.endpoint
    if endpoint != _CATALOGUE and endpoint not in _DATASET:
        return None
    fmt = (tk.request.view_args or {}).get("_format")
    if fmt is not None and fmt not in catalogue.FORMATS:
        return _refuse(400, (
            f"Định dạng không được hỗ trợ: {fmt!r}; dùng một trong "
            f"{', '.join(catalogue.FORMATS)} / Unsupported format {fmt!r}; "
            f"use one of {', '.join(catalogue.FORMATS)}"))
    args = tk.request.args
    served = _served_profiles()
    other = set(filter(None, (args.get("profiles") or "").split(","))) \
        - set(served)
    if other:
        # ckanext-dcat would load any installed profile, and the stock ones
        # fail on nd47 datasets (a server error)
        return _refuse(400, (
            f"Cổng chỉ cung cấp hồ sơ RDF / This portal serves the RDF "
            f"profiles: {', '.join(served)} (not {', '.join(sorted(other))})"))
    if endpoint != _CATALOGUE:
        return None
    if args.get("fq"):
        return _refuse(400, (
            "Danh mục công khai không nhận tham số fq; dùng q / "
            "The public catalogue does not take fq; use q"))
    try:
        page = catalogue.parse_page(args.get("page"))
        if page > 1:
            count = catalogue.search({"user": ""}, {
                "q": args.get("q"),
                "modified_since": args.get("modified_since")}, rows=0)
            if page > catalogue.last_page(count["count"]):
                return _refuse(404, (
                    f"Trang {page} vượt quá trang cuối "
                    f"{catalogue.last_page(count['count'])} / Page {page} "
                    f"is past the last page "
                    f"({catalogue.last_page(count['count'])})"))
        else:
            catalogue.parse_modified_since(args.get("modified_since"))
    except catalogue.BadRequest as error:
        return _refuse(400, error.text())
    return None
