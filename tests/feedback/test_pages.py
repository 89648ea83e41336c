"""The web pages of data requests and ratings, through CKAN's test app:
what anonymous and logged-in users see, every form and button, refusals
shown as pages (bilingual messages, 403, 404, never a 500), user text
escaped everywhere it is shown, CSRF kept on, the queue as CSV."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any, Optional

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories as ckan_factories

from ckanext.nd47.feedback.score import TERMS
from ckanext.nd47.model.data_request import data_request
from tests import factories
from tests.feedback.conftest import Cast, act, new_request, run_jobs

REQUIRED = "Trường này là bắt buộc / This field is required"
QUEUE_ROW = r'<tr class="nd47-queue-row[^"]*" data-request="([^"]+)"'


# --- helpers -----------------------------------------------------------------

def _auth(user: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": factories.api_token(user)}


def _csrf(body: str) -> str:
    found = re.search(r'<meta name="_csrf_token" content="([^"]+)"', body)
    assert found, "no CSRF token on the page"
    return found.group(1)


def _escaped(marker: str) -> str:
    """How a payload with ``marker`` looks once Jinja has escaped it."""
    return f"&lt;script&gt;alert(&#34;{marker}&#34;)&lt;/script&gt;"


def _payload(marker: str) -> str:
    return f'<script>alert("{marker}")</script>'


def _no_raw_script(body: str) -> None:
    assert "<script>alert(" not in body


def _show(cast: Cast, request_id: str,
          user: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    result: dict[str, Any] = act("nd47_request_show", user or cast.citizen,
                                 id=request_id)
    return result


def _backdate(request_id: str, days: int) -> None:
    """Make the request ``days`` old (past the response period)."""
    when = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)
    model.Session.execute(sa.update(data_request)
                          .where(data_request.c.id == request_id)
                          .values(created=when, last_activity=when))
    model.Session.commit()


def _public_dataset(cast: Cast, **overrides: Any) -> dict[str, Any]:
    result: dict[str, Any] = factories.OpenDataset(
        owner_org=cast.agency["id"], **overrides)
    return result


@pytest.fixture
def request_dict(cast: Cast) -> dict[str, Any]:
    return new_request(cast)


# --- the list ----------------------------------------------------------------

def test_the_list_renders_for_anonymous_and_logged_in_users(
        app, cast, request_dict):
    for headers in ({}, _auth(cast.citizen), _auth(cast.steward)):
        res = app.get("/data-request", headers=headers)
        assert res.status_code == 200
        body = res.body
        assert "Danh sách điểm quan trắc không khí" in body
        assert 'data-status="new"' in body and ">Mới<" in body
        assert "Sở Nông nghiệp và Môi trường" in body
        assert 'data-count="supporters"' in body
        assert "1 người ủng hộ" in body
        assert "0 bình luận" in body
        assert "Độ ưu tiên 16" in body
        assert "1 yêu cầu dữ liệu" in body


def test_the_site_header_links_to_the_requests(app, cast):
    body = app.get("/").body
    assert re.search(r'<a href="/data-request"[^>]*>Yêu cầu dữ liệu</a>', body)
    english = app.get("/en/dataset").body
    assert re.search(r'<a href="/en/data-request"[^>]*>Data requests</a>',
                     english)


def test_the_list_filters_sorts_and_pages(app, cast):
    air = new_request(cast)
    water = new_request(cast, title="Chất lượng nước sông Đồng Nai",
                        description="Kết quả quan trắc nước mặt",
                        sector="HEAL", requester_type="business",
                        organization=cast.other_agency["name"])
    act("nd47_request_vote", cast.neighbour, id=water["id"])
    act("nd47_request_transition", cast.other_steward, id=water["id"],
        status="declined", reason="Không quản lý",
        decline_ground="not_held")
    _backdate(air["id"], 40)

    def titles(query: str) -> list[str]:
        res = app.get("/data-request?" + query)
        assert res.status_code == 200, query
        return re.findall(
            r'<h3 class="dataset-heading">\s*<a [^>]*>([^<]+)</a>', res.body)

    both = ["Danh sách điểm quan trắc không khí",
            "Chất lượng nước sông Đồng Nai"]
    assert sorted(titles("")) == sorted(both)
    assert titles("status=open") == [both[0]]
    assert titles("status=declined") == [both[1]]
    assert titles("organization=so-xay-dung") == [both[1]]
    assert titles("sector=ENVI") == [both[0]]
    assert titles("requester_type=business") == [both[1]]
    assert titles("kind=improvement") == []
    assert titles("overdue=true") == [both[0]]
    assert titles("q=nước+sông") == [both[1]]
    assert titles("sort=newest") == [both[1], both[0]]
    assert titles("sort=oldest") == [both[0], both[1]]
    assert titles("sort=supporters") == [both[1], both[0]]
    # the overdue flag shows on the list
    res = app.get("/data-request?overdue=true")
    assert "nd47-overdue" in res.body and "Quá hạn" in res.body


@pytest.mark.ckan_config("ckanext.nd47.rate_limit.requests", "100")
def test_the_list_has_pages(app, cast):
    for n in range(23):
        new_request(cast, title=f"Yêu cầu số {n:02d}")
    first = app.get("/data-request?sort=oldest").body
    second = app.get("/data-request?sort=oldest&page=2").body
    assert "23 yêu cầu dữ liệu" in first
    assert "Yêu cầu số 00" in first and "Yêu cầu số 19" in first
    assert "Yêu cầu số 20" not in first
    assert "Yêu cầu số 20" in second and "Yêu cầu số 22" in second
    # the pager keeps the filters
    assert "/data-request?sort=oldest&amp;page=2" in first


def test_invalid_filters_give_a_bilingual_message_not_a_500(app, cast):
    res = app.get("/data-request?status=bogus&sort=loudest")
    assert res.status_code == 400
    assert "Giá trị không hợp lệ" in res.body
    assert "Invalid value" in res.body
    assert app.get("/data-request?page=abc").status_code == 400
    res = app.get("/data-request?organization=khong-co")
    assert res.status_code == 400
    assert "Cơ quan không tồn tại / No such agency" in res.body


# --- asking for data ---------------------------------------------------------

def test_anonymous_users_are_sent_to_log_in_before_asking(app, cast):
    res = app.get("/data-request/new", follow_redirects=False)
    assert res.status_code == 302
    assert res.headers["Location"].endswith(
        "/user/login?next=/data-request/new")


def test_a_citizen_asks_for_data_through_the_form(app, cast):
    headers = _auth(cast.citizen)
    form = app.get("/data-request/new", headers=headers)
    assert form.status_code == 200
    assert 'name="title"' in form.body and 'name="_csrf_token"' in form.body
    # the sectors of the dataset schema and the agencies are offered
    assert '<option value="ENVI">Tài nguyên và môi trường</option>' \
        in form.body
    assert '<option value="so-xay-dung">Sở Xây dựng</option>' in form.body
    res = app.post("/data-request/new", headers=headers, data={
        "title": "Danh sách trường học", "description": "Tên, địa chỉ",
        "purpose": "Bản đồ trường học", "requester_type": "researcher",
        "sector": "EDUC", "organization": "so-xay-dung"})
    assert res.status_code == 200
    assert "Yêu cầu dữ liệu của bạn đã được gửi" in res.body
    found = act("nd47_request_list", None, q="trường học")["results"]
    assert [r["title"] for r in found] == ["Danh sách trường học"]
    assert found[0]["organization"]["name"] == "so-xay-dung"
    assert found[0]["requester_type"] == "researcher"
    assert f'data-request="{found[0]["id"]}"' in res.body


def test_invalid_input_shows_bilingual_errors_at_the_fields(app, cast):
    res = app.post("/data-request/new", headers=_auth(cast.citizen), data={
        "title": "", "description": "  ", "purpose": "Giữ lại mục đích",
        "requester_type": "citizen", "sector": "ENVI", "organization": ""})
    assert res.status_code == 200
    body = res.body
    assert body.count(REQUIRED) >= 2  # in the summary and at the fields
    title_group = re.search(
        r'<div class="form-group[^"]*error[^"]*">\s*'
        r'<label[^>]*for="field-title".*?</div>\s*</div>', body, re.S)
    assert title_group and REQUIRED in title_group.group(0)
    # the summary names the fields
    assert f'<li data-field="title">Bạn cần dữ liệu gì?: {REQUIRED}</li>' \
        in body
    assert f'<li data-field="description">Mô tả: {REQUIRED}</li>' in body
    # what was typed is kept
    assert "Giữ lại mục đích" in body
    assert '<option value="ENVI" selected>' in body
    assert act("nd47_request_list", None)["count"] == 0
    res = app.post("/data-request/new", headers=_auth(cast.citizen), data={
        "title": "Dữ liệu", "description": "Mô tả", "sector": "KHONG",
        "organization": "khong-co", "requester_type": "alien"})
    assert res.status_code == 200
    assert "Giá trị không hợp lệ" in res.body


# --- one request -------------------------------------------------------------

def test_the_request_page_for_anonymous_users(app, cast, request_dict):
    res = app.get(f"/data-request/{request_dict['id']}")
    assert res.status_code == 200
    body = res.body
    for text in ("Danh sách điểm quan trắc không khí",
                 "Toạ độ và kết quả đo theo giờ.",
                 "Ứng dụng cảnh báo ô nhiễm", "Sở Nông nghiệp và Môi trường",
                 "Tài nguyên và môi trường", "Người dân"):
        assert text in body
    # the priority explained: every term, its weight and contribution
    for term in TERMS:
        assert f'data-term="{term}"' in body
    assert "Đa dạng người ủng hộ" in body and "Điểm ưu tiên" in body
    # the history and a way in, but no buttons for anonymous users
    assert 'data-action="created"' in body
    assert "Đăng nhập để ủng hộ" in body
    assert 'id="nd47-vote"' not in body
    assert 'id="nd47-transition-form"' not in body
    assert 'id="nd47-comment-form"' not in body


def test_unknown_requests_are_404(app, cast):
    assert app.get("/data-request/khong-co").status_code == 404
    assert app.get("/data-request/" + "x" * 300).status_code == 404
    res = app.post("/data-request/khong-co/vote",
                   headers=_auth(cast.citizen))
    assert res.status_code == 404


def test_support_and_follow_buttons(app, cast, request_dict):
    rid = request_dict["id"]
    headers = _auth(cast.neighbour)
    page = app.get(f"/data-request/{rid}", headers=headers).body
    assert 'id="nd47-vote"' in page and 'id="nd47-follow"' in page
    res = app.post(f"/data-request/{rid}/vote", headers=headers,
                   data={"supporter_type": "business"})
    assert res.status_code == 200
    assert "Bạn ủng hộ yêu cầu này" in res.body
    assert 'id="nd47-unvote"' in res.body
    shown = _show(cast, rid, cast.neighbour)
    assert shown["supporters"] == 2 and shown["viewer"]["supports"]
    assert shown["supporters_by_type"]["business"] == 1

    res = app.post(f"/data-request/{rid}/follow", headers=headers)
    assert res.status_code == 200 and 'id="nd47-unfollow"' in res.body
    assert _show(cast, rid, cast.neighbour)["viewer"]["follows"]
    res = app.post(f"/data-request/{rid}/unfollow", headers=headers)
    assert res.status_code == 200 and 'id="nd47-follow"' in res.body
    assert not _show(cast, rid, cast.neighbour)["viewer"]["follows"]

    res = app.post(f"/data-request/{rid}/unvote", headers=headers)
    assert res.status_code == 200
    assert "Bạn không còn ủng hộ yêu cầu này" in res.body
    assert _show(cast, rid)["supporters"] == 1

    # a supporter type that does not exist: a message, not a 500
    res = app.post(f"/data-request/{rid}/vote", headers=headers,
                   data={"supporter_type": "alien"})
    assert res.status_code == 200
    assert "Giá trị không hợp lệ" in res.body
    assert _show(cast, rid)["supporters"] == 1


def test_comments_delete_own_and_hide_by_stewards(app, cast, request_dict):
    rid = request_dict["id"]
    res = app.post(f"/data-request/{rid}/comment",
                   headers=_auth(cast.neighbour),
                   data={"text": "Tôi cũng cần dữ liệu này"})
    assert res.status_code == 200
    assert "Đã thêm bình luận của bạn" in res.body
    assert "Tôi cũng cần dữ liệu này" in res.body
    comment = _show(cast, rid)["comments"][0]

    # only its author deletes it, only the agency's stewards hide it
    assert app.post(f"/data-request/{rid}/comment/{comment['id']}/delete",
                    headers=_auth(cast.citizen)).status_code == 403
    assert app.post(f"/data-request/{rid}/comment/{comment['id']}/hide",
                    headers=_auth(cast.other_steward)).status_code == 403
    mine = app.get(f"/data-request/{rid}", headers=_auth(cast.neighbour))
    assert "Xóa bình luận của tôi" in mine.body
    assert "Xóa bình luận của tôi" not in app.get(
        f"/data-request/{rid}", headers=_auth(cast.citizen)).body

    res = app.post(f"/data-request/{rid}/comment/{comment['id']}/hide",
                   headers=_auth(cast.steward), data={"reason": "Lạc đề"})
    assert res.status_code == 200
    assert "Đã ẩn bình luận" in res.body
    # stewards still see it, marked; others do not
    assert "Bị người kiểm duyệt ẩn" in res.body
    public = app.get(f"/data-request/{rid}").body
    assert "Tôi cũng cần dữ liệu này" not in public
    assert 'data-action="comment_hidden"' in public and "Lạc đề" in public
    # hiding it again: a message, not a 500
    res = app.post(f"/data-request/{rid}/comment/{comment['id']}/hide",
                   headers=_auth(cast.steward))
    assert res.status_code == 200
    assert "Bình luận đã bị ẩn hoặc xóa" in res.body

    res = app.post(f"/data-request/{rid}/comment",
                   headers=_auth(cast.neighbour), data={"text": "Sửa lại"})
    second = [c for c in _show(cast, rid)["comments"]
              if c["text"] == "Sửa lại"][0]
    res = app.post(f"/data-request/{rid}/comment/{second['id']}/delete",
                   headers=_auth(cast.neighbour))
    assert res.status_code == 200 and "Đã xóa bình luận của bạn" in res.body
    assert [c["text"] for c in _show(cast, rid)["comments"]] == []


@pytest.mark.ckan_config("ckanext.nd47.rate_limit.comments", "1")
def test_an_empty_or_rate_limited_comment_is_refused_on_the_page(
        app, cast, request_dict):
    rid = request_dict["id"]
    headers = _auth(cast.neighbour)
    res = app.post(f"/data-request/{rid}/comment", headers=headers,
                   data={"text": "   "})
    assert res.status_code == 200 and REQUIRED in res.body
    app.post(f"/data-request/{rid}/comment", headers=headers,
             data={"text": "Một"})
    res = app.post(f"/data-request/{rid}/comment", headers=headers,
                   data={"text": "Hai, quá giới hạn"})
    assert res.status_code == 200
    assert "Bạn đã gửi quá 1 bình luận" in res.body
    assert "You have made more than 1 comments" in res.body
    # the text typed is kept in the form
    assert ">Hai, quá giới hạn</textarea>" in res.body


def test_the_steward_plans_and_publishes_through_the_page(
        app, cast, request_dict, smtp, monkeypatch):
    monkeypatch.setitem(tk.config, "smtp.server", smtp.address)
    rid = request_dict["id"]
    dataset = _public_dataset(cast, name="quan-trac-khong-khi",
                              title="Quan trắc không khí theo giờ")
    headers = _auth(cast.steward)
    page = app.get(f"/data-request/{rid}", headers=headers).body
    form = re.search(r'<form id="nd47-transition-form".*?</form>', page,
                     re.S)
    assert form
    # the statuses a new request may move to, and no other
    assert re.findall(r'<option value="(\w+)"',
                      form.group(0).split('name="reason"')[0]) == [
        "under_review", "planned", "published", "declined"]
    target = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    res = app.post(f"/data-request/{rid}/transition", headers=headers, data={
        "status": "planned", "reason": "Sẽ công bố trong quý tới",
        "target_date": target, "dataset": "", "decline_ground": ""})
    assert res.status_code == 200
    assert "Trạng thái của yêu cầu: Đã lên kế hoạch" in res.body
    assert "Sẽ công bố trong quý tới" in res.body
    assert _show(cast, rid)["target_date"] == target

    res = app.post(f"/data-request/{rid}/transition", headers=headers, data={
        "status": "published", "reason": "Đã công bố",
        "dataset": dataset["name"]})
    assert res.status_code == 200
    public = app.get(f"/data-request/{rid}", headers=_auth(cast.citizen))
    answer = re.search(r'<section class="nd47-request-answer.*?</section>',
                       public.body, re.S)
    assert answer
    assert "Đã công bố" in answer.group(0)
    assert 'href="/dataset/quan-trac-khong-khi"' in answer.group(0)
    assert "Quan trắc không khí theo giờ" in answer.group(0)
    # the history says who did what, when and why
    assert public.body.count('data-action="status"') == 2
    assert "can-bo" in public.body
    # the requester is told by mail
    run_jobs()
    assert "an@example.vn" in {mail.recipient for mail in smtp.mails}


def test_invalid_moves_are_shown_at_the_fields(app, cast, request_dict):
    rid = request_dict["id"]
    headers = _auth(cast.steward)
    res = app.post(f"/data-request/{rid}/transition", headers=headers, data={
        "status": "planned", "reason": "Kế hoạch", "target_date": ""})
    assert res.status_code == 200
    assert "Cần ngày dự kiến công bố / A target date is required" in res.body
    assert ">Kế hoạch</textarea>" in res.body  # the answer typed is kept
    res = app.post(f"/data-request/{rid}/transition", headers=headers, data={
        "status": "published", "reason": "Xong", "dataset": "khong-co"})
    assert "Bộ dữ liệu không tồn tại hoặc chưa công khai" in res.body
    res = app.post(f"/data-request/{rid}/transition", headers=headers, data={
        "status": "declined", "reason": "Không"})
    assert "Cần nêu căn cứ pháp lý để từ chối" in res.body
    res = app.post(f"/data-request/{rid}/transition", headers=headers, data={
        "status": "planned", "reason": "x", "target_date": "31/12/2099"})
    assert "Ngày không hợp lệ (YYYY-MM-DD)" in res.body
    res = app.post(f"/data-request/{rid}/transition", headers=headers, data={
        "status": "declined", "reason": "Có thông tin cá nhân",
        "decline_ground": "personal_information"})
    assert res.status_code == 200
    res = app.post(f"/data-request/{rid}/transition", headers=headers, data={
        "status": "planned", "reason": "x",
        "target_date": dt.date.today().isoformat()})
    assert "Không thể chuyển từ" in res.body and "cannot go from" in res.body
    public = app.get(f"/data-request/{rid}").body
    assert "Chứa thông tin cá nhân (khoản 1 Điều 20" in public
    assert _show(cast, rid)["status"] == "declined"


def test_forbidden_moves_from_the_web_are_403(app, cast, request_dict):
    rid = request_dict["id"]
    for user in (cast.citizen, cast.other_steward):
        res = app.post(f"/data-request/{rid}/transition",
                       headers=_auth(user),
                       data={"status": "under_review", "reason": "x"})
        assert res.status_code == 403
        res = app.post(f"/data-request/{rid}/reassign", headers=_auth(user),
                       data={"organization": "so-xay-dung", "reason": "x"})
        assert res.status_code == 403
        page = app.get(f"/data-request/{rid}", headers=_auth(user)).body
        assert 'id="nd47-transition-form"' not in page
    assert _show(cast, rid)["status"] == "new"


def test_the_steward_hands_a_request_to_another_agency(
        app, cast, request_dict):
    rid = request_dict["id"]
    headers = _auth(cast.steward)
    res = app.post(f"/data-request/{rid}/reassign", headers=headers,
                   data={"organization": "so-xay-dung", "reason": ""})
    assert res.status_code == 200 and REQUIRED in res.body
    res = app.post(f"/data-request/{rid}/reassign", headers=headers, data={
        "organization": "so-xay-dung", "reason": "Thuộc lĩnh vực xây dựng"})
    assert res.status_code == 200
    assert "Đã chuyển yêu cầu cho Sở Xây dựng" in res.body
    assert "Chuyển từ Sở Nông nghiệp và Môi trường sang Sở Xây dựng" \
        in res.body
    assert _show(cast, rid)["organization"]["name"] == "so-xay-dung"
    # the first steward no longer handles it
    assert app.post(f"/data-request/{rid}/reassign", headers=headers, data={
        "organization": "so-nong-nghiep", "reason": "x"}).status_code == 403


# --- user text is escaped everywhere -----------------------------------------

def test_markup_in_every_text_field_is_shown_escaped(app, cast):
    headers = _auth(cast.citizen)
    app.post("/data-request/new", headers=headers, data={
        "title": "Tiêu đề " + _payload("title"),
        "description": _payload("description"),
        "purpose": _payload("purpose"), "requester_type": "citizen",
        "sector": "ENVI", "organization": cast.agency["name"]})
    rid = act("nd47_request_list", None)["results"][0]["id"]
    app.post(f"/data-request/{rid}/comment", headers=_auth(cast.neighbour),
             data={"text": _payload("comment")})
    app.post(f"/data-request/{rid}/transition", headers=_auth(cast.steward),
             data={"status": "under_review", "reason": _payload("reason")})
    dataset = _public_dataset(cast)
    app.post(f"/dataset/{dataset['name']}/rating", headers=headers,
             data={"stars": "2", "reason": "quality",
                   "comment": _payload("rating")})
    report = app.post(f"/dataset/{dataset['name']}/report",
                      headers=_auth(cast.neighbour),
                      data={"text": _payload("report")})
    assert report.status_code == 200

    page = app.get(f"/data-request/{rid}").body
    for marker in ("title", "description", "purpose", "comment", "reason"):
        assert _escaped(marker) in page, marker
    _no_raw_script(page)
    for url in ("/data-request", "/data-request/queue",
                "/en/data-request/" + rid):
        body = app.get(url).body
        assert _escaped("title") in body, url
        _no_raw_script(body)
    own = app.get(f"/dataset/{dataset['name']}", headers=headers).body
    assert _escaped("rating") in own
    _no_raw_script(own)
    _no_raw_script(report.body)
    assert _escaped("report") in report.body
    steward_page = app.get(f"/data-request/{rid}",
                           headers=_auth(cast.steward)).body
    _no_raw_script(steward_page)
    # a refused form shows what was typed, escaped too
    res = app.post("/data-request/new", headers=headers, data={
        "title": _payload("kept"), "description": ""})
    assert _escaped("kept") in res.body
    _no_raw_script(res.body)


# --- the queue ---------------------------------------------------------------

def test_the_queue_explains_each_rank_and_shows_the_response_metric(
        app, cast):
    air = new_request(cast)
    water = new_request(cast, title="Chất lượng nước",
                        organization=cast.other_agency["name"])
    act("nd47_request_vote", cast.neighbour, id=water["id"],
        supporter_type="business")
    late = new_request(cast, title="Yêu cầu quá hạn")
    _backdate(late["id"], 20)
    res = app.get("/data-request/queue")
    assert res.status_code == 200
    body = res.body
    rows = re.findall(QUEUE_ROW, body)
    assert rows == [water["id"], air["id"], late["id"]]
    assert body.count('data-term="supporters"') == 3
    assert "Tải hàng đợi (CSV)" in body
    # the response metric: the late request is overdue, none answered
    assert 'data-share="0.0"' in body
    assert 'data-agency="so-nong-nghiep"' in body
    # an agency's queue puts its overdue requests first
    agency = app.get("/data-request/queue?organization=so-nong-nghiep").body
    rows = re.findall(QUEUE_ROW, agency)
    assert rows == [late["id"], air["id"]]
    assert "Hàng đợi ưu tiên của Sở Nông nghiệp và Môi trường" in agency
    assert "queue.csv?organization=so-nong-nghiep" in agency
    assert app.get("/data-request/queue?organization=khong-co"
                   ).status_code == 404
    assert app.get("/data-request/queue?page=900000").status_code == 400
    assert app.get("/data-request/queue?page=x").status_code == 400


def test_the_queue_as_csv(app, cast):
    air = new_request(cast)
    new_request(cast, title='=HYPERLINK("http://evil.example")',
                organization=cast.other_agency["name"])
    res = app.get("/data-request/queue.csv")
    assert res.status_code == 200
    assert res.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in res.headers["Content-Disposition"]
    raw = res.data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [
        "rank", "id", "title", "agency", "status", "supporters", "comments",
        "score", *(f"{t}_contribution" for t in TERMS), "created",
        "response_due", "overdue", "url"]
    assert len(rows) == 3
    by_title = {row[2]: row for row in rows[1:]}
    first = by_title["Danh sách điểm quan trắc không khí"]
    header = rows[0]
    assert first[header.index("id")] == air["id"]
    assert first[header.index("agency")] == "Sở Nông nghiệp và Môi trường"
    assert first[header.index("status")] == "new"
    assert first[header.index("supporters")] == "1"
    assert float(first[header.index("score")]) == pytest.approx(16.0, 0.01)
    assert float(first[header.index("supporters_contribution")]) == 10.0
    assert first[header.index("overdue")] == "false"
    assert first[header.index("url")] == \
        f"http://test.nd47.local/data-request/{air['id']}"
    assert [row[0] for row in rows[1:]] == ["1", "2"]
    # a title typed as a formula is not run by a spreadsheet
    assert "'=HYPERLINK(\"http://evil.example\")" in by_title
    # limit, default 100, at most 1000
    limited = app.get("/data-request/queue.csv?limit=1").data
    assert len(list(csv.reader(io.StringIO(limited.decode("utf-8-sig"))))) \
        == 2
    for bad in ("5000", "0", "abc"):
        res = app.get(f"/data-request/queue.csv?limit={bad}")
        assert res.status_code == 400, bad
    agency = app.get("/data-request/queue.csv?organization=so-xay-dung")
    assert len(agency.data.decode("utf-8-sig").strip().splitlines()) == 2


# --- ratings and reports on dataset pages ------------------------------------

def test_the_rating_widget_on_the_dataset_page(app, cast):
    dataset = _public_dataset(cast)
    url = f"/dataset/{dataset['name']}"
    anonymous = app.get(url).body
    assert "Chưa có đánh giá" in anonymous
    assert "Đăng nhập để đánh giá" in anonymous
    assert 'id="nd47-rating-form"' not in anonymous
    # the compliance panel is still there
    assert "nd47-compliance" in anonymous

    headers = _auth(cast.citizen)
    assert 'id="nd47-rating-form"' in app.get(url, headers=headers).body
    res = app.post(f"{url}/rating", headers=headers,
                   data={"stars": "4", "reason": "format", "comment": "Tốt"})
    assert res.status_code == 200
    assert "Cảm ơn bạn: đã lưu đánh giá" in res.body
    app.post(f"{url}/rating", headers=_auth(cast.neighbour),
             data={"stars": "1", "reason": "timeliness"})
    body = app.get(url, headers=headers).body
    assert "2,5 trên 5 (2 đánh giá)" in body
    assert "Đánh giá của bạn: 4 trên 5, Định dạng" in body
    # a low rating opened the dataset's improvement request
    assert "Xem yêu cầu cải thiện bộ dữ liệu này" in body

    res = app.post(f"{url}/rating", headers=headers,
                   data={"stars": "9", "reason": "quality"})
    assert res.status_code == 200
    assert "Phải từ 1 đến 5 / Must be 1 to 5" in res.body

    res = app.post(f"{url}/rating/delete", headers=headers)
    assert res.status_code == 200 and "Đã rút lại đánh giá của bạn" in res.body
    assert "1 trên 5 (1 đánh giá)" in res.body
    res = app.post(f"{url}/rating/delete", headers=headers)
    assert res.status_code == 404


def test_a_report_leads_to_the_improvement_request(app, cast):
    dataset = _public_dataset(cast, title="Danh sách trạm quan trắc")
    url = f"/dataset/{dataset['name']}"
    res = app.post(f"{url}/report", headers=_auth(cast.citizen),
                   data={"text": "Thiếu dữ liệu tháng 6",
                         "requester_type": "researcher"})
    assert res.status_code == 200
    assert "Phản ánh của bạn đã được thêm vào yêu cầu cải thiện" in res.body
    assert "Cải thiện / Improve: Danh sách trạm quan trắc" in res.body
    assert "Thiếu dữ liệu tháng 6" in res.body
    assert 'href="/dataset/' + dataset["name"] + '"' in res.body
    page = app.get(url, headers=_auth(cast.citizen)).body
    assert "Xem yêu cầu cải thiện bộ dữ liệu này" in page
    # an empty report is refused with a message, not a 500
    res = app.post(f"{url}/report", headers=_auth(cast.citizen),
                   data={"text": ""})
    assert res.status_code == 200 and REQUIRED in res.body


def test_private_datasets_have_no_rating_widget(app, cast):
    dataset = _public_dataset(cast, private=True)
    headers = _auth(cast.steward)
    page = app.get(f"/dataset/{dataset['name']}", headers=headers)
    assert page.status_code == 200
    assert 'id="rating"' not in page.body
    res = app.post(f"/dataset/{dataset['name']}/rating",
                   headers=_auth(cast.citizen),
                   data={"stars": "5", "reason": "quality"})
    assert res.status_code == 404


# --- CSRF and login ----------------------------------------------------------

def test_forms_keep_csrf_protection(app, cast, request_dict):
    """A browser session (cookie, no API token) must send the form's CSRF
    token; anonymous users pressing a button are sent to log in."""
    rid = request_dict["id"]
    client = app.test_client()
    page = client.get(f"/data-request/{rid}")
    res = client.post(f"/data-request/{rid}/vote",
                      data={"_csrf_token": _csrf(page.body)},
                      follow_redirects=False)
    assert res.status_code == 302
    assert "/user/login?next=" in res.headers["Location"]

    password = "Mat-khau-du-dai-123"
    ckan_factories.User(name="cong-dan", password=password)
    login = client.get("/user/login")
    res = client.post("/user/login", data={
        "login": "cong-dan", "password": password,
        "_csrf_token": _csrf(login.body)}, follow_redirects=True)
    assert res.status_code == 200
    assert client.post(f"/data-request/{rid}/follow").status_code == 400
    page = client.get(f"/data-request/{rid}")
    assert 'id="nd47-follow"' in page.body
    res = client.post(f"/data-request/{rid}/follow",
                      data={"_csrf_token": _csrf(page.body)},
                      follow_redirects=True)
    assert res.status_code == 200 and 'id="nd47-unfollow"' in res.body


def test_the_pages_in_english(app, cast, request_dict):
    body = app.get(f"/en/data-request/{request_dict['id']}").body
    assert ">New<" in body and "Supporter diversity" in body
    assert "Log in to support this request" in body
    assert "Priority score" in body
    body = app.get("/en/data-request/queue").body
    assert "Publication priority queue of the province" in body
    # one supporter, one comment: English says so in the singular
    body = app.get("/en/data-request").body
    assert "1 supporter<" in body and "0 comments<" in body
    assert "1 data request<" in body
