"""Who may do what with data requests and ratings: every nd47 feedback
action against every role, through the action API and over HTTP, plus the
two rules the matrix cannot show (requests without an agency are the
province's; private datasets cannot be rated by outsiders)."""
from __future__ import annotations

import dataclasses
from typing import Any, Callable, Optional

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests.helpers import _get_test_app

from ckanext.nd47.logic.action import feedback as actions
from ckanext.nd47.logic.auth import feedback as auth
from tests import factories
from tests.feedback.conftest import Cast, act, dataset_named, new_request

ROLES = ("anonymous", "citizen", "other_steward", "steward", "sysadmin")
EVERYONE = frozenset(ROLES)
LOGGED_IN = EVERYONE - {"anonymous"}
STEWARDS = frozenset({"steward", "sysadmin"})
# the comment of the matrix is the citizen's; sysadmins may do anything
AUTHOR = frozenset({"citizen", "sysadmin"})

#: action -> the roles that may call it, on a request the citizen made and
#: assigned to the steward's agency, and a public dataset of that agency
MATRIX: dict[str, frozenset[str]] = {
    "nd47_request_create": LOGGED_IN,
    "nd47_request_show": EVERYONE,
    "nd47_request_list": EVERYONE,
    "nd47_request_queue": EVERYONE,
    "nd47_request_metrics": EVERYONE,
    "nd47_request_vote": LOGGED_IN,
    "nd47_request_unvote": LOGGED_IN,
    "nd47_request_follow": LOGGED_IN,
    "nd47_request_unfollow": LOGGED_IN,
    "nd47_request_comment_create": LOGGED_IN,
    "nd47_request_comment_delete": AUTHOR,
    "nd47_request_comment_hide": STEWARDS,
    "nd47_request_transition": STEWARDS,
    "nd47_request_reassign": STEWARDS,
    "nd47_rating_create": LOGGED_IN,
    "nd47_rating_delete": LOGGED_IN,
    "nd47_rating_show": EVERYONE,
    "nd47_dataset_report": LOGGED_IN,
}

CASES = [pytest.param(action, role, id=f"{action}-{role}")
         for action in MATRIX for role in ROLES]

FEEDBACK_TABLES = ("nd47_data_request", "nd47_data_request_vote",
                   "nd47_data_request_follower", "nd47_data_request_comment",
                   "nd47_data_request_event", "nd47_dataset_rating")


@dataclasses.dataclass
class World:
    cast: Cast
    request_id: str
    comment_id: str
    dataset: dict[str, Any]

    def user(self, role: str) -> Optional[dict[str, Any]]:
        return None if role == "anonymous" else getattr(self.cast, role)


@pytest.fixture
def cast(reused_cast: Cast) -> Cast:
    """The people of ``cast``, made once for the module's many tests."""
    return reused_cast


@pytest.fixture
def world(cast: Cast) -> World:
    """A fresh request of the citizen with one comment by them."""
    request = new_request(cast)
    comment = act("nd47_request_comment_create", cast.citizen,
                  id=request["id"], text="Cần thêm dữ liệu theo giờ.")
    return World(cast, request["id"], comment["id"],
                 dataset_named(cast, "chat-luong-khong-khi"))


def _rated(world: World, user: Optional[dict[str, Any]]) -> dict[str, Any]:
    """The user has rated the dataset (so that there is something to
    withdraw); anonymous users cannot rate."""
    if user is not None:
        act("nd47_rating_create", user, dataset=world.dataset["name"],
            stars=4, reason="quality")
    return {"dataset": world.dataset["name"]}


User = Optional[dict[str, Any]]

