"""Actions of the citizen-feedback queue: data requests, support, comments,
the steward workflow, the priority queue, the response metric, ratings
and problem reports.

Every text is stored as typed (pages escape it); every write happens in
the CKAN session's transaction and is committed unless ``defer_commit``.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.nd47 import config, visibility
from ckanext.nd47.facets import choice_labels
from ckanext.nd47.feedback import notify, ratelimit, store, workflow
from ckanext.nd47.feedback.score import Formula
from ckanext.nd47.logic import roles, schema
from ckanext.nd47.logic.validators import message

__all__ = [
    "nd47_request_create", "nd47_request_show", "nd47_request_list",
    "nd47_request_queue", "nd47_request_metrics", "nd47_request_vote",
    "nd47_request_unvote", "nd47_request_follow", "nd47_request_unfollow",
    "nd47_request_comment_create", "nd47_request_comment_delete",
    "nd47_request_comment_hide", "nd47_request_transition",
    "nd47_request_reassign", "nd47_rating_create", "nd47_rating_delete",
    "nd47_rating_show", "nd47_dataset_report",
]


# --- helpers -------------------------------------------------------------------

def _commit(context: Context) -> None:
    if not context.get("defer_commit"):
        model.Session.commit()


def _account(context: Context) -> model.User:
    account = roles.user_object(context.get("user"))
    if account is None:  # the auth functions let no anonymous write through
        raise tk.NotAuthorized("Xin đăng nhập / Please log in")
    return account


def _refuse(field: str, vi: str, en: str) -> None:
    raise tk.ValidationError({field: [message(vi, en)]})


def _organization_id(id_or_name: str, field: str = "organization") -> str:
    group = model.Group.get(id_or_name)
    if group is None or not group.is_organization or \
            group.state != "active":
        _refuse(field, "Cơ quan không tồn tại", "No such agency")
    assert group is not None
    return str(group.id)


def _check_sector(sector: str) -> Optional[str]:
    if not sector:
        return None
    if sector not in choice_labels("sector"):
        _refuse("sector", "Lĩnh vực không có trong danh sách",
                "Not a sector of the list")
    return sector


def _locked(request_id: str) -> Any:
    request = store.lock_request(request_id)
    if request is None:
        raise tk.ObjectNotFound(
            "Không tìm thấy yêu cầu dữ liệu / Data request not found")
    return request


def _linked(row: Any, prefix: str) -> Optional[dict[str, Any]]:
    """A dataset the request points to, shown only while it is public."""
    if not getattr(row, f"{prefix}_public"):
        return None
    return {"id": getattr(row, "dataset_id" if prefix == "dataset"
                          else "resolution_dataset_id"),
            "name": getattr(row, f"{prefix}_name"),
            # a data-sharing service has its own pages (/data-service/…)
            "type": getattr(row, f"{prefix}_type"),
            "title": getattr(row, f"{prefix}_title")}


def _iso(value: Any) -> Optional[str]:
    return value.isoformat() if value is not None else None


def _title(row: Any, context: Context) -> str:
    """An improvement request names its dataset to those who may see it:
    anyone while it is public, its agency's people and sysadmins after."""
    if row.kind == "improvement" and row.dataset_id and \
            not row.dataset_public and visibility.visible_package_ids(
                context, [row.dataset_id]):
        return f"{store.IMPROVEMENT_TITLE}{row.dataset_title}"
    return str(row.public_title)


def request_dict(row: Any, formula: Formula, now: dt.datetime,
                 window_days: int, context: Context) -> dict[str, Any]:
    """The form of a request row from ``store.search`` that the caller may
    read."""
    due = row.created + dt.timedelta(days=window_days)
    return {
        "id": row.id, "title": _title(row, context),
        "description": row.description,
        "purpose": row.purpose, "requester_type": row.requester_type,
        "sector": row.sector, "kind": row.kind, "status": row.status,
        "organization": ({"id": row.organization_id,
                          "name": row.organization_name,
                          "title": row.organization_title}
                         if row.organization_id else None),
        "dataset": _linked(row, "dataset"),
        "resolution": _linked(row, "resolution"),
        "target_date": _iso(row.target_date),
        "decline_ground": row.decline_ground,
        "response": row.response,
        "creator": row.creator_name,
        "created": _iso(row.created), "modified": _iso(row.modified),
        "answered_at": _iso(row.answered_at),
        "response_due": _iso(due),
        "overdue": bool(row.overdue),
        "supporters": row.supporters,
        "supporters_by_type": store.type_counts(row._mapping),
        "comments": row.comments,
        "low_ratings": row.low_ratings,
        "dataset_usage": row.dataset_usage,
        "priority": formula.explain(row._mapping, now),
    }


