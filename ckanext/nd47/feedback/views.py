"""Web pages of data requests and dataset ratings.

Every page calls the ``nd47_request_*`` / ``nd47_rating_*`` actions as the
current user, so the pages can do exactly what the API lets that user do.
Refusals come back to the user as pages, never as server errors: a
validation error is shown at its field (forms) or as a flash message
(buttons), a refused permission is a 403, an unknown request a 404, and an
anonymous user who presses a button is sent to log in first.
"""
from __future__ import annotations

import csv
import io
from typing import Any, Callable, Optional, Union

from flask import Blueprint, make_response
from werkzeug.wrappers.response import Response as WerkzeugResponse

import ckan.plugins.toolkit as tk
from ckan.lib.pagination import Page  # the toolkit has no pager
from ckan.types import Context

from ckanext.nd47 import config, language
from ckanext.nd47.feedback import workflow
from ckanext.nd47.feedback.score import TERMS

__all__ = ["nd47_request"]

nd47_request = Blueprint("nd47_request", __name__)

PageResult = Union[str, WerkzeugResponse, tuple[str, int]]

PER_PAGE = 20
CSV_DEFAULT_LIMIT = 100
#: filters of the list page, as they appear in its query string
LIST_FILTERS = ("q", "status", "organization", "sector", "requester_type",
                "kind", "overdue", "sort")


# --- calling the actions -----------------------------------------------------

def _context() -> Context:
    return {"user": tk.current_user.name,
            "auth_user_obj": tk.current_user}


def _call(action: str, data_dict: dict[str, Any]) -> Any:
    return tk.get_action(action)(_context(), data_dict)


def _logged_in() -> bool:
    return bool(tk.current_user.is_authenticated)


def _login(next_url: str) -> WerkzeugResponse:
    tk.h.flash_notice(tk._("Please log in first."))
    return tk.redirect_to("user.login", next=next_url)


def _messages(error: tk.ValidationError) -> list[str]:
    """The bilingual lines of a refusal, each once."""
    lines: list[str] = []
    for value in (error.error_dict or {}).values():
        for line in value if isinstance(value, list) else [value]:
            if str(line) not in lines:
                lines.append(str(line))
    return lines


def _field_errors(error: tk.ValidationError) -> dict[str, list[str]]:
    return {key: [str(v) for v in (value if isinstance(value, list)
                                   else [value])]
            for key, value in (error.error_dict or {}).items()}


def _read_url(request_id: str) -> str:
    return tk.url_for("nd47_request.read", id=request_id)


def _button(action: str, data_dict: dict[str, Any], back: str,
            done: Callable[[Any], str]) -> WerkzeugResponse:
    """A button of a page: run the action, say what happened, go back."""
    if not _logged_in():
        return _login(back)
    try:
        result = _call(action, data_dict)
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ObjectNotFound as error:
        return tk.abort(404, str(error))
    except tk.ValidationError as error:
        for line in _messages(error):
            tk.h.flash_error(line)
        return tk.redirect_to(back)
    tk.h.flash_success(done(result))
    return tk.redirect_to(back)


# --- choices of the forms ----------------------------------------------------

def agencies() -> list[dict[str, str]]:
    """The active agencies, by title, for the agency selects (the full form
    of organization_list comes in pages of at most 25)."""
    result: list[dict[str, str]] = []
    while True:
        batch = tk.get_action("organization_list")(_context(), {
            "all_fields": True, "include_dataset_count": False,
            "limit": 1000, "offset": len(result)})
        if not batch:
            break
        result += [{"id": org["id"], "name": org["name"],
                    "title": org["title"] or org["name"]} for org in batch]
    return sorted(result, key=lambda org: org["title"].casefold())


# --- the list ----------------------------------------------------------------

