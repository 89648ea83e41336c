"""The steward workflow of a data request through the actions: every
allowed move with what it needs, every forbidden move refused without a
trace, reassignment, the audit trail, and the response metric."""
from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, Optional

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories as ckan_factories

from ckanext.nd47.feedback import workflow
from ckanext.nd47.model.data_request import STATUSES
from tests import factories
from tests.feedback.conftest import Cast, act, new_request

TODAY = dt.date.today()
NEXT_MONTH = (TODAY + dt.timedelta(days=30)).isoformat()
NEXT_YEAR = (TODAY + dt.timedelta(days=365)).isoformat()
YESTERDAY = (TODAY - dt.timedelta(days=1)).isoformat()

FORBIDDEN = [(current, target)
             for current, target in itertools.product(STATUSES, STATUSES)
             if target not in workflow.TRANSITIONS[current]]


@pytest.fixture
def answer(cast: Cast) -> dict[str, Any]:
    """The public dataset that answers the request."""
    result: dict[str, Any] = factories.OpenDataset(
        owner_org=cast.agency["id"], name="diem-quan-trac-khong-khi",
        title="Điểm quan trắc không khí")
    return result


def needs(status: str, answer: Optional[dict[str, Any]] = None
          ) -> dict[str, Any]:
    """What a move to ``status`` must carry besides the reason."""
    return {
        "planned": {"target_date": NEXT_MONTH},
        "published": {"dataset": answer["name"] if answer else ""},
        "declined": {"decline_ground": "not_held"},
    }.get(status, {})


def move(cast: Cast, request_id: str, status: str,
         user: Optional[dict[str, Any]] = None, **data: Any
         ) -> dict[str, Any]:
    result: dict[str, Any] = act(
        "nd47_request_transition", user or cast.steward, id=request_id,
        status=status, **{"reason": f"Trả lời: {status}", **data})
    return result