def _show(request_id: str, context: Context) -> dict[str, Any]:
    window = config.response_days()
    row = store.detail(request_id, window)
    if row is None:
        raise tk.ObjectNotFound(
            "Không tìm thấy yêu cầu dữ liệu / Data request not found")
    return request_dict(row, Formula.from_config(), store.now(), window,
                        context)


# --- requests -------------------------------------------------------------------

@tk.validate(schema.request_create)
def nd47_request_create(context: Context, data_dict: DataDict
                        ) -> dict[str, Any]:
    """Ask for data that is not on the portal. The requester supports and
    follows the request from the start; the agency's focal point is
    mailed.

    :param title: what data is wanted (at most 200 characters)
    :type title: string
    :param description: what it should contain (at most 5,000 characters)
    :type description: string
    :param purpose: what it will be used for (optional)
    :type purpose: string
    :param requester_type: ``citizen`` (default), ``business``,
        ``researcher`` or ``agency``
    :type requester_type: string
    :param sector: a sector code of the dataset schema, e.g. ``ENVI``
        (optional)
    :type sector: string
    :param organization: id or name of the agency suggested to answer
        (optional; without it the province's sysadmins assign it)
    :type organization: string
    :returns: the request, as ``nd47_request_show`` gives it
    :rtype: dictionary
    """
    tk.check_access("nd47_request_create", context, data_dict)
    account = _account(context)
    values = {
        "title": data_dict["title"],
        "description": data_dict["description"],
        "purpose": data_dict.get("purpose") or "",
        "requester_type": data_dict["requester_type"],
        "sector": _check_sector(data_dict.get("sector") or ""),
        "organization_id": (_organization_id(data_dict["organization"])
                            if data_dict.get("organization") else None),
    }
    ratelimit.hit("requests", account)
    request_id = store.create_request(values, account.id,
                                      data_dict["requester_type"])
    _commit(context)
    notify.enqueue_new_request(request_id)
    return _show(request_id, context)


@tk.side_effect_free
@tk.validate(schema.request_id)
def nd47_request_show(context: Context, data_dict: DataDict
                      ) -> dict[str, Any]:
    """One data request with its priority explained, its comments and its
    full history (who changed what, when and why).

    :param id: the id of the request
    :type id: string
    :returns: the request; ``comments`` (the list; hidden ones only for
        the agency's stewards, marked ``hidden``), ``comment_count`` (the
        visible ones), ``history``, ``followers``
        and ``viewer`` (whether the caller supports or follows it and may
        manage it)
    :rtype: dictionary
    """
    tk.check_access("nd47_request_show", context, data_dict)
    result = _show(data_dict["id"], context)
    account = roles.user_object(context.get("user"))
    user_id = account.id if account else None
    org_id = result["organization"]["id"] if result["organization"] else None
    manager = roles.is_steward(context.get("user"), org_id)
    # the count (visible comments) stays beside the list, which holds
    # hidden ones too for the agency's stewards
    result["comment_count"] = result["comments"]
    events = store.events(data_dict["id"])
    result["comments"] = [{
        "id": c.id, "text": c.text, "author": c.user_name,
        "author_fullname": c.user_fullname, "created": _iso(c.created),
        "hidden": c.state == "hidden",
        "mine": bool(user_id and c.user_id == user_id),
    } for c in store.comments(data_dict["id"], include_hidden=manager)]
    # a published answer's dataset is named only while the caller may see it
    visible = visibility.visible_package_ids(
        context, {e.dataset_id for e in events if e.dataset_id})
    result["history"] = [{
        "action": e.action, "actor": e.actor_name,
        "created": _iso(e.created), "from_status": e.from_status,
        "to_status": e.to_status,
        "from_organization": e.from_organization_id,
        "to_organization": e.to_organization_id,
        "reason": e.reason, "target_date": _iso(e.target_date),
        "dataset": e.dataset_id if e.dataset_id in visible else None,
        "decline_ground": e.decline_ground, "comment": e.comment_id,
    } for e in events]
    result["followers"] = store.followers_count(data_dict["id"])
    result["viewer"] = {
        "supports": store.has_voted(data_dict["id"], user_id),
        "follows": store.is_following(data_dict["id"], user_id),
        "can_manage": manager,
    }
    return result