@nd47_request.route("/data-request")
def index() -> PageResult:
    args = tk.request.args
    chosen = {key: args.get(key, "").strip() for key in LIST_FILTERS}
    chosen["sort"] = chosen["sort"] or "priority"
    page_number = tk.h.get_page_number(args)
    data_dict = {key: value for key, value in chosen.items() if value}
    data_dict.update(limit=PER_PAGE, offset=(page_number - 1) * PER_PAGE)
    errors: list[str] = []
    try:
        found = _call("nd47_request_list", data_dict)
    except tk.ValidationError as error:
        errors = _messages(error)
        found = {"count": 0, "results": []}
    kept = {key: value for key, value in chosen.items() if value}

    def pager_url(page: int, **_: Any) -> str:
        return tk.url_for("nd47_request.index", **kept, page=page)

    page = Page(collection=found["results"], page=page_number,
                url=pager_url, item_count=found["count"],
                items_per_page=PER_PAGE)
    page.items = found["results"]
    extra_vars = {"page": page, "chosen": chosen, "errors": errors,
                  "agencies": agencies(), "filtered": bool(
                      {k for k in kept if k != "sort"})}
    rendered = tk.render("nd47/request/index.html", extra_vars)
    return (rendered, 400) if errors else rendered


# --- asking for data ---------------------------------------------------------

_NEW_FIELDS = ("title", "description", "purpose", "requester_type", "sector",
               "organization")


@nd47_request.route("/data-request/new", methods=["GET", "POST"])
def new() -> PageResult:
    if not _logged_in():
        return _login(tk.url_for("nd47_request.new"))
    data: dict[str, Any] = {"requester_type": "citizen"}
    if tk.request.args.get("organization"):
        data["organization"] = tk.request.args["organization"]
    errors: dict[str, list[str]] = {}
    if tk.request.method == "POST":
        form = tk.request.form
        data = {key: form.get(key, "") for key in _NEW_FIELDS}
        try:
            created = _call("nd47_request_create", data)
        except tk.NotAuthorized as error:
            return tk.abort(403, str(error))
        except tk.ValidationError as error:
            errors = _field_errors(error)
        else:
            tk.h.flash_success(tk._(
                "Your data request has been sent to the agency. You "
                "support and follow it: you will be told by email when "
                "its status changes."))
            return tk.redirect_to("nd47_request.read", id=created["id"])
    return tk.render("nd47/request/new.html", {
        "data": data, "errors": errors, "agencies": agencies()})


# --- one request -------------------------------------------------------------

def _show(request_id: str) -> dict[str, Any]:
    try:
        return _call("nd47_request_show", {"id": request_id})
    except (tk.ObjectNotFound, tk.ValidationError):
        return tk.abort(404, tk._("Data request not found"))
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))


def _render_read(request: dict[str, Any], form: Optional[str] = None,
                 data: Optional[dict[str, Any]] = None,
                 errors: Optional[dict[str, list[str]]] = None) -> str:
    """The request's page; ``form`` names the form (comment, transition,
    reassign) to show again with the values and errors of a refused
    post."""
    known = agencies()
    extra_vars = {
        "request_dict": request,
        "moves": [status for status in workflow.STATUS_LABELS
                  if workflow.allowed(request["status"], status)],
        "agencies": known,
        "agency_titles": {agency["id"]: agency["title"] for agency in known},
        "response_days": config.response_days(),
        "failed_form": form, "data": data or {}, "errors": errors or {},
    }
    return tk.render("nd47/request/read.html", extra_vars)


@nd47_request.route("/data-request/<id>")
def read(id: str) -> PageResult:
    return _render_read(_show(id))


def _form(action: str, id: str, form: str, fields: tuple[str, ...],
          done: Callable[[dict[str, Any]], str]) -> PageResult:
    """A form of the request's page: run the action; a refusal shows the
    page again with the values typed and the errors at their fields."""
    back = _read_url(id)
    if not _logged_in():
        return _login(back)
    data = {key: tk.request.form.get(key, "") for key in fields}
    try:
        result = _call(action, {**data, "id": id})
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ObjectNotFound as error:
        return tk.abort(404, str(error))
    except tk.ValidationError as error:
        return _render_read(_show(id), form, data, _field_errors(error))
    tk.h.flash_success(done(result))
    return tk.redirect_to(back)


@nd47_request.route("/data-request/<id>/comment", methods=["POST"])
def comment(id: str) -> PageResult:
    return _form("nd47_request_comment_create", id, "comment", ("text",),
                 lambda _: tk._("Your comment has been added."))