def show(cast: Cast, request_id: str,
         user: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    result: dict[str, Any] = act("nd47_request_show", user or cast.citizen,
                                 id=request_id)
    return result


def stored(request_id: str) -> tuple[Any, list[Any]]:
    """The request's row and its audit trail, as the database holds them."""
    row = model.Session.execute(sa.text(
        "SELECT * FROM nd47_data_request WHERE id = :id"),
        {"id": request_id}).one()
    events = model.Session.execute(sa.text(
        "SELECT * FROM nd47_data_request_event WHERE request_id = :id "
        "ORDER BY id"), {"id": request_id}).all()
    return tuple(row), [tuple(e) for e in events]


def backdate(request_id: str, days: int) -> None:
    """Pretend the request was made ``days`` days ago."""
    model.Session.execute(sa.text(
        "UPDATE nd47_data_request SET created = created - make_interval("
        "days => :days) WHERE id = :id"), {"id": request_id, "days": days})
    model.Session.commit()


def errors(call: Any) -> dict[str, list[str]]:
    with pytest.raises(tk.ValidationError) as refused:
        call()
    model.Session.rollback()
    result: dict[str, list[str]] = refused.value.error_dict
    return result


def assert_bilingual(messages: list[str], vietnamese: str,
                     english: str) -> None:
    assert any(m.startswith(vietnamese) and f" / {english}" in m
               for m in messages), messages


# --- the happy paths ---------------------------------------------------------

def test_new_to_under_review_to_planned_to_published(
        cast: Cast, answer: dict[str, Any]) -> None:
    request = new_request(cast)
    assert request["status"] == "new" and request["answered_at"] is None

    reviewed = move(cast, request["id"], "under_review",
                    reason="Đang kiểm tra nguồn dữ liệu")
    assert reviewed["status"] == "under_review"
    assert reviewed["answered_at"] is None  # a review is not yet an answer

    planned = move(cast, request["id"], "planned", target_date=NEXT_MONTH,
                   reason="Sẽ công bố sau khi chuẩn hoá")
    assert planned["status"] == "planned"
    assert planned["target_date"] == NEXT_MONTH
    assert planned["response"] == "Sẽ công bố sau khi chuẩn hoá"
    answered_at = planned["answered_at"]
    assert answered_at is not None

    published = move(cast, request["id"], "published",
                     dataset=answer["name"], reason="Đã công bố")
    assert published["status"] == "published"
    assert published["resolution"] == {"id": answer["id"],
                                       "name": answer["name"],
                                       "title": answer["title"],
                                       "type": "dataset"}
    # the first answer counts, not the last
    assert published["answered_at"] == answered_at

    history = show(cast, request["id"])["history"]
    assert [(e["action"], e["from_status"], e["to_status"])
            for e in history] == [
        ("created", None, "new"),
        ("status", "new", "under_review"),
        ("status", "under_review", "planned"),
        ("status", "planned", "published")]
    assert history[2]["target_date"] == NEXT_MONTH
    assert history[3]["dataset"] == answer["id"]
    # published requests leave the queue
    queue = act("nd47_request_queue", None)
    assert request["id"] not in [r["id"] for r in queue["results"]]


def test_declined_with_a_legal_ground(cast: Cast) -> None:
    request = new_request(cast)
    declined = move(cast, request["id"], "declined",
                    decline_ground="personal_information",
                    reason="Dữ liệu có họ tên, địa chỉ người dân")
    assert declined["status"] == "declined"
    assert declined["decline_ground"] == "personal_information"
    assert declined["answered_at"] is not None
    last = show(cast, request["id"])["history"][-1]
    assert last["decline_ground"] == "personal_information"
    assert last["reason"] == "Dữ liệu có họ tên, địa chỉ người dân"


@pytest.mark.parametrize("closed", ["published", "declined"])
def test_reopen(cast: Cast, answer: dict[str, Any], closed: str) -> None:
    request = new_request(cast)
    answered = move(cast, request["id"], closed, **needs(closed, answer))

    reopened = move(cast, request["id"], "under_review",
                    reason="Người dân phản hồi dữ liệu chưa đủ")
    assert reopened["status"] == "under_review"
    assert reopened["resolution"] is None
    assert reopened["decline_ground"] is None
    assert reopened["answered_at"] == answered["answered_at"]
    last = show(cast, request["id"])["history"][-1]
    assert (last["action"], last["from_status"], last["to_status"]) == \
        ("reopened", closed, "under_review")
    # and it is back in the queue
    queue = act("nd47_request_queue", None)
    assert request["id"] in [r["id"] for r in queue["results"]]


def test_planned_again_with_a_new_date(cast: Cast) -> None:
    request = new_request(cast)
    move(cast, request["id"], "planned", target_date=NEXT_MONTH)
    replanned = move(cast, request["id"], "planned", target_date=NEXT_YEAR,
                     reason="Cần thêm thời gian làm sạch dữ liệu")
    assert replanned["target_date"] == NEXT_YEAR
    history = show(cast, request["id"])["history"]
    assert [(e["to_status"], e["target_date"]) for e in history[-2:]] == [
        ("planned", NEXT_MONTH), ("planned", NEXT_YEAR)]
    assert history[-1]["reason"] == "Cần thêm thời gian làm sạch dữ liệu"


def test_target_date_today_is_allowed(cast: Cast) -> None:
    request = new_request(cast)
    assert move(cast, request["id"], "planned",
                target_date=TODAY.isoformat())["target_date"] == \
        TODAY.isoformat()


# --- what the workflow refuses -----------------------------------------------

def test_the_forbidden_moves_are_the_complement_of_transitions() -> None:
    assert len(FORBIDDEN) == 13
    assert ("new", "new") in FORBIDDEN and ("planned", "new") in FORBIDDEN
    assert ("planned", "planned") not in FORBIDDEN


@pytest.mark.parametrize("current, target", FORBIDDEN,
                         ids=[f"{c}->{t}" for c, t in FORBIDDEN])
def test_every_forbidden_move_is_refused_and_changes_nothing(
        cast: Cast, answer: dict[str, Any], current: str,
        target: str) -> None:
    request = new_request(cast)
    if current != "new":
        move(cast, request["id"], current, **needs(current, answer))
    before_rows = stored(request["id"])
    before = show(cast, request["id"], cast.steward)

    # everything any move could need is given: only the move is wrong
    found = errors(lambda: move(
        cast, request["id"], target, target_date=NEXT_MONTH,
        dataset=answer["name"], decline_ground="duplicate"))

    assert_bilingual(
        found["status"],
        f"Không thể chuyển từ \u201c"
        f"{workflow.STATUS_LABELS[current]['vi']}\u201d sang \u201c"
        f"{workflow.STATUS_LABELS[target]['vi']}\u201d",
        f"A request cannot go from {workflow.STATUS_LABELS[current]['en']}"
        f" to {workflow.STATUS_LABELS[target]['en']}")
    assert stored(request["id"]) == before_rows
    after = show(cast, request["id"], cast.steward)
    before.pop("priority"), after.pop("priority")  # time has passed
    assert after == before


@pytest.mark.parametrize("target, data, field, vietnamese, english", [
    ("under_review", {"reason": ""}, "reason",
     "Trường này là bắt buộc", "This field is required"),
    ("under_review", {"reason": "   "}, "reason",
     "Trường này là bắt buộc", "This field is required"),
    ("planned", {}, "target_date",
     "Cần ngày dự kiến công bố", "A target date is required"),
    ("planned", {"target_date": YESTERDAY}, "target_date",
     "Ngày dự kiến đã qua", "The target date is in the past"),
    ("planned", {"target_date": "31/12/2030"}, "target_date",
     "Ngày không hợp lệ", "Invalid date"),
    ("published", {}, "dataset",
     "Cần bộ dữ liệu trả lời yêu cầu",
     "The dataset that answers the request is required"),
    ("published", {"dataset": "khong-co-bo-nay"}, "dataset",
     "Bộ dữ liệu không tồn tại hoặc chưa công khai",
     "No such public dataset"),
    ("declined", {}, "decline_ground",
     "Cần nêu căn cứ pháp lý để từ chối",
     "A legal ground for declining is required"),
    ("declined", {"decline_ground": "khong-thich"}, "decline_ground",
     "Giá trị không hợp lệ", "Invalid value"),
])
def test_a_move_without_what_it_needs_is_refused(
        cast: Cast, target: str, data: dict[str, Any], field: str,
        vietnamese: str, english: str) -> None:
    request = new_request(cast)
    before = stored(request["id"])
    found = errors(lambda: move(cast, request["id"], target, **data))
    assert_bilingual(found[field], vietnamese, english)
    assert stored(request["id"]) == before


@pytest.mark.parametrize("kind", ["private", "draft", "deleted"])
def test_publishing_needs_a_public_dataset(cast: Cast, kind: str) -> None:
    extras: dict[str, dict[str, Any]] = {
        "private": {"private": True}, "draft": {"state": "draft"},
        "deleted": {}}
    extra = extras[kind]
    dataset = factories.OpenDataset(owner_org=cast.agency["id"],
                                    name=f"du-lieu-{kind}", **extra)
    if kind == "deleted":
        tk.get_action("package_delete")({"ignore_auth": True},
                                        {"id": dataset["id"]})
    stored_dataset = model.Package.get(dataset["id"])
    assert stored_dataset is not None
    assert (stored_dataset.private, stored_dataset.state) == {
        "private": (True, "active"), "draft": (False, "draft"),
        "deleted": (False, "deleted")}[kind]
    request = new_request(cast)
    before = stored(request["id"])
    for reference in (dataset["name"], dataset["id"]):
        found = errors(lambda: move(cast, request["id"], "published",
                                    dataset=reference))
        assert_bilingual(found["dataset"],
                         "Bộ dữ liệu không tồn tại hoặc chưa công khai",
                         "No such public dataset")
    assert stored(request["id"]) == before


# --- reassignment ------------------------------------------------------------

def test_reassign_hands_the_request_to_the_new_agency(cast: Cast) -> None:
    request = new_request(cast)
    moved = act("nd47_request_reassign", cast.steward, id=request["id"],
                organization=cast.other_agency["name"],
                reason="Sở Xây dựng quản lý dữ liệu này")
    assert moved["organization"]["id"] == cast.other_agency["id"]
    last = show(cast, request["id"])["history"][-1]
    assert last["action"] == "reassigned"
    assert last["from_organization"] == cast.agency["id"]
    assert last["to_organization"] == cast.other_agency["id"]
    assert last["actor"] == cast.steward["name"]
    assert last["reason"] == "Sở Xây dựng quản lý dữ liệu này"

    # the old agency's steward can no longer move it, the new one can
    with pytest.raises(tk.NotAuthorized):
        move(cast, request["id"], "under_review")
    model.Session.rollback()
    with pytest.raises(tk.NotAuthorized):
        act("nd47_request_reassign", cast.steward, id=request["id"],
            organization=cast.agency["name"], reason="Lấy lại")
    model.Session.rollback()
    assert show(cast, request["id"], cast.steward)["viewer"][
        "can_manage"] is False
    assert show(cast, request["id"], cast.other_steward)["viewer"][
        "can_manage"] is True
    assert move(cast, request["id"], "under_review",
                user=cast.other_steward)["status"] == "under_review"
    # it is in the new agency's queue, not in the old one's
    for agency, present in ((cast.other_agency, True), (cast.agency, False)):
        queue = act("nd47_request_queue", None, organization=agency["name"])
        assert (request["id"] in [r["id"] for r in queue["results"]]) \
            is present


@pytest.mark.parametrize("target, vietnamese, english", [
    ("khong-co-co-quan-nay", "Cơ quan không tồn tại", "No such agency"),
    ("nhom-chu-de", "Cơ quan không tồn tại", "No such agency"),
    ("co-quan-da-giai-the", "Cơ quan không tồn tại", "No such agency"),
    ("so-nong-nghiep", "Yêu cầu đã thuộc cơ quan này",
     "The request is already with this agency"),
])
def test_reassign_only_to_another_existing_agency(
        cast: Cast, target: str, vietnamese: str, english: str) -> None:
    ckan_factories.Group(name="nhom-chu-de")  # a group, not an agency
    gone = factories.Agency(name="co-quan-da-giai-the")
    tk.get_action("organization_delete")({"ignore_auth": True},
                                         {"id": gone["id"]})
    request = new_request(cast)
    before = stored(request["id"])
    found = errors(lambda: act(
        "nd47_request_reassign", cast.sysadmin, id=request["id"],
        organization=target, reason="Chuyển"))
    assert_bilingual(found["organization"], vietnamese, english)
    assert stored(request["id"]) == before


def test_a_new_request_for_an_unknown_agency_is_refused(cast: Cast) -> None:
    found = errors(lambda: new_request(cast, organization="khong-co"))
    assert_bilingual(found["organization"], "Cơ quan không tồn tại",
                     "No such agency")
    assert act("nd47_request_list", None)["count"] == 0


# --- the audit trail ---------------------------------------------------------

def test_the_history_keeps_who_when_and_why(cast: Cast,
                                            answer: dict[str, Any]) -> None:
    request = new_request(cast)
    steps = [
        (cast.steward, "under_review", {}, "Đang xem xét"),
        (cast.steward, "planned", {"target_date": NEXT_MONTH}, "Kế hoạch"),
        (cast.sysadmin, "declined", {"decline_ground": "security_risk"},
         "Rủi ro an ninh"),
        (cast.steward, "under_review", {}, "Mở lại theo phản ánh"),
        (cast.steward, "published", {"dataset": answer["name"]},
         "Đã công bố"),
    ]
    for user, status, data, reason in steps:
        move(cast, request["id"], status, user=user, reason=reason, **data)
    act("nd47_request_reassign", cast.steward, id=request["id"],
        organization=cast.other_agency["name"], reason="Bàn giao")

    history = show(cast, request["id"], None)["history"]
    assert history[0]["action"] == "created"
    assert history[0]["actor"] == cast.citizen["name"]
    changes = history[1:]
    assert [(e["actor"], e["to_status"], e["reason"]) for e in changes] == [
        *[(user["name"], status, reason) for user, status, _, reason
          in steps], (cast.steward["name"], None, "Bàn giao")]
    assert [e["action"] for e in changes] == [
        "status", "status", "status", "reopened", "status", "reassigned"]
    times = [dt.datetime.fromisoformat(e["created"]) for e in history]
    assert times == sorted(times)
    assert all(t.tzinfo is not None for t in times)
    assert changes[2]["decline_ground"] == "security_risk"


# --- the response window and the metric --------------------------------------

@pytest.fixture
def waiting_and_answered(cast: Cast) -> dict[str, str]:
    """Requests of every kind for the response metric (window: 15 days)."""
    ids = {
        "overdue": new_request(cast, title="Quá hạn")["id"],
        "late": new_request(cast, title="Trả lời muộn")["id"],
        "in_time": new_request(cast, title="Trả lời đúng hạn")["id"],
        "waiting": new_request(cast, title="Đang chờ")["id"],
        "other_overdue": new_request(cast, title="Quá hạn sở khác",
                                     organization="so-xay-dung")["id"],
        "unassigned": new_request(cast, title="Chưa giao",
                                  organization="")["id"],
    }
    backdate(ids["overdue"], 20)
    move(cast, ids["late"], "planned", target_date=NEXT_MONTH)
    backdate(ids["late"], 20)
    move(cast, ids["in_time"], "declined", decline_ground="duplicate")
    backdate(ids["in_time"], 5)
    backdate(ids["other_overdue"], 30)
    return ids


def test_overdue_flag_and_filter(cast: Cast,
                                 waiting_and_answered: dict[str, str]
                                 ) -> None:
    ids = waiting_and_answered
    flags = {name: show(cast, request_id)["overdue"]
             for name, request_id in ids.items()}
    assert flags == {"overdue": True, "late": False, "in_time": False,
                     "waiting": False, "other_overdue": True,
                     "unassigned": False}
    overdue = act("nd47_request_list", None, overdue=True)
    assert {r["id"] for r in overdue["results"]} == {
        ids["overdue"], ids["other_overdue"]}
    assert overdue["count"] == 2
    shown = show(cast, ids["overdue"])
    due = dt.datetime.fromisoformat(shown["response_due"])
    created = dt.datetime.fromisoformat(shown["created"])
    assert due - created == dt.timedelta(days=15)


def test_response_metric_per_agency_and_province(
        cast: Cast, waiting_and_answered: dict[str, str]) -> None:
    metrics = act("nd47_request_metrics", None)
    assert metrics["response_days"] == 15
    keys = ("requests", "answered", "answered_in_time", "answered_late",
            "overdue", "waiting", "answered_in_time_share")
    by_agency = {(a["organization"] or {}).get("name"):
                 tuple(a[k] for k in keys) for a in metrics["agencies"]}
    assert by_agency == {
        "so-nong-nghiep": (4, 2, 1, 1, 1, 1, round(1 / 3, 4)),
        "so-xay-dung": (1, 0, 0, 0, 1, 0, 0.0),
        None: (1, 0, 0, 0, 0, 1, None),
    }
    assert tuple(metrics["province"][k] for k in keys) == \
        (6, 2, 1, 1, 2, 2, 0.25)

    one = act("nd47_request_metrics", None, organization="so-xay-dung")
    assert [a["organization"]["name"] for a in one["agencies"]] == \
        ["so-xay-dung"]
    assert one["province"]["requests"] == 1


@pytest.mark.ckan_config("ckanext.nd47.requests.response_days", "40")
def test_the_window_comes_from_the_config(
        cast: Cast, waiting_and_answered: dict[str, str]) -> None:
    metrics = act("nd47_request_metrics", None)
    assert metrics["response_days"] == 40
    assert metrics["province"]["overdue"] == 0
    assert metrics["province"]["answered_late"] == 0
    assert show(cast, waiting_and_answered["overdue"])["overdue"] is False


def test_overdue_requests_come_first_in_the_agency_queue(
        cast: Cast, waiting_and_answered: dict[str, str]) -> None:
    ids = waiting_and_answered
    # the waiting request is far more wanted than the overdue one
    for user in (cast.neighbour, cast.other_steward, cast.sysadmin):
        act("nd47_request_vote", user, id=ids["waiting"],
            supporter_type="business")
    agency = act("nd47_request_queue", None, organization="so-nong-nghiep")
    order = [r["id"] for r in agency["results"]]
    # open requests only: the declined one is not in the queue
    assert set(order) == {ids["overdue"], ids["late"], ids["waiting"]}
    assert order[0] == ids["overdue"]
    assert agency["results"][0]["overdue"] is True

    province = [r["id"] for r in act("nd47_request_queue", None)["results"]]
    assert province.index(ids["waiting"]) < province.index(ids["overdue"])


# --- over HTTP ---------------------------------------------------------------

def test_transitions_over_http(app: Any, cast: Cast,
                               answer: dict[str, Any]) -> None:
    request = new_request(cast)
    steward = {"Authorization": factories.api_token(cast.steward)}
    citizen = {"Authorization": factories.api_token(cast.citizen)}
    url = "/api/3/action/nd47_request_transition"

    ok = app.post(url, headers=steward, json={
        "id": request["id"], "status": "planned", "target_date": NEXT_MONTH,
        "reason": "Đã lên kế hoạch"})
    assert ok.status_code == 200, ok.body
    assert ok.json["result"]["status"] == "planned"

    missing = app.post(url, headers=steward, json={
        "id": request["id"], "status": "published", "reason": "Xong"})
    assert missing.status_code == 409
    assert " / " in missing.json["error"]["dataset"][0]

    published = app.post(url, headers=steward, json={
        "id": request["id"], "status": "published", "reason": "Xong",
        "dataset": answer["name"]})
    assert published.status_code == 200, published.body

    forbidden = app.post(url, headers=steward, json={
        "id": request["id"], "status": "planned", "reason": "Lùi lại",
        "target_date": NEXT_MONTH})
    assert forbidden.status_code == 409
    assert forbidden.json["error"]["__type"] == "Validation Error"
    assert_bilingual(forbidden.json["error"]["status"],
                     "Không thể chuyển từ", "A request cannot go from")

    refused = app.post(url, headers=citizen, json={
        "id": request["id"], "status": "under_review", "reason": "Mở lại"})
    assert refused.status_code == 403

    unknown = app.post(url, headers=steward, json={
        "id": "khong-co-yeu-cau-nay", "status": "under_review",
        "reason": "?"})
    assert unknown.status_code == 404
    assert unknown.json["error"]["__type"] == "Not Found Error"

    shown = app.get("/api/3/action/nd47_request_show",
                    params={"id": request["id"]})
    assert shown.status_code == 200
    assert shown.json["result"]["status"] == "published"
    assert [e["to_status"] for e in shown.json["result"]["history"]] == [
        "new", "planned", "published"]
