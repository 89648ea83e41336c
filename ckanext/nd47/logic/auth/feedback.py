"""Who may read and act on data requests and ratings. Sysadmins always
may: CKAN lets them through before these run."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.nd47.feedback import store
from ckanext.nd47.logic import roles

__all__ = [
    "nd47_request_create", "nd47_request_show", "nd47_request_list",
    "nd47_request_queue", "nd47_request_metrics", "nd47_request_vote",
    "nd47_request_unvote", "nd47_request_follow", "nd47_request_unfollow",
    "nd47_request_comment_create", "nd47_request_comment_delete",
    "nd47_request_comment_hide", "nd47_request_transition",
    "nd47_request_reassign", "nd47_rating_create", "nd47_rating_delete",
    "nd47_rating_show", "nd47_dataset_report",
]

_ALLOWED: AuthResult = {"success": True}


def _logged_in(context: Context) -> AuthResult:
    if roles.user_object(context.get("user")) is None:
        return {"success": False,
                "msg": "Xin đăng nhập / Please log in"}
    return _ALLOWED


def _request(data_dict: DataDict) -> Any:
    request = store.get_request(str(data_dict.get("id") or ""))
    if request is None:
        raise tk.ObjectNotFound(
            "Không tìm thấy yêu cầu dữ liệu / Data request not found")
    return request


def _steward_of(context: Context, request: Any) -> AuthResult:
    if roles.is_steward(context.get("user"), request.organization_id):
        return _ALLOWED
    return {"success": False,
            "msg": "Chỉ cán bộ đầu mối của cơ quan được giao mới xử lý được "
                   "yêu cầu này / Only the data stewards of the assigned "
                   "agency can handle this request"}


def _reader_of_dataset(context: Context, data_dict: DataDict) -> AuthResult:
    try:
        tk.check_access("package_show", context,
                        {"id": data_dict.get("dataset")})
    except tk.NotAuthorized:
        return {"success": False,
                "msg": "Không xem được bộ dữ liệu này / "
                       "Not authorized to see this dataset"}
    return _ALLOWED


# --- anyone ---------------------------------------------------------------------

@tk.auth_allow_anonymous_access
def nd47_request_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Requests are public: anyone may read them and their history."""
    return _ALLOWED


@tk.auth_allow_anonymous_access
def nd47_request_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone may list and filter requests."""
    return _ALLOWED


@tk.auth_allow_anonymous_access
def nd47_request_queue(context: Context, data_dict: DataDict) -> AuthResult:
    """The publication priority queue is public."""
    return _ALLOWED


@tk.auth_allow_anonymous_access
def nd47_request_metrics(context: Context, data_dict: DataDict) -> AuthResult:
    """How fast agencies answer is public."""
    return _ALLOWED


@tk.auth_allow_anonymous_access
def nd47_rating_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may see the dataset may see its ratings."""
    return _reader_of_dataset(context, data_dict)


# --- logged-in users -------------------------------------------------------------

def nd47_request_create(context: Context, data_dict: DataDict) -> AuthResult:
    """Any logged-in user may ask for data."""
    return _logged_in(context)


def nd47_request_vote(context: Context, data_dict: DataDict) -> AuthResult:
    """Any logged-in user may support a request."""
    _request(data_dict)
    return _logged_in(context)


def nd47_request_unvote(context: Context, data_dict: DataDict) -> AuthResult:
    """Any logged-in user may withdraw their support."""
    _request(data_dict)
    return _logged_in(context)


def nd47_request_follow(context: Context, data_dict: DataDict) -> AuthResult:
    """Any logged-in user may follow a request."""
    _request(data_dict)
    return _logged_in(context)


def nd47_request_unfollow(context: Context,
                          data_dict: DataDict) -> AuthResult:
    """Any logged-in user may stop following a request."""
    _request(data_dict)
    return _logged_in(context)


def nd47_request_comment_create(context: Context,
                                data_dict: DataDict) -> AuthResult:
    """Any logged-in user may comment."""
    _request(data_dict)
    return _logged_in(context)


def nd47_request_comment_delete(context: Context,
                                data_dict: DataDict) -> AuthResult:
    """The author may delete their own comment."""
    comment = store.get_comment(str(data_dict.get("id") or ""))
    if comment is None:
        raise tk.ObjectNotFound(
            "Không tìm thấy bình luận / Comment not found")
    account = roles.user_object(context.get("user"))
    if account is not None and account.id == comment.user_id:
        return _ALLOWED
    return {"success": False,
            "msg": "Chỉ người viết mới xóa được bình luận / "
                   "Only its author can delete a comment"}


def nd47_rating_create(context: Context, data_dict: DataDict) -> AuthResult:
    """Logged-in users rate the datasets they can see."""
    result = _logged_in(context)
    return result if not result["success"] else \
        _reader_of_dataset(context, data_dict)


def nd47_rating_delete(context: Context, data_dict: DataDict) -> AuthResult:
    """Users withdraw their own rating."""
    return _logged_in(context)


def nd47_dataset_report(context: Context, data_dict: DataDict) -> AuthResult:
    """Logged-in users report problems with the datasets they can see."""
    result = _logged_in(context)
    return result if not result["success"] else \
        _reader_of_dataset(context, data_dict)


# --- stewards of the assigned agency -----------------------------------------------

def nd47_request_transition(context: Context,
                            data_dict: DataDict) -> AuthResult:
    """Stewards of the assigned agency move a request through the
    workflow."""
    return _steward_of(context, _request(data_dict))


def nd47_request_reassign(context: Context,
                          data_dict: DataDict) -> AuthResult:
    """Stewards of the assigned agency hand a request to another agency."""
    return _steward_of(context, _request(data_dict))


def nd47_request_comment_hide(context: Context,
                              data_dict: DataDict) -> AuthResult:
    """Stewards of the request's agency moderate its comments."""
    comment = store.get_comment(str(data_dict.get("id") or ""))
    if comment is None:
        raise tk.ObjectNotFound(
            "Không tìm thấy bình luận / Comment not found")
    return _steward_of(context, _request({"id": comment.request_id}))
