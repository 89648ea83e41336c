"""Support, following, comments, ratings and problem reports as users see
them, the counters that summarise them (which must always equal the rows,
whatever is deleted), and the priority score built on them."""
from __future__ import annotations

import datetime as dt
import math
from typing import Any, Optional

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories as ckan_factories

from ckanext.nd47.feedback import store
from ckanext.nd47.feedback.score import Formula
from tests import factories
from tests.feedback.conftest import (Cast, act, assert_counters_match_rows,
                                     new_request)


def show(request_id: str, user: Optional[dict[str, Any]] = None
         ) -> dict[str, Any]:
    result: dict[str, Any] = act("nd47_request_show", user, id=request_id)
    return result


def listed(request_id: str) -> dict[str, Any]:
    """The request as lists and the queue give it (with the counters;
    ``nd47_request_show`` gives the comments themselves)."""
    results = act("nd47_request_list", None, limit=1000)["results"]
    found: dict[str, Any] = next(r for r in results if r["id"] == request_id)
    return found


def vote(user: dict[str, Any], request_id: str,
         supporter_type: str = "citizen") -> dict[str, Any]:
    result: dict[str, Any] = act("nd47_request_vote", user, id=request_id,
                                 supporter_type=supporter_type)
    return result


def comment(user: dict[str, Any], request_id: str, text: str
            ) -> dict[str, Any]:
    result: dict[str, Any] = act("nd47_request_comment_create", user,
                                 id=request_id, text=text)
    return result


def refused(call: Any) -> dict[str, list[str]]:
    with pytest.raises(tk.ValidationError) as error:
        call()
    model.Session.rollback()
    result: dict[str, list[str]] = error.value.error_dict
    return result


@pytest.fixture
def dataset(cast: Cast) -> dict[str, Any]:
    result: dict[str, Any] = factories.OpenDataset(
        owner_org=cast.agency["id"], name="gia-dat", title="Bảng giá đất")
    return result


# --- support -----------------------------------------------------------------

def test_one_vote_per_user(cast: Cast) -> None:
    request = new_request(cast)
    assert request["supporters"] == 1  # the requester supports it

    assert vote(cast.neighbour, request["id"]) == {
        "id": request["id"], "supporters": 2, "supports": True}
    again = vote(cast.neighbour, request["id"], "business")
    assert (again["supporters"], again["supports"]) == (2, True)
    shown = show(request["id"], cast.neighbour)
    assert shown["supporters"] == 2
    # supporting again changed nothing, not even the type
    assert shown["supporters_by_type"] == {
        "citizen": 2, "business": 0, "researcher": 0, "agency": 0}
    assert shown["viewer"]["supports"] is True
    assert assert_counters_match_rows() == 1


def test_unvote(cast: Cast) -> None:
    request = new_request(cast)
    vote(cast.neighbour, request["id"])
    withdrawn = act("nd47_request_unvote", cast.neighbour, id=request["id"])
    assert (withdrawn["supporters"], withdrawn["supports"]) == (1, False)
    # withdrawing what is not there changes nothing
    again = act("nd47_request_unvote", cast.neighbour, id=request["id"])
    assert (again["supporters"], again["supports"]) == (1, False)
    mine = act("nd47_request_unvote", cast.citizen, id=request["id"])
    assert mine["supporters"] == 0
    assert show(request["id"], cast.neighbour)["viewer"]["supports"] is False
    assert_counters_match_rows()


def test_supporters_by_type(cast: Cast) -> None:
    request = new_request(cast, requester_type="researcher")
    vote(cast.neighbour, request["id"], "business")
    vote(cast.steward, request["id"], "agency")
    vote(cast.other_steward, request["id"], "business")
    vote(cast.sysadmin, request["id"], "citizen")
    shown = show(request["id"])
    assert shown["supporters"] == 5
    assert shown["supporters_by_type"] == {
        "citizen": 1, "business": 2, "researcher": 1, "agency": 1}
    act("nd47_request_unvote", cast.neighbour, id=request["id"])
    assert show(request["id"])["supporters_by_type"]["business"] == 1
    diversity = next(t for t in show(request["id"])["priority"]["terms"]
                     if t["term"] == "diversity")
    assert diversity["measure"] == 4
    assert diversity["contribution"] == pytest.approx(3 * diversity["weight"])
    assert_counters_match_rows()


