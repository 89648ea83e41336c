"""Hostile input to the feedback actions: over-long and NUL-laden text,
wrong types, unknown codes, broken JSON, markup, and floods. Every refusal
is a 4xx with a message in Vietnamese and English that stores nothing;
markup comes back as the same data; the rate limits are sliding windows
in Redis, per user and per client address, lower for new accounts, shared
by every process of the portal."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis
from ckan.tests import factories as ckan_factories

from ckanext.nd47.feedback import ratelimit
from tests import factories
from tests.feedback.conftest import Cast, act, dataset_named, new_request

ROOT = Path(__file__).resolve().parents[2]

TEXT_REQUIRED = ("Trường này là bắt buộc / This field is required")
NOT_TEXT = "Giá trị phải là văn bản / The value must be text"
NUL = ("Văn bản chứa ký tự NUL không hợp lệ / The text contains an invalid "
       "NUL character")
WHOLE_NUMBER = "Phải là một số nguyên / Must be a whole number"
ONE_TO_FIVE = "Phải từ 1 đến 5 / Must be 1 to 5"

TABLES = ("nd47_data_request", "nd47_data_request_vote",
          "nd47_data_request_follower", "nd47_data_request_comment",
          "nd47_data_request_event", "nd47_dataset_rating")


def rows() -> dict[str, int]:
    model.Session.rollback()
    return {table: int(model.Session.execute(
        sa.text(f"SELECT count(*) FROM {table}")).scalar())
        for table in TABLES}


def refused(call: Callable[[], Any]) -> dict[str, list[str]]:
    """``call`` must be refused with a validation error and store
    nothing; every message has its English after the Vietnamese."""
    before = rows()
    with pytest.raises(tk.ValidationError) as error:
        call()
    model.Session.rollback()
    assert rows() == before
    found: dict[str, list[str]] = error.value.error_dict
    for messages in found.values():
        for text in messages:
            assert " / " in text, text
    return found


def too_long(limit: int) -> str:
    return (f"Văn bản dài quá {limit} ký tự / The text is longer than "
            f"{limit} characters")


@pytest.fixture
def cast(reused_cast: Cast) -> Cast:
    """The people of ``cast``, made once for the module's many tests, with
    accounts two days old (past the new-account limits)."""
    model.Session.execute(sa.text(
        "UPDATE \"user\" SET created = now() - interval '2 days' "
        "WHERE name = ANY(:names)"), {"names": [
            person["name"] for person in (
                reused_cast.citizen, reused_cast.neighbour,
                reused_cast.steward, reused_cast.other_steward,
                reused_cast.sysadmin)]})
    model.Session.commit()
    return reused_cast


@pytest.fixture
def world(cast: Cast) -> dict[str, Any]:
    request = new_request(cast)
    dataset = dataset_named(cast, "gia-dat")
    said = act("nd47_request_comment_create", cast.neighbour,
               id=request["id"], text="Một bình luận")
    return {"cast": cast, "request": request, "dataset": dataset,
            "comment": said}


def calls(world: dict[str, Any]) -> dict[str, tuple[str, Any, dict[str, Any]]]:
    """Every text-taking action with valid data: (action, user, data)."""
    cast: Cast = world["cast"]
    request_id = world["request"]["id"]
    return {
        "create": ("nd47_request_create", cast.neighbour, {
            "title": "Danh mục chợ", "description": "Tên, địa chỉ",
            "purpose": "Bản đồ", "organization": "so-nong-nghiep"}),
        "comment": ("nd47_request_comment_create", cast.neighbour,
                    {"id": request_id, "text": "Đồng ý"}),
        "transition": ("nd47_request_transition", cast.steward, {
            "id": request_id, "status": "under_review",
            "reason": "Đang xem xét"}),
        "reassign": ("nd47_request_reassign", cast.steward, {
            "id": request_id, "organization": "so-xay-dung",
            "reason": "Đúng cơ quan"}),
        "hide": ("nd47_request_comment_hide", cast.steward, {
            "id": world["comment"]["id"], "reason": "Lạc đề"}),
        "rate": ("nd47_rating_create", cast.neighbour, {
            "dataset": "gia-dat", "stars": 4, "reason": "quality",
            "comment": "Tốt"}),
        "report": ("nd47_dataset_report", cast.neighbour, {
            "dataset": "gia-dat", "text": "Thiếu năm 2025"}),
    }


# --- text: length, NUL, type -------------------------------------------------

#: (call, field, limit)
TEXT_FIELDS = [
    ("create", "title", 200), ("create", "description", 5000),
    ("create", "purpose", 2000), ("comment", "text", 2000),
    ("transition", "reason", 2000), ("reassign", "reason", 2000),
    ("hide", "reason", 1000), ("rate", "comment", 2000),
    ("report", "text", 2000),
]
TEXT_IDS = [f"{c}.{f}" for c, f, _ in TEXT_FIELDS]


@pytest.mark.parametrize("call, field, limit", TEXT_FIELDS, ids=TEXT_IDS)
def test_text_over_the_limit_is_refused(world: dict[str, Any], call: str,
                                        field: str, limit: int) -> None:
    action, user, data = calls(world)[call]
    found = refused(lambda: act(action, user,
                                **{**data, field: "Đ" * (limit + 1)}))
    assert found == {field: [too_long(limit)]}
    # the limit itself is allowed (surrounding spaces do not count)
    act(action, user, **{**data, field: "  " + "Đ" * limit + "\n"})


@pytest.mark.parametrize("call, field, limit", TEXT_FIELDS, ids=TEXT_IDS)
def test_nul_characters_are_refused(world: dict[str, Any], call: str,
                                    field: str, limit: int) -> None:
    action, user, data = calls(world)[call]
    for value in ("\x00", "Dữ liệu\x00", "a\x00b"):
        found = refused(lambda: act(action, user, **{**data, field: value}))
        assert found == {field: [NUL]}


@pytest.mark.parametrize("call, field, limit", TEXT_FIELDS, ids=TEXT_IDS)
def test_lone_surrogates_are_refused(world: dict[str, Any], call: str,
                                     field: str, limit: int) -> None:
    """JSON may carry "\\ud800", which no database encoding can store."""
    action, user, data = calls(world)[call]
    for value in ("\ud800", "Dữ liệu \udfff", "\ud83d\ude00"):
        found = refused(lambda: act(action, user, **{**data, field: value}))
        assert found == {field: [
            "Văn bản chứa ký tự Unicode không hợp lệ / The text contains an "
            "invalid Unicode character"]}
    # a real emoji is fine
    act(action, user, **{**data, field: "Dữ liệu 😀"})


@pytest.mark.parametrize("action, field", [
    ("nd47_request_list", "limit"), ("nd47_request_list", "offset"),
    ("nd47_request_queue", "limit"), ("nd47_request_queue", "offset"),
])
@pytest.mark.parametrize("value", [float("inf"), float("-inf"),
                                   float("nan"), "1e309", "10; DROP", [5]])
def test_paging_numbers_must_be_whole_numbers(cast: Cast, action: str,
                                              field: str, value: Any) -> None:
    assert refused(lambda: act(action, None, **{field: value})) == \
        {field: [WHOLE_NUMBER]}


@pytest.mark.parametrize("value", [["Danh mục"], {"vi": "Danh mục"}, 42,
                                   True, 1.5])
@pytest.mark.parametrize("call, field, limit", TEXT_FIELDS, ids=TEXT_IDS)
def test_text_of_another_type_is_refused(world: dict[str, Any], call: str,
                                         field: str, limit: int,
                                         value: Any) -> None:
    action, user, data = calls(world)[call]
    found = refused(lambda: act(action, user, **{**data, field: value}))
    assert found.get(field) in ([NOT_TEXT], [TEXT_REQUIRED]), found


@pytest.mark.parametrize("field", ["title", "description"])
@pytest.mark.parametrize("value", ["", "   ", None])
def test_required_text_cannot_be_empty(world: dict[str, Any], field: str,
                                       value: Any) -> None:
    action, user, data = calls(world)["create"]
    assert refused(lambda: act(action, user, **{**data, field: value})) == \
        {field: [TEXT_REQUIRED]}


@pytest.mark.parametrize("stars, message", [
    ("abc", WHOLE_NUMBER), (True, WHOLE_NUMBER), (False, WHOLE_NUMBER),
    (2.5, WHOLE_NUMBER), ("4.0", WHOLE_NUMBER), ([4], WHOLE_NUMBER),
    ({"n": 4}, WHOLE_NUMBER), (None, "Trường này là bắt buộc / This field is required"),
    ("", "Trường này là bắt buộc / This field is required"),
    (0, ONE_TO_FIVE), (6, ONE_TO_FIVE), (-1, ONE_TO_FIVE),
    ("6", ONE_TO_FIVE), (10**30, ONE_TO_FIVE),
    (float("inf"), WHOLE_NUMBER), (float("nan"), WHOLE_NUMBER),
])
def test_stars_must_be_a_whole_number_from_1_to_5(
        world: dict[str, Any], stars: Any, message: str) -> None:
    action, user, data = calls(world)["rate"]
    assert refused(lambda: act(action, user, **{**data, "stars": stars})) \
        == {"stars": [message]}


def test_stars_as_text_are_read_as_a_number(world: dict[str, Any]) -> None:
    action, user, data = calls(world)["rate"]
    assert act(action, user, **{**data, "stars": " 3 "})["mine"]["stars"] \
        == 3


# --- unknown codes -----------------------------------------------------------

@pytest.mark.parametrize("call, field, value, vietnamese", [
    ("create", "requester_type", "alien", "Giá trị không hợp lệ"),
    ("create", "requester_type", ["citizen"], "Giá trị không hợp lệ"),
    ("create", "sector", "XYZ", "Lĩnh vực không có trong danh sách"),
    ("create", "organization", "khong-co", "Cơ quan không tồn tại"),
    ("reassign", "organization", "khong-co", "Cơ quan không tồn tại"),
    ("transition", "status", "closed", "Giá trị không hợp lệ"),
    ("transition", "status", "open", "Giá trị không hợp lệ"),
    ("rate", "reason", "boring", "Giá trị không hợp lệ"),
    ("rate", "requester_type", "robot", "Giá trị không hợp lệ"),
    ("report", "requester_type", "robot", "Giá trị không hợp lệ"),
])
def test_unknown_codes_are_refused_clearly(world: dict[str, Any], call: str,
                                           field: str, value: Any,
                                           vietnamese: str) -> None:
    action, user, data = calls(world)[call]
    found = refused(lambda: act(action, user, **{**data, field: value}))
    assert list(found) == [field]
    assert found[field][0].startswith(vietnamese), found


def test_an_unknown_decline_ground_lists_the_known_ones(
        world: dict[str, Any]) -> None:
    action, user, data = calls(world)["transition"]
    found = refused(lambda: act(action, user, **{
        **data, "status": "declined", "decline_ground": "khong-thich"}))
    assert "personal_information" in found["decline_ground"][0]
    assert "Invalid value; choose one of:" in found["decline_ground"][0]


@pytest.mark.parametrize("action, data", [
    ("nd47_request_show", {"id": "khong-co"}),
    ("nd47_request_vote", {"id": "khong-co"}),
    ("nd47_request_comment_create", {"id": "khong-co", "text": "?"}),
    ("nd47_rating_show", {"dataset": "khong-co"}),
    ("nd47_rating_create", {"dataset": "khong-co", "stars": 3,
                            "reason": "quality"}),
    ("nd47_dataset_report", {"dataset": "khong-co", "text": "?"}),
])
def test_unknown_objects_are_not_found(world: dict[str, Any], action: str,
                                       data: dict[str, Any]) -> None:
    before = rows()
    with pytest.raises(tk.ObjectNotFound):
        act(action, world["cast"].neighbour, **data)
    model.Session.rollback()
    assert rows() == before


# --- hostile JSON over HTTP --------------------------------------------------

HOSTILE_BODIES = [
    "", "not json", "[]", '"a string"', "null", "42", "{",
    '{"title": "a", "title": {"$ne": null}}',
    '{"id": {"$gt": ""}, "text": ["a", {"b": 1}]}',
    '{"title": [[[[["x"]]]]], "description": {"a": {"b": {"c": 1}}}}',
    '{"stars": 1e309, "dataset": "gia-dat", "reason": "quality"}',
    '{"stars": -1e309, "dataset": "gia-dat", "reason": "quality"}',
    '{"stars": NaN, "dataset": "gia-dat", "reason": "quality"}',
    '{"stars": 99999999999999999999999999, "dataset": "gia-dat"}',
    '{"limit": 1e309}', '{"limit": "1; DROP TABLE package"}',
    '{"offset": -1}', '{"sort": {"$where": 1}}',
    '{"id": "\\u0000", "text": "\\u0000"}',
    '{"title": "\\ud800", "description": "\\udfff"}',
    '{"organization": "../../../etc/passwd", "title": "a", '
    '"description": "b"}',
    '{"target_date": "9999-99-99", "status": "planned", "reason": "x"}',
    '{"target_date": 20301231, "status": "planned", "reason": "x"}',
    '{"status": ["planned"], "reason": "x"}',
    '{"q": "\\ud83d", "organization": "\\udfff"}',
]
# Not here: JSON nested thousands deep. CKAN's API view decodes the body
# before any action runs and lets the RecursionError through (a 500 for
# every action, core or not).

ACTIONS = ["nd47_request_create", "nd47_request_list", "nd47_request_queue",
           "nd47_request_vote", "nd47_request_comment_create",
           "nd47_request_transition", "nd47_request_reassign",
           "nd47_rating_create", "nd47_dataset_report",
           "nd47_request_metrics"]


@pytest.mark.parametrize("action", ACTIONS)
def test_hostile_json_is_a_4xx_never_a_500(app: Any, world: dict[str, Any],
                                           action: str) -> None:
    headers = {"Authorization": factories.api_token(world["cast"].steward),
               "Content-Type": "application/json"}
    before = rows()
    request_id = world["request"]["id"]
    for body in HOSTILE_BODIES:
        # aimed at the real request where a body names one
        body = body.replace('"id": "\\u0000"', f'"id": "{request_id}"')
        response = app.post(f"/api/3/action/{action}", data=body,
                            headers=headers)
        assert response.status_code < 500, (body[:80], response.body[:400])
        if response.status_code in (403, 404, 409):
            assert response.json["success"] is False, body[:80]
    model.Session.rollback()
    after = rows()
    # read actions store nothing; a hostile body never stores anything
    # except what a valid part of it legitimately asked for
    assert after["nd47_dataset_rating"] == before["nd47_dataset_rating"]
    assert after["nd47_data_request"] == before["nd47_data_request"]


def test_validation_errors_over_http_are_409_in_both_languages(
        app: Any, world: dict[str, Any]) -> None:
    headers = {"Authorization": factories.api_token(world["cast"].citizen)}
    before = rows()
    response = app.post("/api/3/action/nd47_request_create", headers=headers,
                        json={"title": "x" * 201, "description": "Mô tả",
                              "requester_type": "alien"})
    assert response.status_code == 409
    error = response.json["error"]
    assert error["__type"] == "Validation Error"
    assert error["title"] == [too_long(200)]
    assert error["requester_type"][0].startswith("Giá trị không hợp lệ")
    response = app.post("/api/3/action/nd47_rating_create", headers=headers,
                        json={"dataset": "gia-dat", "stars": "abc",
                              "reason": "quality"})
    assert response.status_code == 409
    assert response.json["error"]["stars"] == [WHOLE_NUMBER]
    model.Session.rollback()
    assert rows() == before


# --- markup is data ----------------------------------------------------------

PAYLOADS = ["<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "{{ 7*7 }} ${7*7} <b>đậm</b> &amp; &lt;",
            "javascript:alert(document.cookie)",
            "'; DROP TABLE nd47_data_request; --"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markup_comes_back_unchanged(app: Any, cast: Cast,
                                     payload: str) -> None:
    dataset = dataset_named(cast, "gia-dat")
    request = new_request(cast, title=payload, description=payload,
                          purpose=payload)
    request_id = request["id"]
    said = act("nd47_request_comment_create", cast.neighbour, id=request_id,
               text=payload)
    act("nd47_request_comment_create", cast.neighbour, id=request_id,
        text="bình thường")
    hidden = act("nd47_request_comment_create", cast.neighbour,
                 id=request_id, text="ẩn")
    act("nd47_request_comment_hide", cast.steward, id=hidden["id"],
        reason=payload)
    act("nd47_request_transition", cast.steward, id=request_id,
        status="under_review", reason=payload)
    act("nd47_request_reassign", cast.steward, id=request_id,
        organization="so-xay-dung", reason=payload)
    act("nd47_rating_create", cast.neighbour, dataset="gia-dat", stars=2,
        reason="other", comment=payload)
    report = act("nd47_dataset_report", cast.citizen, dataset="gia-dat",
                 text=payload)

    assert said["text"] == payload
    shown = act("nd47_request_show", None, id=request_id)
    assert (shown["title"], shown["description"], shown["purpose"],
            shown["response"]) == (payload,) * 4
    assert shown["comments"][0]["text"] == payload
    assert [e["reason"] for e in shown["history"][1:]] == [payload] * 3
    listed = act("nd47_request_list", None, q=payload)
    assert [r["title"] for r in listed["results"]] == [payload]
    assert act("nd47_rating_show", cast.neighbour,
               dataset=dataset["name"])["mine"]["comment"] == payload
    assert act("nd47_request_show", None, id=report["id"])["comments"][-1][
        "text"] == payload

    # over HTTP: JSON, the same string once decoded, never HTML
    response = app.get("/api/3/action/nd47_request_show",
                       params={"id": request_id})
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json["result"]["title"] == payload
    assert response.json["result"]["comments"][0]["text"] == payload
    listed_http = app.get("/api/3/action/nd47_request_list",
                          params={"q": payload})
    assert listed_http.json["result"]["results"][0]["description"] == payload
    # the database holds the text as typed
    assert model.Session.execute(sa.text(
        "SELECT title FROM nd47_data_request WHERE id = :id"),
        {"id": request_id}).scalar() == payload


# --- rate limits -------------------------------------------------------------

def rate_limited(found: dict[str, list[str]], limit: int, vi: str,
                 en: str) -> None:
    assert list(found) == ["rate_limit"]
    assert found["rate_limit"] == [
        f"Bạn đã gửi quá {limit} {vi} trong 60 phút; xin thử lại sau 60 "
        f"phút / You have made more than {limit} {en} in 60 minutes; please "
        "try again in 60 minutes"]


def redis_counts(kind: str, who: str = "user") -> dict[str, int]:
    """user id (or address) -> actions counted in the window, from Redis."""
    redis = connect_to_redis()
    counts = {}
    for key in redis.keys(f"nd47:rate:{kind}:{who}:*"):
        text = key.decode() if isinstance(key, bytes) else key
        assert 0 < redis.pttl(key) <= 3600 * 1000 + 1000
        counts[text.split(":", 4)[4]] = int(redis.zcard(key))
    return counts


@pytest.mark.ckan_config("ckanext.nd47.rate_limit.requests", "2")
def test_the_third_request_in_the_window_is_refused(cast: Cast) -> None:
    new_request(cast, title="Một")
    new_request(cast, title="Hai")
    found = refused(lambda: new_request(cast, title="Ba"))
    rate_limited(found, 2, "yêu cầu dữ liệu", "data requests")
    # per user: the neighbour still may
    act("nd47_request_create", cast.neighbour, title="Của hàng xóm",
        description="Mô tả")
    # what was refused is not counted
    assert redis_counts("requests") == {cast.citizen["id"]: 2,
                                        cast.neighbour["id"]: 1}
    assert act("nd47_request_list", None)["count"] == 3


@pytest.mark.ckan_config("ckanext.nd47.rate_limit.requests", "2")
def test_problem_reports_count_as_requests(cast: Cast) -> None:
    dataset_named(cast, "gia-dat")
    new_request(cast)
    act("nd47_dataset_report", cast.citizen, dataset="gia-dat", text="Sai")
    found = refused(lambda: act("nd47_dataset_report", cast.citizen,
                                dataset="gia-dat", text="Sai nữa"))
    rate_limited(found, 2, "yêu cầu dữ liệu", "data requests")


@pytest.mark.ckan_config("ckanext.nd47.rate_limit.comments", "2")
def test_the_third_comment_in_the_window_is_refused(app: Any,
                                                    cast: Cast) -> None:
    request = new_request(cast)
    for text in ("Một", "Hai"):
        act("nd47_request_comment_create", cast.neighbour, id=request["id"],
            text=text)
    found = refused(lambda: act("nd47_request_comment_create",
                                cast.neighbour, id=request["id"], text="Ba"))
    rate_limited(found, 2, "bình luận", "comments")
    response = app.post("/api/3/action/nd47_request_comment_create",
                        headers={"Authorization":
                                 factories.api_token(cast.neighbour)},
                        json={"id": request["id"], "text": "Bốn"})
    assert response.status_code == 409
    assert response.json["error"]["rate_limit"][0].startswith(
        "Bạn đã gửi quá 2 bình luận")
    act("nd47_request_comment_create", cast.citizen, id=request["id"],
        text="Của người khác")
    shown = act("nd47_request_show", None, id=request["id"])
    assert [c["text"] for c in shown["comments"]] == [
        "Một", "Hai", "Của người khác"]


@pytest.mark.ckan_config("ckanext.nd47.rate_limit.votes", "2")
def test_the_third_vote_in_the_window_is_refused(cast: Cast) -> None:
    request = new_request(cast)
    act("nd47_request_vote", cast.neighbour, id=request["id"])
    act("nd47_request_unvote", cast.neighbour, id=request["id"])
    found = refused(lambda: act("nd47_request_vote", cast.neighbour,
                                id=request["id"]))
    rate_limited(found, 2, "lượt ủng hộ", "supports")
    shown = act("nd47_request_show", cast.neighbour, id=request["id"])
    assert shown["supporters"] == 1 and shown["viewer"]["supports"] is False
    assert redis_counts("votes") == {cast.neighbour["id"]: 2}


def test_a_burst_at_the_edge_of_a_window_is_refused(clean_redis: Any
                                                    ) -> None:
    """Three a minute: three at 0:59 leave none for 1:01 (a fixed window
    would have started afresh at 1:00 and allowed six in two seconds);
    each comes back a minute after it was made."""
    key = [("nd47:rate:test:user:edge", 3)]
    assert [ratelimit.admit(key, 60, now=t)
            for t in (10.0, 30.0, 59.0)] == [None, None, None]
    assert ratelimit.admit(key, 60, now=61.0) == (0, 9.0)
    assert ratelimit.admit(key, 60, now=69.5) == (0, 0.5)
    # the one of 0:10 has left the window at 1:10; the one of 0:30 not yet
    assert ratelimit.admit(key, 60, now=70.0) is None
    assert ratelimit.admit(key, 60, now=70.5) == (0, 19.5)
    assert ratelimit.admit(key, 60, now=90.0) is None
    assert ratelimit.admit(key, 60, now=90.0) == (0, 29.0)
    # over the window: 0:59, 1:10 and 1:30 are kept, the refusals are not
    assert int(connect_to_redis().zcard("nd47:rate:test:user:edge")) == 3


def test_every_key_must_admit_and_a_refusal_records_nothing(
        clean_redis: Any) -> None:
    mine = ("nd47:rate:test:user:a", 5)
    shared = ("nd47:rate:test:ip:192.0.2.1", 2)
    assert ratelimit.admit([mine, shared], 60, now=0.0) is None
    assert ratelimit.admit([mine, shared], 60, now=1.0) is None
    assert ratelimit.admit([mine, shared], 60, now=2.0) == (1, 58.0)
    redis = connect_to_redis()
    assert [int(redis.zcard(key)) for key, _ in (mine, shared)] == [2, 2]


@pytest.mark.ckan_config("ckanext.nd47.rate_limit.votes", "1")
@pytest.mark.ckan_config("ckanext.nd47.rate_limit.window_seconds", "1")
def test_the_window_slides(cast: Cast) -> None:
    request = new_request(cast)
    act("nd47_request_vote", cast.neighbour, id=request["id"])
    found = refused(lambda: act("nd47_request_unvote", cast.neighbour,
                                id=request["id"]))
    assert found == {"rate_limit": [
        "Bạn đã gửi quá 1 lượt ủng hộ trong 1 giây; xin thử lại sau 1 giây / "
        "You have made more than 1 supports in 1 second; please try again in "
        "1 second"]}
    time.sleep(1.05)
    assert act("nd47_request_unvote", cast.neighbour,
               id=request["id"])["supporters"] == 1


def _post(app: Any, person: dict[str, Any], action: str, address: str,
          **data: Any) -> Any:
    return app.post(f"/api/3/action/{action}", json=data,
                    headers={"Authorization": factories.api_token(person)},
                    environ_overrides={"REMOTE_ADDR": address})


@pytest.mark.ckan_config("ckanext.nd47.rate_limit.requests", "2")
@pytest.mark.ckan_config("ckanext.nd47.rate_limit.per_ip_factor", "1")
def test_one_address_is_limited_across_accounts(app: Any,
                                                cast: Cast) -> None:
    office, home = "192.0.2.10", "2001:db8::7"
    assert _post(app, cast.citizen, "nd47_request_create", office,
                 title="Một", description="Từ văn phòng").status_code == 200
    assert _post(app, cast.neighbour, "nd47_request_create", office,
                 title="Hai", description="Từ văn phòng").status_code == 200
    response = _post(app, cast.neighbour, "nd47_request_create", office,
                     title="Ba", description="Từ văn phòng")
    assert response.status_code == 409
    assert response.json["error"]["rate_limit"] == [
        "Từ địa chỉ mạng của bạn đã có quá 2 yêu cầu dữ liệu trong 60 phút; "
        "xin thử lại sau 60 phút / More than 2 data requests have come from "
        "your network address in 60 minutes; please try again in 60 "
        "minutes"]
    # the neighbour's own limit is not reached: from home they may
    assert _post(app, cast.neighbour, "nd47_request_create", home,
                 title="Ba", description="Ở nhà").status_code == 200
    assert redis_counts("requests", "ip") == {office: 2, home: 1}
    assert sorted(r["title"] for r in act("nd47_request_list", None)[
        "results"]) == ["Ba", "Hai", "Một"]


@pytest.mark.ckan_config("ckanext.nd47.rate_limit.comments", "1")
@pytest.mark.ckan_config("ckanext.nd47.rate_limit.per_ip_factor", "1")
def test_a_client_cannot_choose_its_address(app: Any, ckan_config: Any,
                                            cast: Cast) -> None:
    request = new_request(cast)

    def comment(person: dict[str, Any], forwarded: str) -> int:
        return int(app.post(
            "/api/3/action/nd47_request_comment_create",
            json={"id": request["id"], "text": "Đồng ý"},
            headers={"Authorization": factories.api_token(person),
                     "X-Forwarded-For": forwarded},
            environ_overrides={"REMOTE_ADDR": "192.0.2.1"}).status_code)

    # without trusted proxies the header is ignored: one peer, one count
    assert comment(cast.citizen, "198.51.100.1") == 200
    assert comment(cast.neighbour, "198.51.100.2") == 409
    # behind one proxy, the address it appended is the client's, and
    # whatever the client itself put before it is not
    ckan_config["ckanext.nd47.rate_limit.proxy_hops"] = "1"
    assert comment(cast.neighbour, "203.0.113.5, 198.51.100.2") == 200
    assert comment(cast.steward, "198.51.100.2") == 409
    assert comment(cast.steward, "198.51.100.2, 198.51.100.3") == 200
    assert set(redis_counts("comments", "ip")) == {
        "192.0.2.1", "198.51.100.2", "198.51.100.3"}


@pytest.mark.ckan_config("ckanext.nd47.rate_limit.requests", "4")
@pytest.mark.ckan_config("ckanext.nd47.rate_limit.new_account_hours", "24")
def test_a_new_account_has_a_lower_limit(cast: Cast) -> None:
    newcomer = ckan_factories.User(name="moi-dang-ky")
    for title in ("Một", "Hai"):
        act("nd47_request_create", newcomer, title=title,
            description="Mô tả")
    found = refused(lambda: act("nd47_request_create", newcomer,
                                title="Ba", description="Mô tả"))
    assert found == {"rate_limit": [
        "Tài khoản mới (dưới 24 giờ) chỉ được gửi 2 yêu cầu dữ liệu trong "
        "60 phút; xin thử lại sau 60 phút / A new account (under 24 hours "
        "old) may make only 2 data requests in 60 minutes; please try again "
        "in 60 minutes"]}
    # an account two days old has the whole limit
    for title in ("Một", "Hai", "Ba", "Bốn"):
        new_request(cast, title=title)
    rate_limited(refused(lambda: new_request(cast, title="Năm")), 4,
                 "yêu cầu dữ liệu", "data requests")
    # a day later the newcomer is no longer new
    model.Session.execute(sa.text(
        "UPDATE \"user\" SET created = now() - interval '25 hours' "
        "WHERE name = 'moi-dang-ky'"))
    model.Session.commit()
    act("nd47_request_create", newcomer, title="Ba", description="Mô tả")


@pytest.mark.ckan_config("ckanext.nd47.rate_limit.requests", "1")
def test_sysadmins_are_not_limited(cast: Cast) -> None:
    for title in ("Một", "Hai", "Ba"):
        act("nd47_request_create", cast.sysadmin, title=title,
            description="Mô tả")
    assert redis_counts("requests") == {}


@pytest.mark.ckan_config("ckanext.nd47.rate_limit.follows", "4")
def test_follows_are_limited(app: Any, cast: Cast) -> None:
    request = new_request(cast)
    dataset = dataset_named(cast, "gia-dat")
    act("nd47_request_follow", cast.neighbour, id=request["id"])
    act("nd47_request_unfollow", cast.neighbour, id=request["id"])
    # CKAN's own follows share the count
    act("follow_dataset", cast.neighbour, id=dataset["id"])
    act("follow_user", cast.neighbour, id=cast.citizen["id"])
    # refused as CKAN refuses a follow (its pages show ``message``)
    with pytest.raises(tk.ValidationError) as error:
        act("follow_group", cast.neighbour, id=cast.agency["id"])
    assert error.value.error_dict == {"message": (
        "Bạn đã gửi quá 4 lượt theo dõi trong 60 phút; xin thử lại sau 60 "
        "phút / You have made more than 4 follows in 60 minutes; please try "
        "again in 60 minutes")}
    model.Session.rollback()
    response = _post(app, cast.neighbour, "nd47_request_follow",
                     "192.0.2.20", id=request["id"])
    assert response.status_code == 409
    assert response.json["error"]["rate_limit"][0].startswith(
        "Bạn đã gửi quá 4 lượt theo dõi")
    # CKAN's follow button answers with the refusal, not a server error
    page = app.post(f"/dataset/follow/{dataset['name']}", headers={
        "Authorization": factories.api_token(cast.neighbour)})
    assert page.status_code == 200
    assert "Bạn đã gửi quá 4 lượt theo dõi" in page.body
    shown = act("nd47_request_show", cast.neighbour, id=request["id"])
    assert shown["viewer"]["follows"] is False
    assert act("am_following_group", cast.neighbour,
               id=cast.agency["id"]) is False
    assert act("dataset_follower_count", None, id=dataset["id"]) == 1
    # an anonymous caller is refused by CKAN and counts for no one
    with pytest.raises(tk.NotAuthorized):
        act("follow_dataset", None, id=dataset["id"])
    assert redis_counts("follows") == {cast.neighbour["id"]: 4}


SECOND_WORKER = """
import json, sys
from ckan.cli import load_config
from ckan.config.middleware import make_app
import ckan.plugins.toolkit as tk

