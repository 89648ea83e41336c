"""A data steward publishes a dataset through the web form, in Vietnamese:
field errors first, then the Decree 47 fields, a CSV link, "Kết thúc"
(Finish), and the compliance badge that anyone can see. A second steward
forgets the legal basis and is sent back to the form, the dataset still a
draft, until the legal basis is filled in."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Iterator

import pytest
import requests
from playwright.sync_api import Browser, Locator, Page, Response, expect

from tests.e2e import portal

AGENCY = "Sở Nông nghiệp và Môi trường"
RULES = ["A17.1.d", "A17.1.e", "A17.1.đ", "A17.1.g", "A18", "A20.1",
         "A20.2", "A20.3.review", "A20.3.update", "A20.4", "A21.1", "A21.2"]


# --- the portal's API, as the sysadmin and as nobody -------------------------

def _show(portal_url: str, name: str, token: str | None = None
          ) -> requests.Response:
    return requests.get(f"{portal_url}/api/3/action/package_show",
                        params={"id": name}, timeout=30,
                        headers={"Authorization": token} if token else {})


@pytest.fixture
def created(portal_url: str, admin_token: str) -> Iterator[list[str]]:
    """Names of the datasets a test makes; purged afterwards so that the
    portal looks the same on the next run."""
    names: list[str] = []
    yield names
    for name in names:
        response = requests.post(
            f"{portal_url}/api/3/action/dataset_purge",
            headers={"Authorization": admin_token}, json={"id": name},
            timeout=30)
        assert response.status_code in (200, 404), response.text


# --- the browser -------------------------------------------------------------

@pytest.fixture
def steward(browser: Browser, portal_url: str) -> Iterator[Page]:
    """A Vietnamese browser logged in as the sysadmin through /user/login."""
    password = (portal.state()
                / "admin-password").read_text().strip()
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    _ok(page.goto(portal_url + "/user/login"))
    page.locator("#field-login").fill("admin")
    page.locator("#field-password").fill(password)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Đăng nhập", exact=True).click()
    _ok(navigation.value)
    assert "/user/login" not in page.url, "the sysadmin could not log in"
    yield page
    context.close()


def _ok(response: Response | None) -> Response:
    assert response is not None
    assert response.status == 200, f"{response.url}: HTTP {response.status}"
    return response


def _select2(page: Page, select_id: str, text: str) -> None:
    """Choose in a select2 widget the way a person does: open, type, click."""
    page.locator(f"#s2id_{select_id} a.select2-choice").click()
    page.locator(".select2-drop-active input.select2-input").fill(text)
    page.locator(".select2-drop-active .select2-results li") \
        .filter(has_text=text).first.click()


def _field_error(page: Page, field_id: str) -> Locator:
    """The error CKAN shows under one field of the form."""
    group = page.locator(".form-group.error").filter(
        has=page.locator(f"#{field_id}"))
    return group.locator(".error-block")


def _submit(page: Page, button_name: str) -> Response:
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button_name, exact=True).click()
    return _ok(navigation.value)


def _fill_first_stage(page: Page, name: str, title: str) -> None:
    page.locator("#field-title").fill(title)
    # the URL field hides behind the slug preview until "Hiệu chỉnh" (Edit)
    page.locator(".slug-preview").get_by_role("button",
                                              name="Hiệu chỉnh").click()
    page.locator("#field-name").fill(name)
    page.locator("#field-notes").fill(
        "Vị trí, đơn vị quản lý và giờ hoạt động của các điểm phát Wi-Fi "
        "miễn phí tại nơi công cộng trên địa bàn tỉnh.")
    _select2(page, "field-organizations", AGENCY)
    # CKAN starts a new dataset of an agency as private (Riêng tư)
    page.locator("#field-private").select_option(label="Công khai")
    page.locator("#field-classification").select_option(label="Dữ liệu mở")


def _fill_decree_47(page: Page, legal_basis: str | None) -> None:
    today = dt.date.today().isoformat()
    if legal_basis:
        page.locator("#field-legal_basis").fill(legal_basis)
    page.get_by_label("Tệp dữ liệu tải về (Điều 21 khoản 1 điểm a)").check()
    page.locator("#field-personal_information").select_option(
        label="Không chứa thông tin cá nhân")
    page.locator("#field-security_assessment").fill(
        "Đã đánh giá: dữ liệu vị trí công cộng, không gây rủi ro an toàn, "
        "an ninh khi dùng riêng lẻ hoặc kết hợp.")
    page.locator("#field-catalogue_reviewed").fill(today)
    page.locator("#field-data_updated").fill(today)
    page.locator("#field-national_portal").select_option(label="Có")


def _add_csv_link(page: Page, name: str) -> None:
    """The add-data stage: a link (behind the "Liên kết" button of the
    upload/link widget) to a CSV file."""
    assert page.url.endswith(f"/dataset/{name}/resource/new"), page.url
    page.get_by_role("button", name="Liên kết").click()
    page.locator("#field-resource-url").fill(
        f"https://data.example.gov.vn/{name}/diem-phat-wifi.csv")
    page.locator("#field-name").fill("Danh sách điểm phát Wi-Fi (CSV)")
    _select2(page, "field-format", "CSV")
    assert page.locator("#field-format").input_value() == "CSV"


# --- the tests ---------------------------------------------------------------

def test_steward_fixes_field_errors_and_publishes_a_compliant_dataset(
        steward: Page, browser: Browser, portal_url: str, admin_token: str,
        created: list[str]):
    page = steward
    suffix = uuid.uuid4().hex[:8]
    name = f"diem-phat-wifi-cong-cong-{suffix}"
    title = f"Danh mục điểm phát Wi-Fi công cộng {suffix}"
    created.append(name)

    _ok(page.goto(portal_url + "/dataset/new"))
    _fill_first_stage(page, name, title)
    # Lĩnh vực (sector) is left at its empty first choice
    expect(page.locator("#field-sector")).to_have_value("")
    page.locator("#field-spatial_coverage").fill("99")
    # Chromium's date picker only ever sends YYYY-MM-DD; a browser without
    # one shows a plain text box, where a steward types a Vietnamese date.
    start = page.locator("#field-temporal_start")
    start.evaluate("e => { e.type = 'text' }")
    start.fill("31/12/2025")
    _submit(page, "Tiếp theo: Thêm dữ liệu")

    # the form comes back with the errors next to their fields, in Vietnamese
    assert page.url.endswith("/dataset/new"), page.url
    expect(page.locator(".error-explanation")).to_be_visible()
    expect(_field_error(page, "field-sector")).to_contain_text(
        "Trường này là bắt buộc")
    expect(_field_error(page, "field-spatial_coverage")).to_contain_text(
        "Mã đơn vị hành chính không tồn tại: 99")
    expect(_field_error(page, "field-temporal_start")).to_contain_text(
        "Ngày không hợp lệ")
    expect(page.locator(".form-group.error")).to_have_count(3)
    expect(page.locator("#field-title")).to_have_value(title)
    expect(page.locator("#field-name")).to_have_value(name)
    # and nothing was saved, let alone published
    assert _show(portal_url, name).status_code == 404
    assert _show(portal_url, name, admin_token).status_code == 404

    # fix the three fields and fill in what Decree 47 asks for
    page.locator("#field-sector").select_option(label="Khoa học và công nghệ")
    page.locator("#field-spatial_coverage").fill("75")
    page.locator("#field-temporal_start").fill("2025-01-01")
    _fill_decree_47(page, legal_basis=(
        "Điều 17, 18 Nghị định số 47/2020/NĐ-CP; dữ liệu không thuộc "
        "danh mục bí mật nhà nước."))
    _submit(page, "Tiếp theo: Thêm dữ liệu")

    # a draft now: the steward sees it, nobody else does
    shown = _show(portal_url, name, admin_token)
    assert shown.status_code == 200, shown.text
    assert shown.json()["result"]["state"] == "draft"
    # hidden is answered as missing
    assert _show(portal_url, name).status_code == 404

    _add_csv_link(page, name)
    _submit(page, "Kết thúc")

    # published: the dataset page with the compliance badge and the rules
    assert page.url == f"{portal_url}/dataset/{name}", page.url
    expect(page.locator("article h1")).to_have_text(title)
    panel = page.locator("section.nd47-compliance")
    expect(panel).to_have_attribute("data-compliance", "compliant")
    expect(panel.locator(".nd47-compliance-badge")).to_have_text("Đạt")
    expect(panel.locator("tr[data-rule]")).to_have_count(len(RULES))
    assert panel.locator("tr[data-rule]").evaluate_all(
        "rows => rows.map(r => r.dataset.rule)") == RULES
    expect(panel.locator("tr[data-passed='false']")).to_have_count(0)
    legal = panel.locator('tr[data-rule="A20.4"]')
    expect(legal).to_contain_text("Khoản 4 Điều 20")
    expect(legal).to_contain_text("Đạt")

    dataset = _show(portal_url, name).json()["result"]
    assert dataset["state"] == "active" and dataset["private"] is False
    assert dataset["sector"] == "TECH"
    assert dataset["spatial_coverage"] == ["75"]
    assert dataset["temporal_start"] == "2025-01-01"
    assert dataset["publishing_methods"] == ["download"]
    assert dataset["national_portal"] is True
    assert [r["format"] for r in dataset["resources"]] == ["CSV"]

    # a visitor who is not logged in sees the same page and badge
    visitor = browser.new_context(locale="vi-VN")
    try:
        anonymous = visitor.new_page()
        _ok(anonymous.goto(f"{portal_url}/dataset/{name}"))
        expect(anonymous.locator("article h1")).to_have_text(title)
        panel = anonymous.locator("section.nd47-compliance")
        expect(panel).to_have_attribute("data-compliance", "compliant")
        expect(panel.locator(".nd47-compliance-badge")).to_have_text("Đạt")
        expect(panel.locator('tr[data-rule="A20.4"]')).to_have_attribute(
            "data-passed", "true")
    finally:
        visitor.close()


def _refused_draft(page: Page, portal_url: str, admin_token: str,
                   name: str) -> None:
    """A complete open dataset without its legal basis, taken through both
    stages up to "Kết thúc" (Finish), which must refuse to publish it."""
    suffix = name.rsplit("-", 1)[-1]
    _ok(page.goto(portal_url + "/dataset/new"))
    _fill_first_stage(page, name,
                      f"Danh mục điểm phát Wi-Fi công cộng {suffix}")
    page.locator("#field-sector").select_option(label="Khoa học và công nghệ")
    page.locator("#field-spatial_coverage").fill("75")
    page.locator("#field-temporal_start").fill("2025-01-01")
    _fill_decree_47(page, legal_basis=None)
    _submit(page, "Tiếp theo: Thêm dữ liệu")
    _add_csv_link(page, name)
    _submit(page, "Kết thúc")  # HTTP 200 at the end of the redirects

    # back on the dataset's form, with the failing rule named
    assert page.url == f"{portal_url}/dataset/edit/{name}", page.url
    expect(page.locator(".flash-messages .alert")).to_contain_text("A20.4")
    missing = page.locator(".nd47-compliance-missing")
    expect(missing).to_be_visible()
    expect(missing.locator("li")).to_have_count(1)
    expect(missing.locator("li")).to_contain_text("A20.4")
    expect(missing.locator("li")).to_contain_text("căn cứ pháp lý")
    expect(page.locator("#field-legal_basis")).to_be_visible()

    # still a draft, invisible to visitors, the resource kept
    shown = _show(portal_url, name, admin_token)
    assert shown.status_code == 200, shown.text
    dataset = shown.json()["result"]
    assert dataset["state"] == "draft" and dataset["private"] is False
    assert [r["format"] for r in dataset["resources"]] == ["CSV"]
    # hidden is answered as missing
    assert _show(portal_url, name).status_code == 404


def test_finish_without_legal_basis_returns_to_the_form_as_a_draft(
        steward: Page, portal_url: str, admin_token: str,
        created: list[str]):
    name = f"diem-phat-wifi-thieu-can-cu-{uuid.uuid4().hex[:8]}"
    created.append(name)
    _refused_draft(steward, portal_url, admin_token, name)


def test_refused_draft_published_once_the_legal_basis_is_added(
        steward: Page, portal_url: str, admin_token: str,
        created: list[str]):
    page = steward
    name = f"diem-phat-wifi-bo-sung-{uuid.uuid4().hex[:8]}"
    created.append(name)
    _refused_draft(page, portal_url, admin_token, name)

    # the form shows the saved values as they were typed
    expect(page.locator("#field-spatial_coverage")).to_have_value("75")
    expect(page.locator("#field-temporal_start")).to_have_value("2025-01-01")

    # the steward adds the legal basis and continues; "Kết thúc" with no
    # second file publishes the dataset
    page.locator("#field-legal_basis").fill(
        "Điều 17, 18 Nghị định số 47/2020/NĐ-CP.")
    _submit(page, "Tiếp theo: Thêm dữ liệu")
    expect(page.locator(".error-explanation")).to_have_count(0)
    assert page.url.endswith(f"/dataset/{name}/resource/new"), page.url
    _submit(page, "Kết thúc")
    assert page.url == f"{portal_url}/dataset/{name}", page.url
    panel = page.locator("section.nd47-compliance")
    expect(panel).to_have_attribute("data-compliance", "compliant")
    expect(panel.locator(".nd47-compliance-badge")).to_have_text("Đạt")
    dataset = _show(portal_url, name).json()["result"]
    assert dataset["state"] == "active"
    assert dataset["spatial_coverage"] == ["75"]
    assert [r["format"] for r in dataset["resources"]] == ["CSV"]


def test_form_reads_right_in_vietnamese(steward: Page, portal_url: str):
    """What the steward reads on /dataset/new: a required choice starts
    empty (nobody publishes under a sector they never chose) and every
    label is whole. (CKAN's own hints on the form, such as the Markdown
    and licence notes, come from CKAN's Vietnamese catalogue, which is 55 %
    complete in 2.11.)"""
    page = steward
    _ok(page.goto(portal_url + "/dataset/new"))
    problems: list[str] = []

    sector = page.locator("#field-sector")
    chosen = sector.evaluate("s => s.value")
    if chosen != "":
        problems.append(
            "Lĩnh vực (required) offers no empty choice; the form sends "
            f"{chosen!r} unless the steward changes it")
    label = page.locator("label[for=field-security_assessment]").inner_text()
    if "Đánh giá rủi ro an toàn, an ninh" not in label:
        problems.append(f"security_assessment label cut short: {label!r}")

    assert not problems, "\n".join(problems)