def test_follow_and_unfollow(cast: Cast) -> None:
    request = new_request(cast)
    assert show(request["id"])["followers"] == 1  # the requester
    assert show(request["id"], cast.citizen)["viewer"]["follows"] is True

    assert act("nd47_request_follow", cast.neighbour, id=request["id"]) == {
        "id": request["id"], "follows": True, "followers": 2}
    assert act("nd47_request_follow", cast.neighbour,
               id=request["id"])["followers"] == 2
    assert show(request["id"], cast.neighbour)["viewer"]["follows"] is True
    assert act("nd47_request_unfollow", cast.neighbour,
               id=request["id"]) == {"id": request["id"], "follows": False,
                                     "followers": 1}
    assert act("nd47_request_unfollow", cast.neighbour,
               id=request["id"])["followers"] == 1
    assert show(request["id"], cast.neighbour)["viewer"]["follows"] is False
    # following is not supporting
    assert show(request["id"])["supporters"] == 1


# --- comments ----------------------------------------------------------------

def test_comment_and_delete_own(cast: Cast) -> None:
    request = new_request(cast)
    first = comment(cast.neighbour, request["id"], "Tôi cũng cần dữ liệu này")
    comment(cast.citizen, request["id"], "Cảm ơn")
    shown = show(request["id"], cast.neighbour)
    assert shown["comments"] == [
        {"id": first["id"], "text": "Tôi cũng cần dữ liệu này",
         "author": "hang-xom", "author_fullname": "Lê Thị Bình",
         "created": shown["comments"][0]["created"], "hidden": False,
         "mine": True},
        {"id": shown["comments"][1]["id"], "text": "Cảm ơn",
         "author": "nguoi-dan", "author_fullname": "Trần Văn An",
         "created": shown["comments"][1]["created"], "hidden": False,
         "mine": False}]
    assert show(request["id"])["comments"][0]["mine"] is False
    assert shown["priority"]["terms"][3]["measure"] == 2

    deleted = act("nd47_request_comment_delete", cast.neighbour,
                  id=first["id"])
    assert deleted == {"id": first["id"], "state": "deleted", "comments": 1}
    # shown to nobody, not even the stewards
    for viewer in (None, cast.neighbour, cast.steward, cast.sysadmin):
        shown = show(request["id"], viewer)
        assert [c["text"] for c in shown["comments"]] == ["Cảm ơn"]
    assert listed(request["id"])["comments"] == 1
    history = show(request["id"])["history"]
    assert (history[-1]["action"], history[-1]["actor"],
            history[-1]["comment"]) == ("comment_deleted", "hang-xom",
                                        first["id"])
    # a deleted comment cannot be deleted or hidden again
    for action, user in (("nd47_request_comment_delete", cast.neighbour),
                         ("nd47_request_comment_hide", cast.steward)):
        errors = refused(lambda: act(action, user, id=first["id"]))
        assert errors["id"] == ["Bình luận đã bị ẩn hoặc xóa / The comment "
                                "is already hidden or deleted"]
    assert [c["text"] for c in show(request["id"])["comments"]] == ["Cảm ơn"]
    assert assert_counters_match_rows() == 1