def _filters(data_dict: DataDict, context: Context) -> dict[str, Any]:
    status = data_dict["status"]
    filters: dict[str, Any] = {
        "statuses": (workflow.OPEN if status == "open"
                     else None if status == "all" else (status,)),
        "sector": data_dict.get("sector") or None,
        "requester_type": data_dict.get("requester_type") or None,
        "kind": data_dict.get("kind") or None,
        "q": data_dict.get("q") or None,
        "overdue": data_dict.get("overdue"),
    }
    if data_dict.get("organization"):
        filters["organization_id"] = _organization_id(
            data_dict["organization"])
    if data_dict.get("mine"):
        filters["creator_id"] = _account(context).id
    return filters


def _page(filters: dict[str, Any], sort: str, limit: int, offset: int,
          context: Context, overdue_first: bool = False) -> dict[str, Any]:
    window = config.response_days()
    formula = Formula.from_config()
    total, rows = store.search(filters, sort, limit, offset, window,
                               overdue_first)
    now = store.now()
    return {"count": total, "limit": limit, "offset": offset,
            "response_days": window,
            "results": [request_dict(row, formula, now, window, context)
                        for row in rows]}


@tk.side_effect_free
@tk.validate(schema.request_list)
def nd47_request_list(context: Context, data_dict: DataDict
                      ) -> dict[str, Any]:
    """Search data requests.

    :param q: words in the title or description (optional)
    :type q: string
    :param status: ``all`` (default), ``open`` (new, under review or
        planned) or one status: ``new``, ``under_review``, ``planned``,
        ``published``, ``declined``
    :type status: string
    :param organization: id or name of the assigned agency (optional)
    :type organization: string
    :param sector: a sector code (optional)
    :type sector: string
    :param requester_type: ``citizen``, ``business``, ``researcher`` or
        ``agency`` (optional)
    :type requester_type: string
    :param kind: ``new_data`` or ``improvement`` (optional)
    :type kind: string
    :param overdue: only requests past the response window (default false)
    :type overdue: boolean
    :param mine: only the caller's own requests (default false)
    :type mine: boolean
    :param sort: ``priority`` (default), ``newest``, ``oldest`` or
        ``supporters``
    :type sort: string
    :param limit: page size, 1–1000 (default 20)
    :type limit: int
    :param offset: how many to skip (default 0)
    :type offset: int
    :returns: ``count`` and ``results``
    :rtype: dictionary
    """
    tk.check_access("nd47_request_list", context, data_dict)
    return _page(_filters(data_dict, context), data_dict["sort"],
                 data_dict["limit"], data_dict["offset"], context)


@tk.side_effect_free
@tk.validate(schema.request_queue)
def nd47_request_queue(context: Context, data_dict: DataDict
                       ) -> dict[str, Any]:
    """The publication priority queue: open requests (new, under review,
    planned), highest priority score first, ties by age. An agency's
    queue puts its overdue requests first.

    :param organization: id or name of an agency (optional; by default
        the whole province)
    :type organization: string
    :param limit: page size, 1–1000 (default 20)
    :type limit: int
    :param offset: how many to skip (default 0)
    :type offset: int
    :returns: ``count`` and ``results``, each with ``priority``: the score
        and each term's measure, weight and contribution
    :rtype: dictionary
    """
    tk.check_access("nd47_request_queue", context, data_dict)
    filters: dict[str, Any] = {"statuses": workflow.OPEN}
    agency = bool(data_dict.get("organization"))
    if agency:
        filters["organization_id"] = _organization_id(
            data_dict["organization"])
    return _page(filters, "priority", data_dict["limit"],
                 data_dict["offset"], context, overdue_first=agency)


def _share(row: dict[str, int]) -> Optional[float]:
    """Answered within the window, of the requests whose outcome is known
    (answered, or waiting past the window)."""
    decided = row["answered"] + row["overdue"]
    return round(row["answered_in_time"] / decided, 4) if decided else None