app = make_app(load_config(sys.argv[1]))
tk.config["ckanext.nd47.rate_limit.requests"] = "2"
with app._wsgi_app.test_request_context():
    for user in sys.argv[2:]:
        try:
            tk.get_action("nd47_request_create")(
                {"user": user, "ignore_auth": False},
                {"title": "Từ tiến trình thứ hai / from a second process",
                 "description": "Mô tả"})
            print(json.dumps({"user": user, "ok": True}))
        except tk.ValidationError as error:
            print(json.dumps({"user": user, "ok": False,
                              "error": error.error_dict}))
"""


def second_worker(*users: str) -> list[dict[str, Any]]:
    """Create a request as each user from another Python process, with
    its own CKAN app (the test's environment names the same database and
    Redis)."""
    done = subprocess.run(
        [sys.executable, "-c", SECOND_WORKER, tk.config["__file__"], *users],
        capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines()
            if line.startswith("{")]


@pytest.mark.ckan_config("ckanext.nd47.rate_limit.requests", "2")
def test_every_process_shares_the_count(cast: Cast) -> None:
    new_request(cast, title="Một")
    new_request(cast, title="Hai")

    # another worker sees the citizen's two requests: the third is refused
    # there, while the neighbour's first goes through
    outcome = second_worker("nguoi-dan", "hang-xom")
    assert [(o["user"], o["ok"]) for o in outcome] == [
        ("nguoi-dan", False), ("hang-xom", True)]
    rate_limited(outcome[0]["error"], 2, "yêu cầu dữ liệu", "data requests")

    # and this one sees what the other counted
    act("nd47_request_create", cast.neighbour, title="Hai của hàng xóm",
        description="Mô tả")
    found = refused(lambda: act("nd47_request_create", cast.neighbour,
                                title="Ba của hàng xóm",
                                description="Mô tả"))
    rate_limited(found, 2, "yêu cầu dữ liệu", "data requests")
    assert redis_counts("requests") == {cast.citizen["id"]: 2,
                                        cast.neighbour["id"]: 2}
    titles = sorted(r["title"] for r in
                    act("nd47_request_list", None)["results"])
    assert titles == ["Hai", "Hai của hàng xóm", "Một",
                      "Từ tiến trình thứ hai / from a second process"]