def test_a_steward_hides_a_comment(cast: Cast) -> None:
    request = new_request(cast)
    spam = comment(cast.neighbour, request["id"], "Mua bán đất giá rẻ!!!")
    comment(cast.citizen, request["id"], "Xin cập nhật hàng tháng")
    assert listed(request["id"])["comments"] == 2

    hidden = act("nd47_request_comment_hide", cast.steward, id=spam["id"],
                 reason="Quảng cáo")
    assert hidden == {"id": spam["id"], "state": "hidden", "comments": 1}

    # others, the author included, no longer see it
    for viewer in (None, cast.citizen, cast.neighbour, cast.other_steward):
        texts = [c["text"] for c in show(request["id"], viewer)["comments"]]
        assert texts == ["Xin cập nhật hàng tháng"], viewer
    # the agency's stewards still do, marked hidden
    for viewer in (cast.steward, cast.sysadmin):
        seen = {c["text"]: c["hidden"]
                for c in show(request["id"], viewer)["comments"]}
        assert seen == {"Mua bán đất giá rẻ!!!": True,
                        "Xin cập nhật hàng tháng": False}
    assert listed(request["id"])["comments"] == 1
    last = show(request["id"])["history"][-1]
    assert (last["action"], last["actor"], last["reason"],
            last["comment"]) == ("comment_hidden", "can-bo", "Quảng cáo",
                                 spam["id"])

    # hiding twice, or deleting a hidden comment, is refused
    for action, user in (("nd47_request_comment_hide", cast.steward),
                         ("nd47_request_comment_delete", cast.neighbour)):
        errors = refused(lambda: act(action, user, id=spam["id"]))
        assert errors["id"][0].startswith("Bình luận đã bị ẩn hoặc xóa / ")
    assert len(show(request["id"])["history"]) == 2
    assert assert_counters_match_rows() == 1


def test_an_unknown_comment_is_not_found(cast: Cast) -> None:
    for action, user in (("nd47_request_comment_delete", cast.citizen),
                         ("nd47_request_comment_hide", cast.sysadmin)):
        with pytest.raises(tk.ObjectNotFound):
            act(action, user, id="khong-co-binh-luan")


# --- ratings -----------------------------------------------------------------

def rate(user: dict[str, Any], dataset: dict[str, Any], stars: Any,
         reason: str = "quality", **data: Any) -> dict[str, Any]:
    result: dict[str, Any] = act("nd47_rating_create", user,
                                 dataset=dataset["name"], stars=stars,
                                 reason=reason, **data)
    return result


def test_one_current_rating_per_user(cast: Cast,
                                     dataset: dict[str, Any]) -> None:
    first = rate(cast.citizen, dataset, 4, comment="Khá đầy đủ")
    assert (first["count"], first["average"]) == (1, 4.0)
    assert first["mine"]["stars"] == 4
    assert first["mine"]["comment"] == "Khá đầy đủ"
    assert first["improvement_request"] is None

    again = rate(cast.citizen, dataset, 5, "completeness")
    assert (again["count"], again["average"]) == (1, 5.0)
    assert (again["mine"]["stars"], again["mine"]["reason"]) == \
        (5, "completeness")
    assert again["mine"]["comment"] == ""

    rate(cast.neighbour, dataset, 3, "format")
    summary = act("nd47_rating_show", None, dataset=dataset["name"])
    assert (summary["count"], summary["average"]) == (2, 4.0)
    assert summary["by_stars"] == {"1": 0, "2": 0, "3": 1, "4": 0, "5": 1}
    assert summary["mine"] is None  # anonymous
    by_id = act("nd47_rating_show", cast.neighbour, dataset=dataset["id"])
    assert by_id["mine"]["stars"] == 3

    withdrawn = act("nd47_rating_delete", cast.citizen,
                    dataset=dataset["name"])
    assert (withdrawn["count"], withdrawn["average"], withdrawn["mine"]) == \
        (1, 3.0, None)
    with pytest.raises(tk.ObjectNotFound):
        act("nd47_rating_delete", cast.citizen, dataset=dataset["name"])