@tk.side_effect_free
@tk.validate(schema.request_metrics)
def nd47_request_metrics(context: Context, data_dict: DataDict
                         ) -> dict[str, Any]:
    """How many requests were answered (planned, published or declined)
    within the response window, per agency and for the province.

    :param organization: id or name of one agency (optional)
    :type organization: string
    :returns: ``response_days``, ``province`` and ``agencies``: counts of
        ``requests``, ``answered``, ``answered_in_time``,
        ``answered_late``, ``overdue`` (waiting past the window),
        ``waiting`` (still within it) and ``answered_in_time_share`` (of
        the answered and overdue ones; null when there are none)
    :rtype: dictionary
    """
    tk.check_access("nd47_request_metrics", context, data_dict)
    window = config.response_days()
    only = ([_organization_id(data_dict["organization"])]
            if data_dict.get("organization") else None)
    keys = ("requests", "answered", "answered_in_time", "answered_late",
            "overdue", "waiting")
    province = {k: 0 for k in keys}
    agencies: list[dict[str, Any]] = []
    for row in store.metrics(window, only):
        counts = {k: int(getattr(row, k)) for k in keys}
        for k in keys:
            province[k] += counts[k]
        group = model.Group.get(row.organization_id) \
            if row.organization_id else None
        agencies.append({
            "organization": ({"id": group.id, "name": group.name,
                              "title": group.title} if group else None),
            **counts, "answered_in_time_share": _share(counts)})
    agencies.sort(key=lambda a: (a["organization"] or {}).get("title", ""))
    return {"response_days": window,
            "province": {**province,
                         "answered_in_time_share": _share(province)},
            "agencies": agencies}


# --- support and following ----------------------------------------------------------

@tk.validate(schema.request_vote)
def nd47_request_vote(context: Context, data_dict: DataDict
                      ) -> dict[str, Any]:
    """Support a request (once per user; supporting again changes nothing).

    :param id: the id of the request
    :type id: string
    :param supporter_type: who supports: ``citizen`` (default),
        ``business``, ``researcher`` or ``agency``
    :type supporter_type: string
    :returns: ``supporters`` (distinct users) and ``supports`` (true)
    :rtype: dictionary
    """
    tk.check_access("nd47_request_vote", context, data_dict)
    account = _account(context)
    ratelimit.hit("votes", account)
    store.vote(data_dict["id"], account.id, data_dict["supporter_type"])
    _commit(context)
    return _support_state(data_dict["id"], account.id)


@tk.validate(schema.request_id)
def nd47_request_unvote(context: Context, data_dict: DataDict
                        ) -> dict[str, Any]:
    """Withdraw one's support (nothing changes if there was none).

    :param id: the id of the request
    :type id: string
    :returns: ``supporters`` and ``supports`` (false)
    :rtype: dictionary
    """
    tk.check_access("nd47_request_unvote", context, data_dict)
    account = _account(context)
    ratelimit.hit("votes", account)
    store.unvote(data_dict["id"], account.id)
    _commit(context)
    return _support_state(data_dict["id"], account.id)


def _support_state(request_id: str, user_id: str) -> dict[str, Any]:
    request = store.get_request(request_id)
    assert request is not None
    return {"id": request_id, "supporters": request.supporters,
            "supports": store.has_voted(request_id, user_id)}


@tk.validate(schema.request_id)
def nd47_request_follow(context: Context, data_dict: DataDict
                        ) -> dict[str, Any]:
    """Follow a request: be mailed on every change of its status.

    :param id: the id of the request
    :type id: string
    :returns: ``follows`` (true) and ``followers``
    :rtype: dictionary
    """
    tk.check_access("nd47_request_follow", context, data_dict)
    account = _account(context)
    ratelimit.hit("follows", account)
    store.follow(data_dict["id"], account.id)
    _commit(context)
    return {"id": data_dict["id"], "follows": True,
            "followers": store.followers_count(data_dict["id"])}


@tk.validate(schema.request_id)
def nd47_request_unfollow(context: Context, data_dict: DataDict
                          ) -> dict[str, Any]:
    """Stop following a request.

    :param id: the id of the request
    :type id: string
    :returns: ``follows`` (false) and ``followers``
    :rtype: dictionary
    """
    tk.check_access("nd47_request_unfollow", context, data_dict)
    account = _account(context)
    ratelimit.hit("follows", account)
    store.unfollow(data_dict["id"], account.id)
    _commit(context)
    return {"id": data_dict["id"], "follows": False,
            "followers": store.followers_count(data_dict["id"])}