@nd47_request.route("/data-request/<id>/transition", methods=["POST"])
def transition(id: str) -> PageResult:
    def done(result: dict[str, Any]) -> str:
        return tk._("The request is now: {status}").format(
            status=language.text(workflow.STATUS_LABELS[result["status"]]))
    return _form("nd47_request_transition", id, "transition",
                 ("status", "reason", "target_date", "dataset",
                  "decline_ground"), done)


@nd47_request.route("/data-request/<id>/reassign", methods=["POST"])
def reassign(id: str) -> PageResult:
    def done(result: dict[str, Any]) -> str:
        return tk._("The request has been handed to {agency}.").format(
            agency=result["organization"]["title"])
    return _form("nd47_request_reassign", id, "reassign",
                 ("organization", "reason"), done)


@nd47_request.route("/data-request/<id>/vote", methods=["POST"])
def vote(id: str) -> PageResult:
    return _button(
        "nd47_request_vote",
        {"id": id,
         "supporter_type": tk.request.form.get("supporter_type", "")},
        _read_url(id), lambda _: tk._("You support this request."))


@nd47_request.route("/data-request/<id>/unvote", methods=["POST"])
def unvote(id: str) -> PageResult:
    return _button("nd47_request_unvote", {"id": id}, _read_url(id),
                   lambda _: tk._("You no longer support this request."))


@nd47_request.route("/data-request/<id>/follow", methods=["POST"])
def follow(id: str) -> PageResult:
    return _button(
        "nd47_request_follow", {"id": id}, _read_url(id),
        lambda _: tk._("You follow this request: you will be told by "
                       "email when its status changes."))


@nd47_request.route("/data-request/<id>/unfollow", methods=["POST"])
def unfollow(id: str) -> PageResult:
    return _button("nd47_request_unfollow", {"id": id}, _read_url(id),
                   lambda _: tk._("You no longer follow this request."))


@nd47_request.route("/data-request/<id>/comment/<comment_id>/delete",
                    methods=["POST"])
def comment_delete(id: str, comment_id: str) -> PageResult:
    return _button("nd47_request_comment_delete", {"id": comment_id},
                   _read_url(id),
                   lambda _: tk._("Your comment has been deleted."))


@nd47_request.route("/data-request/<id>/comment/<comment_id>/hide",
                    methods=["POST"])
def comment_hide(id: str, comment_id: str) -> PageResult:
    return _button("nd47_request_comment_hide",
                   {"id": comment_id,
                    "reason": tk.request.form.get("reason", "")},
                   _read_url(id),
                   lambda _: tk._("The comment has been hidden."))


# --- the priority queue ------------------------------------------------------

def _queue_agency() -> Optional[dict[str, Any]]:
    """The agency of an agency queue (``?organization=``), None for the
    province's."""
    name = tk.request.args.get("organization", "").strip()
    if not name:
        return None
    try:
        agency: dict[str, Any] = tk.get_action("organization_show")(
            _context(), {"id": name, "include_datasets": False,
                         "include_users": False})
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return tk.abort(404, tk._("Agency not found"))
    if not agency.get("is_organization"):
        return tk.abort(404, tk._("Agency not found"))
    return agency


@nd47_request.route("/data-request/queue")
def queue() -> PageResult:
    agency = _queue_agency()
    page_number = tk.h.get_page_number(tk.request.args)
    data_dict: dict[str, Any] = {"limit": PER_PAGE,
                                 "offset": (page_number - 1) * PER_PAGE}
    if agency:
        data_dict["organization"] = agency["id"]
    try:
        found = _call("nd47_request_queue", data_dict)
    except tk.ValidationError as error:  # a page number past the end
        return tk.abort(400, "; ".join(_messages(error)))
    kept = {"organization": agency["name"]} if agency else {}

    def pager_url(page: int, **_: Any) -> str:
        return tk.url_for("nd47_request.queue", **kept, page=page)

    page = Page(collection=found["results"], page=page_number,
                url=pager_url, item_count=found["count"],
                items_per_page=PER_PAGE)
    page.items = found["results"]
    return tk.render("nd47/request/queue.html", {
        "page": page, "agency": agency, "agencies": agencies(),
        "rank_offset": (page_number - 1) * PER_PAGE,
        "metrics": _call("nd47_request_metrics", {})})