def test_low_ratings_feed_the_improvement_request(
        cast: Cast, dataset: dict[str, Any]) -> None:
    assert rate(cast.citizen, dataset, 4)["improvement_request"] is None
    assert act("nd47_request_list", None)["count"] == 0

    low = rate(cast.neighbour, dataset, 2, "timeliness")
    request_id = low["improvement_request"]
    assert request_id and low["low"] == 1
    request = show(request_id)
    assert (request["kind"], request["status"], request["low_ratings"]) == \
        ("improvement", "new", 1)
    assert request["dataset"]["name"] == dataset["name"]
    assert request["organization"]["id"] == cast.agency["id"]
    term = next(t for t in request["priority"]["terms"]
                if t["term"] == "low_ratings")
    assert term["measure"] == 1
    assert term["contribution"] == pytest.approx(term["weight"])

    # another low rating feeds the same request
    lower = rate(cast.steward, dataset, 1, "quality")
    assert lower["improvement_request"] == request_id
    assert show(request_id)["low_ratings"] == 2
    assert act("nd47_request_list", None, kind="improvement")["count"] == 1
    score = show(request_id)["priority"]["score"]

    # raising a rating lowers the term
    rate(cast.neighbour, dataset, 4)
    raised = show(request_id)
    assert raised["low_ratings"] == 1
    assert raised["priority"]["score"] < score
    act("nd47_rating_delete", cast.steward, dataset=dataset["name"])
    assert show(request_id)["low_ratings"] == 0


def test_report_creates_or_supports_the_improvement_request(
        cast: Cast, dataset: dict[str, Any]) -> None:
    report = act("nd47_dataset_report", cast.citizen, dataset=dataset["name"],
                 text="Bảng giá năm 2025 chưa có", requester_type="business")
    assert report["kind"] == "improvement"
    assert report["dataset"]["name"] == dataset["name"]
    assert report["supporters_by_type"]["business"] == 1
    assert [c["text"] for c in show(report["id"])["comments"]] == [
        "Bảng giá năm 2025 chưa có"]
    assert show(report["id"], cast.citizen)["viewer"] == {
        "supports": True, "follows": True, "can_manage": False}

    second = act("nd47_dataset_report", cast.neighbour, dataset=dataset["id"],
                 text="Thiếu giá đất nông nghiệp")
    assert second["id"] == report["id"]
    assert (listed(report["id"])["supporters"],
            listed(report["id"])["comments"],
            show(report["id"])["followers"]) == (2, 2, 2)
    # the same reporter again: another comment, still one supporter
    act("nd47_dataset_report", cast.neighbour, dataset=dataset["name"],
        text="Nhắc lại")
    assert (listed(report["id"])["supporters"],
            listed(report["id"])["comments"]) == (2, 3)
    assert act("nd47_request_list", None)["count"] == 1
    assert_counters_match_rows()


def test_a_report_joins_the_request_a_low_rating_started(
        cast: Cast, dataset: dict[str, Any]) -> None:
    request_id = rate(cast.neighbour, dataset, 1)["improvement_request"]
    report = act("nd47_dataset_report", cast.citizen, dataset=dataset["name"],
                 text="Số liệu sai")
    assert report["id"] == request_id
    assert report["low_ratings"] == 1
    assert report["supporters"] == 1


def test_a_closed_improvement_request_is_not_reused(
        cast: Cast, dataset: dict[str, Any]) -> None:
    first = act("nd47_dataset_report", cast.citizen, dataset=dataset["name"],
                text="Cần cập nhật")
    act("nd47_request_transition", cast.steward, id=first["id"],
        status="published", dataset=dataset["name"], reason="Đã cập nhật")
    later = act("nd47_dataset_report", cast.neighbour,
                dataset=dataset["name"], text="Lại cũ rồi")
    assert later["id"] != first["id"] and later["status"] == "new"
    assert show(first["id"])["status"] == "published"


# --- deleting people's content keeps the counters right ----------------------