# --- comments ------------------------------------------------------------------------

@tk.validate(schema.request_comment_create)
def nd47_request_comment_create(context: Context, data_dict: DataDict
                                ) -> dict[str, Any]:
    """Comment on a request.

    :param id: the id of the request
    :type id: string
    :param text: the comment, plain text (at most 2,000 characters)
    :type text: string
    :returns: the comment (``id``, ``text``, ``author``, ``created``)
    :rtype: dictionary
    """
    tk.check_access("nd47_request_comment_create", context, data_dict)
    account = _account(context)
    ratelimit.hit("comments", account)
    comment_id = store.add_comment(data_dict["id"], account.id,
                                   data_dict["text"])
    _commit(context)
    return {"id": comment_id, "request_id": data_dict["id"],
            "text": data_dict["text"], "author": account.name,
            "created": store.now().isoformat()}


def _moderate(context: Context, data_dict: DataDict, state: str
              ) -> dict[str, Any]:
    account = _account(context)
    comment = store.get_comment(data_dict["id"])
    if comment is None:
        raise tk.ObjectNotFound(
            "Không tìm thấy bình luận / Comment not found")
    if comment.state != "visible":
        _refuse("id", "Bình luận đã bị ẩn hoặc xóa",
                "The comment is already hidden or deleted")
    store.set_comment_state(comment, state, account.id,
                            data_dict.get("reason") or "")
    _commit(context)
    request = store.get_request(comment.request_id)
    assert request is not None
    return {"id": comment.id, "state": state,
            "comments": request.comments}


@tk.validate(schema.request_comment_moderate)
def nd47_request_comment_delete(context: Context, data_dict: DataDict
                                ) -> dict[str, Any]:
    """Delete one's own comment. Its text stays in the database for the
    audit trail but is shown to nobody; the count drops at once.

    :param id: the id of the comment
    :type id: string
    :returns: ``state`` (``deleted``) and the request's comment count
    :rtype: dictionary
    """
    tk.check_access("nd47_request_comment_delete", context, data_dict)
    return _moderate(context, data_dict, "deleted")


@tk.validate(schema.request_comment_moderate)
def nd47_request_comment_hide(context: Context, data_dict: DataDict
                              ) -> dict[str, Any]:
    """Hide a comment (moderation by the agency's stewards). It stays in
    the audit trail, visible to stewards only, marked hidden.

    :param id: the id of the comment
    :type id: string
    :param reason: why it is hidden (optional, kept in the history)
    :type reason: string
    :returns: ``state`` (``hidden``) and the request's comment count
    :rtype: dictionary
    """
    tk.check_access("nd47_request_comment_hide", context, data_dict)
    return _moderate(context, data_dict, "hidden")


# --- the steward workflow ---------------------------------------------------------

def _check_move(request: Any, data_dict: DataDict) -> dict[str, Any]:
    """What the move needs, or a refusal that says what is missing."""
    target = data_dict["status"]
    if not workflow.allowed(request.status, target):
        current = workflow.STATUS_LABELS[request.status]
        wanted = workflow.STATUS_LABELS[target]
        _refuse("status",
                f"Không thể chuyển từ \u201c{current['vi']}\u201d sang "
                f"\u201c{wanted['vi']}\u201d",
                f"A request cannot go from {current['en']} to "
                f"{wanted['en']}")
    extra: dict[str, Any] = {}
    if target == workflow.PLANNED:
        day = data_dict.get("target_date")
        if day is None:
            _refuse("target_date", "Cần ngày dự kiến công bố",
                    "A target date is required")
        if day < dt.date.today():
            _refuse("target_date", "Ngày dự kiến đã qua",
                    "The target date is in the past")
        extra["target_date"] = day
    if target == workflow.PUBLISHED:
        if not data_dict.get("dataset"):
            _refuse("dataset", "Cần bộ dữ liệu trả lời yêu cầu",
                    "The dataset that answers the request is required")
        dataset = store.public_dataset(data_dict["dataset"])
        if dataset is None:
            _refuse("dataset", "Bộ dữ liệu không tồn tại hoặc chưa công khai",
                    "No such public dataset")
        assert dataset is not None
        extra["dataset_id"] = dataset.id
    if target == workflow.DECLINED:
        if not data_dict.get("decline_ground"):
            _refuse("decline_ground", "Cần nêu căn cứ pháp lý để từ chối",
                    "A legal ground for declining is required")
        extra["decline_ground"] = data_dict["decline_ground"]
    return extra


