"""A data request from start to answer, in Vietnamese, in Chromium: a
citizen asks for data through the form, a second citizen supports the
request, the steward of the agency it was addressed to plans it with a
target date and then publishes it, linked to a public demo dataset, and the
first citizen finds the answer on the request's page.

The people are made through the API as the sysadmin; everything the test
makes is removed afterwards (the request from the database: requests are a
public record that no action deletes), so the portal looks the same on the
next run."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Callable, Iterator

import pytest
import requests
import sqlalchemy as sa
from playwright.sync_api import (Browser, BrowserContext, Page, Response,
                                  expect)

from tests.e2e import portal

AGENCY = "so-nong-nghiep-moi-truong"
AGENCY_TITLE = "Sở Nông nghiệp và Môi trường"
DATASET = "quan-trac-nuoc-mat"
PASSWORD = "Mat-khau-e2e-2025"


def _api(portal_url: str, action: str, token: str | None = None,
         **data: Any) -> Any:
    response = requests.post(
        f"{portal_url}/api/3/action/{action}", json=data, timeout=30,
        headers={"Authorization": token} if token else {})
    assert response.status_code == 200, f"{action}: {response.text}"
    return response.json()["result"]


@pytest.fixture
def people(portal_url: str, admin_token: str
           ) -> Iterator[dict[str, dict[str, Any]]]:
    """Two citizens and a steward (editor of the demo agency), made by the
    sysadmin; afterwards the request they made is deleted with everything
    hanging from it, the steward leaves the agency, the accounts are
    deleted."""
    suffix = uuid.uuid4().hex[:8]
    made: dict[str, dict[str, Any]] = {}
    for role, fullname in (("citizen", "Phạm Thị Hoa"),
                           ("supporter", "Võ Văn Nam"),
                           ("steward", "Đỗ Minh Tuấn")):
        made[role] = _api(portal_url, "user_create", admin_token,
                          name=f"e2e-{role}-{suffix}", fullname=fullname,
                          email=f"e2e-{role}-{suffix}@example.vn",
                          password=PASSWORD)
    _api(portal_url, "organization_member_create", admin_token, id=AGENCY,
         username=made["steward"]["name"], role="editor")
    try:
        yield made
    finally:
        engine = portal.database()
        with engine.begin() as connection:
            connection.execute(
                sa.text("DELETE FROM nd47_data_request "
                        "WHERE creator_id = :id"),
                {"id": made["citizen"]["id"]})
        engine.dispose()
        _api(portal_url, "organization_member_delete", admin_token,
             id=AGENCY, username=made["steward"]["name"])
        for user in made.values():
            _api(portal_url, "user_delete", admin_token, id=user["id"])


def _ok(response: Response | None) -> Response:
    assert response is not None
    assert response.status == 200, f"{response.url}: HTTP {response.status}"
    return response


def _submit(page: Page, button_name: str) -> Response:
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button_name, exact=True).click()
    return _ok(navigation.value)


@pytest.fixture
def log_in(browser: Browser, portal_url: str
           ) -> Iterator[Callable[[dict[str, Any]], Page]]:
    """Log a user in through /user/login, in a Vietnamese browser of
    their own."""
    contexts: list[BrowserContext] = []

    def logged_in(user: dict[str, Any]) -> Page:
        context = browser.new_context(locale="vi-VN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        _ok(page.goto(portal_url + "/user/login"))
        page.locator("#field-login").fill(user["name"])
        page.locator("#field-password").fill(PASSWORD)
        _submit(page, "Đăng nhập")
        assert "/user/login" not in page.url, \
            f"{user['name']} could not log in"
        return page

    yield logged_in
    for context in contexts:
        context.close()


def test_a_request_from_the_form_to_the_published_answer(
        log_in: Callable[[dict[str, Any]], Page], portal_url: str,
        people: dict[str, dict[str, Any]]):
    dataset = _api(portal_url, "package_show", id=DATASET)
    assert dataset["private"] is False  # a public demo dataset answers it
    suffix = people["citizen"]["name"].rsplit("-", 1)[-1]
    title = f"Số liệu quan trắc nước mặt theo từng điểm lấy mẫu {suffix}"

    # --- the citizen asks, through the header link and the form --------------
    citizen = log_in(people["citizen"])
    _ok(citizen.goto(portal_url + "/dataset"))
    with citizen.expect_navigation() as navigation:
        citizen.locator("header").get_by_role(
            "link", name="Yêu cầu dữ liệu", exact=True).click()
    _ok(navigation.value)
    assert citizen.url == portal_url + "/data-request", citizen.url
    with citizen.expect_navigation() as navigation:
        citizen.get_by_role("link", name="Gửi yêu cầu dữ liệu").click()
    _ok(navigation.value)

    # an empty title comes back at its field, what was typed is kept
    citizen.locator("#field-description").fill(
        "Kết quả đo pH, DO, COD, BOD5 tại từng điểm lấy mẫu trên các sông "
        "chính, theo từng đợt quan trắc.")
    _submit(citizen, "Gửi yêu cầu")
    expect(citizen.locator(".form-group.error").filter(
        has=citizen.locator("#field-title")).locator(".error-block")
    ).to_contain_text("Trường này là bắt buộc")
    expect(citizen.locator("#field-description")).to_have_value(
        "Kết quả đo pH, DO, COD, BOD5 tại từng điểm lấy mẫu trên các sông "
        "chính, theo từng đợt quan trắc.")

    citizen.locator("#field-title").fill(title)
    citizen.locator("#field-purpose").fill(
        "Theo dõi chất lượng nước nơi gia đình lấy nước tưới.")
    citizen.locator("#field-requester_type").select_option(label="Người dân")
    citizen.locator("#field-sector").select_option(
        label="Tài nguyên và môi trường")
    citizen.locator("#field-organization").select_option(label=AGENCY_TITLE)
    _submit(citizen, "Gửi yêu cầu")
    assert "/data-request/" in citizen.url, citizen.url
    request_url = citizen.url
    expect(citizen.locator(".flash-messages")).to_contain_text(
        "Yêu cầu dữ liệu của bạn đã được gửi đến cơ quan")
    expect(citizen.locator("h1.nd47-request-title")).to_have_text(title)
    expect(citizen.locator("article .nd47-request-status").first
           ).to_have_text("Mới")
    expect(citizen.locator(".nd47-request-agency")).to_have_text(
        AGENCY_TITLE)
    expect(citizen.locator(".nd47-request-supporters")).to_contain_text("1")

    # --- a second citizen supports it ----------------------------------------
    supporter = log_in(people["supporter"])
    _ok(supporter.goto(request_url))
    supporter.locator("#field-supporter_type").select_option(
        label="Doanh nghiệp")
    _submit(supporter, "Tôi cũng cần dữ liệu này")
    expect(supporter.locator(".flash-messages")).to_contain_text(
        "Bạn ủng hộ yêu cầu này.")
    expect(supporter.locator(".nd47-request-supporters")).to_contain_text(
        "2 (Người dân: 1, Doanh nghiệp: 1)")
    expect(supporter.locator("#nd47-transition-form")).to_have_count(0)

    # --- the steward of the agency plans it, then publishes it ---------------
    steward = log_in(people["steward"])
    _ok(steward.goto(request_url))
    form = steward.locator("#nd47-transition-form")
    expect(form).to_be_visible()
    target = dt.date.today() + dt.timedelta(days=45)
    form.locator("#field-status").select_option(label="Đã lên kế hoạch")
    form.locator("#field-reason").fill(
        "Sở sẽ công bố số liệu theo từng điểm lấy mẫu trong đợt cập nhật "
        "danh mục dữ liệu mở tới.")
    form.locator("#field-target_date").fill(target.isoformat())
    _submit(steward, "Chuyển trạng thái")
    expect(steward.locator(".flash-messages")).to_contain_text(
        "Trạng thái của yêu cầu: Đã lên kế hoạch")
    expect(steward.locator(".nd47-request-answer")).to_contain_text(
        "Sở sẽ công bố số liệu theo từng điểm lấy mẫu")
    expect(steward.locator(".nd47-request-target")).not_to_be_empty()

    form.locator("#field-status").select_option(label="Đã công bố")
    form.locator("#field-reason").fill(
        "Đã công bố kết quả quan trắc theo từng điểm lấy mẫu.")
    form.locator("#field-dataset").fill(DATASET)
    _submit(steward, "Chuyển trạng thái")
    expect(steward.locator(".flash-messages")).to_contain_text(
        "Trạng thái của yêu cầu: Đã công bố")
    history = steward.locator("table.nd47-history")
    expect(history.locator('tr[data-action="status"]')).to_have_count(2)
    expect(history.locator('tr[data-action="status"]').last).to_contain_text(
        people["steward"]["name"])

    # --- the first citizen finds the answer ----------------------------------
    _ok(citizen.goto(request_url))
    expect(citizen.locator("article .nd47-request-status").first
           ).to_have_text("Đã công bố")
    answer = citizen.locator("section.nd47-request-answer")
    expect(answer).to_contain_text("Đã công bố")
    expect(answer).to_contain_text(
        "Đã công bố kết quả quan trắc theo từng điểm lấy mẫu.")
    link = answer.get_by_role("link", name=dataset["title"])
    expect(link).to_have_attribute("href", f"/dataset/{DATASET}")
    with citizen.expect_navigation() as navigation:
        link.click()
    _ok(navigation.value)
    assert citizen.url == f"{portal_url}/dataset/{DATASET}", citizen.url
    expect(citizen.locator("article h1")).to_contain_text(dataset["title"])

    shown = _api(portal_url, "nd47_request_show",
                 id=request_url.rsplit("/", 1)[-1])
    assert shown["status"] == "published"
    assert shown["resolution"]["name"] == DATASET
    assert shown["supporters"] == 2