#: action -> (world, user) -> the data of a call that would succeed
DATA: dict[str, Callable[[World, User], dict[str, Any]]] = {
    "nd47_request_create": lambda w, u: {
        "title": "Danh mục trường học", "description": "Tên, địa chỉ.",
        "organization": w.cast.agency["name"]},
    "nd47_request_show": lambda w, u: {"id": w.request_id},
    "nd47_request_list": lambda w, u: {"status": "open"},
    "nd47_request_queue": lambda w, u: {"organization": w.cast.agency["name"]},
    "nd47_request_metrics": lambda w, u: {},
    "nd47_request_vote": lambda w, u: {"id": w.request_id,
                                       "supporter_type": "business"},
    "nd47_request_unvote": lambda w, u: {"id": w.request_id},
    "nd47_request_follow": lambda w, u: {"id": w.request_id},
    "nd47_request_unfollow": lambda w, u: {"id": w.request_id},
    "nd47_request_comment_create": lambda w, u: {"id": w.request_id,
                                                 "text": "Tôi cũng cần."},
    "nd47_request_comment_delete": lambda w, u: {"id": w.comment_id},
    "nd47_request_comment_hide": lambda w, u: {"id": w.comment_id,
                                               "reason": "Lạc đề"},
    "nd47_request_transition": lambda w, u: {
        "id": w.request_id, "status": "under_review",
        "reason": "Đang xem xét"},
    "nd47_request_reassign": lambda w, u: {
        "id": w.request_id, "organization": w.cast.other_agency["name"],
        "reason": "Sở Xây dựng quản lý dữ liệu này"},
    "nd47_rating_create": lambda w, u: {
        "dataset": w.dataset["name"], "stars": 3, "reason": "format"},
    "nd47_rating_delete": _rated,
    "nd47_rating_show": lambda w, u: {"dataset": w.dataset["name"]},
    "nd47_dataset_report": lambda w, u: {
        "dataset": w.dataset["name"], "text": "Thiếu dữ liệu tháng 3."},
}


@pytest.fixture(scope="module")
def web() -> Any:
    """One test client for the module's many HTTP calls (the ``app``
    fixture builds the whole Flask app again for every test)."""
    return _get_test_app()


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the feedback tables."""
    return {table: [tuple(row) for row in model.Session.execute(
        sa.text(f"SELECT * FROM {table} ORDER BY 1, 2"))]
        for table in FEEDBACK_TABLES}


def test_the_matrix_covers_every_feedback_action() -> None:
    assert set(MATRIX) == set(actions.__all__) == set(auth.__all__)
    assert set(DATA) == set(MATRIX)


@pytest.mark.parametrize("action, role", CASES)
def test_action_api(world: World, action: str, role: str) -> None:
    user = world.user(role)
    data = DATA[action](world, user)
    before = snapshot()
    if role in MATRIX[action]:
        result = act(action, user, **data)
        assert isinstance(result, dict) and result
    else:
        with pytest.raises(tk.NotAuthorized):
            act(action, user, **data)
        model.Session.rollback()
        assert snapshot() == before


@pytest.mark.parametrize("action, role", CASES)
def test_over_http(web: Any, world: World, action: str, role: str) -> None:
    """The same matrix through the web API: a refusal is a 403 with
    CKAN's error body, never a 500, and changes nothing."""
    user = world.user(role)
    data = DATA[action](world, user)
    headers = {"Authorization": factories.api_token(user)} if user else {}
    before = snapshot()
    response = web.post(f"/api/3/action/{action}", json=data,
                        headers=headers)
    if role in MATRIX[action]:
        assert response.status_code == 200, response.body
        assert response.json["success"] is True
    else:
        assert response.status_code == 403, response.body
        body = response.json
        assert body["success"] is False
        assert body["error"]["__type"] == "Authorization Error"
        model.Session.rollback()
        assert snapshot() == before