CSV_COLUMNS = ("rank", "id", "title", "agency", "status", "supporters",
               "comments", "score",
               *(f"{term}_contribution" for term in TERMS),
               "created", "response_due", "overdue", "url")


def _cell(value: Any) -> Any:
    """A text cell that a spreadsheet will not run as a formula (titles
    are typed by anyone)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t",
                                                "\r"):
        return "'" + value
    return value


def queue_rows(results: list[dict[str, Any]]) -> list[list[Any]]:
    rows = []
    for rank, item in enumerate(results, start=1):
        terms = {t["term"]: t["contribution"]
                 for t in item["priority"]["terms"]}
        rows.append([_cell(v) for v in (
            rank, item["id"], item["title"],
            (item["organization"] or {}).get("title", ""), item["status"],
            item["supporters"], item["comments"], item["priority"]["score"],
            *(terms[term] for term in TERMS),
            item["created"], item["response_due"],
            "true" if item["overdue"] else "false",
            tk.url_for("nd47_request.read", id=item["id"], _external=True))])
    return rows


@nd47_request.route("/data-request/queue.csv")
def queue_csv() -> PageResult:
    """The top of the queue as CSV, UTF-8 with a byte-order mark so that
    Excel shows Vietnamese."""
    agency = _queue_agency()
    data_dict: dict[str, Any] = {
        "limit": tk.request.args.get("limit", "").strip() or
        CSV_DEFAULT_LIMIT}
    if agency:
        data_dict["organization"] = agency["id"]
    try:
        found = _call("nd47_request_queue", data_dict)
    except tk.ValidationError as error:
        return tk.abort(400, "; ".join(_messages(error)))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(queue_rows(found["results"]))
    name = f"yeu-cau-du-lieu-{agency['name']}.csv" if agency \
        else "yeu-cau-du-lieu.csv"
    return make_response(
        ("\ufeff" + out.getvalue()).encode("utf-8"), 200,
        {"Content-Type": "text/csv; charset=utf-8",
         "Content-Disposition": f'attachment; filename="{name}"'})


# --- ratings and problem reports on dataset pages ----------------------------

def _dataset_url(id: str) -> str:
    """The page of the dataset, whatever its type."""
    try:
        dataset = tk.get_action("package_show")(_context(), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("No such dataset"))
    return tk.url_for(f"{dataset['type']}.read", id=dataset["name"])


@nd47_request.route("/dataset/<id>/rating", methods=["POST"])
def rate(id: str) -> PageResult:
    form = tk.request.form
    return _button(
        "nd47_rating_create",
        {"dataset": id, "stars": form.get("stars", ""),
         "reason": form.get("reason", ""), "comment": form.get("comment", ""),
         "requester_type": form.get("requester_type", "")},
        _dataset_url(id), lambda _: tk._("Thank you: your rating is saved."))


@nd47_request.route("/dataset/<id>/rating/delete", methods=["POST"])
def unrate(id: str) -> PageResult:
    return _button("nd47_rating_delete", {"dataset": id}, _dataset_url(id),
                   lambda _: tk._("Your rating has been withdrawn."))


@nd47_request.route("/dataset/<id>/report", methods=["POST"])
def report(id: str) -> PageResult:
    back = _dataset_url(id)
    if not _logged_in():
        return _login(back)
    form = tk.request.form
    try:
        request = _call("nd47_dataset_report", {
            "dataset": id, "text": form.get("text", ""),
            "requester_type": form.get("requester_type", "")})
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ObjectNotFound as error:
        return tk.abort(404, str(error))
    except tk.ValidationError as error:
        for line in _messages(error):
            tk.h.flash_error(line)
        return tk.redirect_to(back)
    tk.h.flash_success(tk._(
        "Your report has been added to the improvement request of this "
        "dataset; the agency has been told."))
    return tk.redirect_to("nd47_request.read", id=request["id"])