@pytest.fixture
def busy(cast: Cast) -> dict[str, Any]:
    """Two requests with votes of every type, comments and follows by the
    neighbour and others."""
    first = new_request(cast)["id"]
    second = new_request(cast, title="Danh sách trường học",
                         requester_type="business")["id"]
    extra = ckan_factories.User(name="nha-nghien-cuu")
    for request_id in (first, second):
        vote(cast.neighbour, request_id, "business")
        vote(extra, request_id, "researcher")
        vote(cast.steward, request_id, "agency")
        act("nd47_request_follow", cast.neighbour, id=request_id)
        comment(cast.neighbour, request_id, "Ý kiến của hàng xóm")
        comment(extra, request_id, "Ý kiến nghiên cứu")
        comment(cast.citizen, request_id, "Ý kiến người yêu cầu")
    return {"requests": (first, second), "extra": extra}


def test_deleting_and_hiding_comments_keeps_counts(
        cast: Cast, busy: dict[str, Any]) -> None:
    first, second = busy["requests"]
    comments = show(first, cast.steward)["comments"]
    act("nd47_request_comment_delete", cast.neighbour, id=comments[0]["id"])
    act("nd47_request_comment_hide", cast.steward, id=comments[1]["id"])
    assert listed(first)["comments"] == 1
    assert listed(second)["comments"] == 3
    assert assert_counters_match_rows() == 2


def _user_id(name: str) -> str:
    user = model.User.get(name)
    assert user is not None
    return str(user.id)


def test_a_user_removed_with_sql_takes_their_votes_along(
        cast: Cast, busy: dict[str, Any]) -> None:
    first, second = busy["requests"]
    model.Session.execute(sa.text('DELETE FROM "user" WHERE id = :id'),
                          {"id": _user_id("hang-xom")})
    model.Session.commit()

    assert assert_counters_match_rows() == 2
    shown = show(first)
    assert shown["supporters"] == 3
    assert shown["supporters_by_type"] == {
        "citizen": 1, "business": 0, "researcher": 1, "agency": 1}
    assert shown["followers"] == 1
    # their comments stay, without an author
    assert listed(first)["comments"] == 3
    authors = [c["author"] for c in shown["comments"]]
    assert authors == [None, "nha-nghien-cuu", "nguoi-dan"]


def test_the_requester_removed_with_sql(cast: Cast,
                                        busy: dict[str, Any]) -> None:
    first, _ = busy["requests"]
    model.Session.execute(sa.text('DELETE FROM "user" WHERE id = :id'),
                          {"id": _user_id("nguoi-dan")})
    model.Session.commit()
    assert assert_counters_match_rows() == 2
    shown = show(first)
    assert shown["creator"] is None
    assert shown["history"][0]["actor"] is None
    assert shown["supporters"] == 3 and len(shown["comments"]) == 3


def test_a_user_deleted_through_the_orm(cast: Cast,
                                        busy: dict[str, Any]) -> None:
    user = model.User.get("nha-nghien-cuu")
    model.Session.delete(user)
    model.Session.commit()
    assert assert_counters_match_rows() == 2
    first, _ = busy["requests"]
    assert show(first)["supporters_by_type"]["researcher"] == 0


def test_user_delete_and_purge_keep_counts(cast: Cast,
                                           busy: dict[str, Any]) -> None:
    first, _ = busy["requests"]
    before = show(first)
    tk.get_action("user_delete")({"user": cast.sysadmin["name"]},
                                 {"id": "hang-xom"})
    assert assert_counters_match_rows() == 2
    # a deleted account is kept (state "deleted"), and so are its rows
    assert show(first)["supporters"] == before["supporters"]
    # the deleted account can no longer act
    with pytest.raises(tk.NotAuthorized):
        act("nd47_request_vote", cast.neighbour, id=first)
    model.Session.rollback()

    # a sysadmin purging the account removes its votes, not the comments
    purge = model.Session.execute(sa.text(
        'DELETE FROM "user" WHERE name = :name'), {"name": "hang-xom"})
    model.Session.commit()
    assert purge.rowcount == 1
    assert assert_counters_match_rows() == 2
    assert show(first)["supporters"] == before["supporters"] - 1
    assert [c["text"] for c in show(first)["comments"]] == \
        [c["text"] for c in before["comments"]]
    assert listed(first)["comments"] == 3