@tk.validate(schema.request_transition)
def nd47_request_transition(context: Context, data_dict: DataDict
                            ) -> dict[str, Any]:
    """Move a request through the workflow: new → under_review → planned
    (with a target date) → published (linked to the public dataset that
    answers it) or declined (citing a legal ground); a published or
    declined request can be reopened (back to under_review). Every move is
    kept with who, when and why; the requester and the followers are
    mailed.

    :param id: the id of the request
    :type id: string
    :param status: ``under_review``, ``planned``, ``published`` or
        ``declined``
    :type status: string
    :param reason: the answer to the requester, why (required)
    :type reason: string
    :param target_date: ``YYYY-MM-DD``, for ``planned``
    :type target_date: string
    :param dataset: id or name of a public dataset, for ``published``
    :type dataset: string
    :param decline_ground: for ``declined``: ``personal_information``
        (Art. 20(1)), ``security_risk`` (Art. 20(2)), ``state_secret``,
        ``other_law`` (Art. 20(4)), ``not_held`` or ``duplicate``
    :type decline_ground: string
    :returns: the request, as ``nd47_request_show`` gives it
    :rtype: dictionary
    """
    tk.check_access("nd47_request_transition", context, data_dict)
    account = _account(context)
    request = _locked(data_dict["id"])
    extra = _check_move(request, data_dict)
    event_id = store.move(request, data_dict["status"], account.id,
                          data_dict["reason"], **extra)
    _commit(context)
    notify.enqueue_change(request.id, event_id)
    return _show(request.id, context)


@tk.validate(schema.request_reassign)
def nd47_request_reassign(context: Context, data_dict: DataDict
                          ) -> dict[str, Any]:
    """Hand a request to another agency (recorded with the reason; the
    requester and followers are mailed, and so is the new agency's focal
    point).

    :param id: the id of the request
    :type id: string
    :param organization: id or name of the agency that should answer
    :type organization: string
    :param reason: why (required)
    :type reason: string
    :returns: the request, as ``nd47_request_show`` gives it
    :rtype: dictionary
    """
    tk.check_access("nd47_request_reassign", context, data_dict)
    account = _account(context)
    request = _locked(data_dict["id"])
    target = _organization_id(data_dict["organization"])
    if target == request.organization_id:
        _refuse("organization", "Yêu cầu đã thuộc cơ quan này",
                "The request is already with this agency")
    event_id = store.reassign(request, target, account.id,
                              data_dict["reason"])
    _commit(context)
    notify.enqueue_change(request.id, event_id)
    notify.enqueue_new_request(request.id)
    return _show(request.id, context)


# --- ratings and problem reports ----------------------------------------------------

def _rateable(id_or_name: str) -> Any:
    dataset = store.public_dataset(id_or_name)
    if dataset is None:
        raise tk.ObjectNotFound(
            "Không tìm thấy bộ dữ liệu công khai / No such public dataset")
    return dataset


def _improvement(dataset: Any, account: model.User, supporter_type: str
                 ) -> tuple[str, bool]:
    owner = model.Package.get(dataset.id)
    assert owner is not None
    return store.ensure_improvement_request(
        {"id": dataset.id, "owner_org": owner.owner_org}, account.id,
        supporter_type,
        title=store.STORED_IMPROVEMENT_TITLE,
        description=message(
            "Người dùng đánh giá thấp hoặc đề nghị cập nhật bộ dữ liệu này",
            "Users rated this dataset low or asked for it to be updated"))


def _rating_state(dataset_id: str, user_id: Optional[str]
                  ) -> dict[str, Any]:
    mine = store.user_rating(dataset_id, user_id)
    return {
        "dataset": dataset_id, **store.rating_summary(dataset_id),
        "mine": ({"stars": mine.stars, "reason": mine.reason,
                  "comment": mine.comment, "modified": _iso(mine.modified)}
                 if mine else None),
        "improvement_request": store.open_improvement_request(dataset_id),
    }