@pytest.mark.parametrize("action, data", [
    ("nd47_request_transition", {"status": "under_review",
                                 "reason": "Xem xét"}),
    ("nd47_request_reassign", {"organization": "so-xay-dung",
                               "reason": "Đúng cơ quan"}),
])
def test_a_request_without_agency_is_moved_only_by_sysadmins(
        cast: Cast, action: str, data: dict[str, Any]) -> None:
    request = new_request(cast, organization="")
    assert request["organization"] is None
    for user in (cast.citizen, cast.steward, cast.other_steward):
        with pytest.raises(tk.NotAuthorized):
            act(action, user, id=request["id"], **data)
        model.Session.rollback()
    shown = act("nd47_request_show", cast.steward, id=request["id"])
    assert shown["status"] == "new" and shown["organization"] is None
    assert shown["viewer"]["can_manage"] is False

    act(action, cast.sysadmin, id=request["id"], **data)
    shown = act("nd47_request_show", cast.sysadmin, id=request["id"])
    assert shown["history"][-1]["actor"] == cast.sysadmin["name"]


def test_comments_on_a_request_without_agency_are_moderated_by_sysadmins(
        cast: Cast) -> None:
    request = new_request(cast, organization="")
    comment = act("nd47_request_comment_create", cast.neighbour,
                  id=request["id"], text="Quảng cáo")
    for user in (cast.steward, cast.other_steward, cast.citizen):
        with pytest.raises(tk.NotAuthorized):
            act("nd47_request_comment_hide", user, id=comment["id"])
    hidden = act("nd47_request_comment_hide", cast.sysadmin, id=comment["id"])
    assert hidden["state"] == "hidden"


def test_only_the_author_deletes_a_comment(cast: Cast) -> None:
    request = new_request(cast)
    comment = act("nd47_request_comment_create", cast.citizen,
                  id=request["id"], text="Của tôi")
    with pytest.raises(tk.NotAuthorized) as refused:
        act("nd47_request_comment_delete", cast.neighbour, id=comment["id"])
    assert "Only its author" in str(refused.value)
    assert act("nd47_request_comment_delete", cast.citizen,
               id=comment["id"])["state"] == "deleted"


@pytest.fixture
def private_dataset(cast: Cast) -> dict[str, Any]:
    return dataset_named(cast, "du-lieu-noi-bo", private=True)


@pytest.mark.parametrize("action, data", [
    ("nd47_rating_create", {"stars": 1, "reason": "quality"}),
    ("nd47_rating_show", {}),
    ("nd47_rating_delete", {}),
    ("nd47_dataset_report", {"text": "Sai số liệu"}),
])
@pytest.mark.parametrize("role", ["anonymous", "citizen", "other_steward"])
def test_outsiders_cannot_rate_or_report_a_private_dataset(
        app: Any, cast: Cast, private_dataset: dict[str, Any], action: str,
        data: dict[str, Any], role: str) -> None:
    user = None if role == "anonymous" else getattr(cast, role)
    before = snapshot()
    with pytest.raises((tk.NotAuthorized, tk.ObjectNotFound)):
        act(action, user, dataset=private_dataset["name"], **data)
    model.Session.rollback()
    headers = {"Authorization": factories.api_token(user)} if user else {}
    response = app.post(f"/api/3/action/{action}", headers=headers,
                        json={"dataset": private_dataset["name"], **data})
    missing = app.post(f"/api/3/action/{action}", headers=headers,
                       json={"dataset": "khong-co-bo-du-lieu-nay", **data})
    # the private dataset is answered as a missing one: nothing tells
    # them apart (anonymous callers are asked to log in for both)
    assert response.status_code in (403, 404), response.body
    assert (response.status_code, response.json["error"]) == \
        (missing.status_code, missing.json["error"])
    assert private_dataset["id"] not in response.body
    model.Session.rollback()
    assert snapshot() == before


def test_a_private_dataset_is_not_rated_even_by_its_steward(
        cast: Cast, private_dataset: dict[str, Any]) -> None:
    """Ratings are for the public: the agency's own steward may see the
    dataset but cannot rate it while it is private."""
    with pytest.raises(tk.ObjectNotFound):
        act("nd47_rating_create", cast.steward,
            dataset=private_dataset["name"], stars=5, reason="quality")
    model.Session.rollback()
    assert snapshot()["nd47_dataset_rating"] == []