def test_deleting_a_request_removes_its_rows(cast: Cast,
                                             busy: dict[str, Any]) -> None:
    first, second = busy["requests"]
    model.Session.execute(sa.text(
        "DELETE FROM nd47_data_request WHERE id = :id"), {"id": first})
    model.Session.commit()
    for table in ("vote", "follower", "comment", "event"):
        left = model.Session.execute(sa.text(
            f"SELECT count(*) FROM nd47_data_request_{table} "
            "WHERE request_id = :id"), {"id": first}).scalar()
        assert left == 0, table
    assert assert_counters_match_rows() == 1
    assert show(second)["supporters"] == 4


# --- the priority score ------------------------------------------------------

def set_row(request_id: str, **values: Any) -> None:
    model.Session.execute(
        sa.text("UPDATE nd47_data_request SET "
                + ", ".join(f"{k} = :{k}" for k in values)
                + " WHERE id = :id"), {"id": request_id, **values})
    model.Session.commit()


def days_ago(days: float) -> dt.datetime:
    return store.now() - dt.timedelta(days=days)


def people(count: int) -> list[dict[str, Any]]:
    return [ckan_factories.User() for _ in range(count)]


def queue_order(**data: Any) -> list[str]:
    return [r["title"] for r in
            act("nd47_request_queue", None, **data)["results"]]


def test_sql_and_python_scores_agree(cast: Cast,
                                     dataset: dict[str, Any]) -> None:
    voters = people(4)
    made = [new_request(cast, title=f"Yêu cầu {i}",
                        requester_type=("citizen", "business")[i % 2])["id"]
            for i in range(5)]
    for i, request_id in enumerate(made):
        for j, user in enumerate(voters[:i]):
            vote(user, request_id, ("citizen", "business", "researcher",
                                    "agency")[j])
        for k in range(i % 3):
            comment(cast.neighbour, request_id, f"Bình luận {k}")
    set_row(made[1], last_activity=days_ago(3.5))
    set_row(made[2], last_activity=days_ago(45), dataset_usage=250)
    set_row(made[3], last_activity=days_ago(400))
    set_row(made[4], dataset_usage=7)
    rate(cast.neighbour, dataset, 1)
    rate(cast.steward, dataset, 2)

    formula = Formula.from_config()
    _, rows = store.search({}, "priority", 100, 0, 15)
    now = store.now()
    assert len(rows) == 6
    for row in rows:
        explained = formula.explain(dict(row._mapping), now)
        assert float(row.score) == pytest.approx(explained["score"],
                                                 abs=2e-3), row.title
        assert sum(t["contribution"] for t in explained["terms"]) == \
            pytest.approx(explained["score"], abs=5e-3)
    # the queue is in the order of the scores it explains
    scores = [r["priority"]["score"] for r in
              act("nd47_request_queue", None)["results"]]
    assert len(scores) == 6 and scores == sorted(scores, reverse=True)
    assert len(set(scores)) == 6

    # and each term is what the formula says
    terms = {t["term"]: t for t in show(made[2])["priority"]["terms"]}
    assert terms["supporters"]["contribution"] == pytest.approx(
        10 * math.log2(1 + 3), abs=1e-3)
    assert terms["usage"]["contribution"] == pytest.approx(
        math.log2(251), abs=1e-3)
    assert terms["recency"]["measure"] == pytest.approx(45, abs=0.01)
    assert terms["recency"]["contribution"] == pytest.approx(
        6 * 0.5 ** (45 / 30), abs=1e-3)
    assert terms["diversity"]["contribution"] == pytest.approx(4.0)
    assert terms["comments"]["contribution"] == pytest.approx(
        2 * math.log2(3), abs=1e-3)