@tk.validate(schema.rating_create)
def nd47_rating_create(context: Context, data_dict: DataDict
                       ) -> dict[str, Any]:
    """Rate a public dataset, 1 to 5 stars with a reason. One current
    rating per user and dataset: rating again replaces it. A rating of 1
    or 2 stars puts (or keeps) the dataset's improvement request in the
    priority queue.

    :param dataset: id or name of the dataset
    :type dataset: string
    :param stars: 1–5
    :type stars: int
    :param reason: ``quality``, ``timeliness``, ``format``,
        ``completeness`` or ``other``
    :type reason: string
    :param comment: optional text (at most 2,000 characters)
    :type comment: string
    :param requester_type: who rates, for an improvement request it
        starts: ``citizen`` (default), ``business``, ``researcher``,
        ``agency``
    :type requester_type: string
    :returns: the dataset's ``average``, ``count``, ``by_stars``, the
        caller's rating (``mine``) and ``improvement_request``
    :rtype: dictionary
    """
    tk.check_access("nd47_rating_create", context, data_dict)
    account = _account(context)
    dataset = _rateable(data_dict["dataset"])
    ratelimit.hit("votes", account)
    store.rate(dataset.id, account.id, data_dict["stars"],
               data_dict["reason"], data_dict.get("comment") or "")
    created = False
    if data_dict["stars"] <= store.LOW_RATING:
        request_id, created = _improvement(dataset, account,
                                           data_dict["requester_type"])
    store.refresh_low_ratings(dataset.id)
    _commit(context)
    if created:
        notify.enqueue_new_request(request_id)
    return _rating_state(dataset.id, account.id)


@tk.validate(schema.rating_dataset)
def nd47_rating_delete(context: Context, data_dict: DataDict
                       ) -> dict[str, Any]:
    """Withdraw one's rating of a dataset.

    :param dataset: id or name of the dataset
    :type dataset: string
    :returns: the dataset's ratings, as ``nd47_rating_show`` gives them
    :rtype: dictionary
    """
    tk.check_access("nd47_rating_delete", context, data_dict)
    account = _account(context)
    dataset = _rateable(data_dict["dataset"])
    if not store.unrate(dataset.id, account.id):
        raise tk.ObjectNotFound(
            "Bạn chưa đánh giá bộ dữ liệu này / "
            "You have not rated this dataset")
    store.refresh_low_ratings(dataset.id)
    _commit(context)
    return _rating_state(dataset.id, account.id)


@tk.side_effect_free
@tk.validate(schema.rating_dataset)
def nd47_rating_show(context: Context, data_dict: DataDict
                     ) -> dict[str, Any]:
    """The ratings of a public dataset.

    :param dataset: id or name of the dataset
    :type dataset: string
    :returns: ``average`` (null without ratings), ``count``, ``by_stars``,
        ``low``, the caller's own rating (``mine``) and the open
        ``improvement_request`` id if there is one
    :rtype: dictionary
    """
    tk.check_access("nd47_rating_show", context, data_dict)
    dataset = _rateable(data_dict["dataset"])
    account = roles.user_object(context.get("user"))
    return _rating_state(dataset.id, account.id if account else None)


@tk.validate(schema.dataset_report)
def nd47_dataset_report(context: Context, data_dict: DataDict
                        ) -> dict[str, Any]:
    """Report a problem with a public dataset or ask for it to be updated.
    The report supports the dataset's improvement request (creating it if
    needed) and is added to it as a comment.

    :param dataset: id or name of the dataset
    :type dataset: string
    :param text: what is wrong or missing (at most 2,000 characters)
    :type text: string
    :param requester_type: ``citizen`` (default), ``business``,
        ``researcher`` or ``agency``
    :type requester_type: string
    :returns: the improvement request, as ``nd47_request_show`` gives it
    :rtype: dictionary
    """
    tk.check_access("nd47_dataset_report", context, data_dict)
    account = _account(context)
    dataset = _rateable(data_dict["dataset"])
    ratelimit.hit("requests", account)
    request_id, created = _improvement(dataset, account,
                                       data_dict["requester_type"])
    store.vote(request_id, account.id, data_dict["requester_type"])
    store.follow(request_id, account.id)
    store.add_comment(request_id, account.id, data_dict["text"])
    store.refresh_low_ratings(dataset.id)
    _commit(context)
    if created:
        notify.enqueue_new_request(request_id)
    return _show(request_id, context)