def test_more_supporters_rank_higher(cast: Cast) -> None:
    fewer = new_request(cast, title="Ít người ủng hộ")["id"]
    more = new_request(cast, title="Nhiều người ủng hộ")["id"]
    for user in people(2):
        vote(user, more)
    set_row(fewer, last_activity=days_ago(0))
    set_row(more, last_activity=days_ago(0))
    assert queue_order() == ["Nhiều người ủng hộ", "Ít người ủng hộ"]


def test_more_diverse_supporters_rank_higher(cast: Cast) -> None:
    alike = new_request(cast, title="Chỉ người dân")["id"]
    diverse = new_request(cast, title="Nhiều loại người ủng hộ")["id"]
    alike_voters, diverse_voters = people(2), people(2)
    for user in alike_voters:
        vote(user, alike, "citizen")
    for user, kind in zip(diverse_voters, ("business", "researcher")):
        vote(user, diverse, kind)
    moment = days_ago(1)
    set_row(alike, last_activity=moment)
    set_row(diverse, last_activity=moment)
    assert show(alike)["supporters"] == show(diverse)["supporters"] == 3
    # the diverse one is newer: the older would win a tie
    assert queue_order() == ["Nhiều loại người ủng hộ", "Chỉ người dân"]


def test_recent_activity_ranks_higher(cast: Cast) -> None:
    quiet = new_request(cast, title="Im ắng")["id"]
    lively = new_request(cast, title="Sôi nổi")["id"]
    moment = days_ago(60)
    set_row(quiet, last_activity=moment, created=days_ago(90))
    set_row(lively, last_activity=moment, created=days_ago(80))
    assert queue_order() == ["Im ắng", "Sôi nổi"]  # a tie: older first
    said = comment(cast.neighbour, lively, "Vẫn cần")
    act("nd47_request_comment_delete", cast.neighbour, id=said["id"])
    # the comment is gone, the recent activity stays
    assert listed(lively)["comments"] == 0
    assert queue_order() == ["Sôi nổi", "Im ắng"]


def test_ties_are_broken_by_age(cast: Cast) -> None:
    names = ["Thứ nhất", "Thứ hai", "Thứ ba"]
    made = [new_request(cast, title=name)["id"] for name in names]
    moment = days_ago(2)
    for i, request_id in enumerate(made):
        set_row(request_id, last_activity=moment, created=days_ago(10 - i))
    scores = {r["priority"]["score"] for r in
              act("nd47_request_queue", None)["results"]}
    assert len(scores) == 1
    assert queue_order() == names
    # newest to oldest by making the youngest the oldest
    set_row(made[2], created=days_ago(30))
    assert queue_order() == ["Thứ ba", "Thứ nhất", "Thứ hai"]


@pytest.mark.parametrize("expected", [
    ["Nhiều người ủng hộ, cũ", "Một người ủng hộ, mới"],
    pytest.param(["Một người ủng hộ, mới", "Nhiều người ủng hộ, cũ"],
                 marks=pytest.mark.ckan_config(
                     "ckanext.nd47.priority.weight.supporters", "0"),
                 id="supporters-weight-0"),
    pytest.param(["Một người ủng hộ, mới", "Nhiều người ủng hộ, cũ"],
                 marks=pytest.mark.ckan_config(
                     "ckanext.nd47.priority.weight.recency", "40"),
                 id="recency-weight-40"),
])
def test_weights_come_from_the_config(cast: Cast,
                                      expected: list[str]) -> None:
    popular = new_request(cast, title="Nhiều người ủng hộ, cũ")["id"]
    for user in people(3):
        vote(user, popular)
    set_row(popular, last_activity=days_ago(30), created=days_ago(40))
    new_request(cast, title="Một người ủng hộ, mới")
    assert queue_order() == expected
    weights = {t["term"]: t["weight"] for t in
               act("nd47_request_queue", None)["results"][0]["priority"]
               ["terms"]}
    assert weights["supporters"] == float(
        tk.config["ckanext.nd47.priority.weight.supporters"])
