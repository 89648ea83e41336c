"""Uploaded files never run in the portal's origin, in Chromium.

The sysadmin (through the API) tries to upload an HTML page and an SVG
image with scripts: both are refused. Then files whose names are allowed
carry the same scripts, some with an active media type set by hand; each
sets a marker in the portal origin's localStorage and the page title if
it ever runs. Opening their download links and resource pages must leave
the marker unset: active types become downloads, the rest are sandboxed.
The portal's own pages are then visited with a listener for
Content-Security-Policy violations: there must be none.

The test's dataset is purged afterwards."""
from __future__ import annotations

import uuid
from typing import Any, Iterator

import pytest
import requests
from playwright.sync_api import Browser, Error, Page

from tests.e2e import portal

pytestmark = pytest.mark.slow

AGENCY = "so-nong-nghiep-moi-truong"
DEMO_DATASET = "quan-trac-nuoc-mat"
MARKER = "nd47-pwned"
SCRIPT = (f"localStorage.setItem('{MARKER}', location.href);"
          "document.title = 'pwned';"
          "if (window.opener) window.opener.postMessage('pwned', '*');")
HTML = f"<!doctype html><title>ok</title><script>{SCRIPT}</script>"
XHTML = ('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">'
         f"<head><title>ok</title></head><body><script>{SCRIPT}</script>"
         "</body></html>")
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" '
       f'onload="{SCRIPT}"><rect width="10" height="10"/></svg>')
#: listens for CSP violations from the first moment of every page
LISTEN = ("window.__csp = [];"
          "document.addEventListener('securitypolicyviolation', e =>"
          " window.__csp.push(e.violatedDirective + ' ' + e.blockedURI"
          " + ' ' + e.sourceFile + ':' + e.lineNumber));")

LINK = {"url": "https://data.example.gov.vn/quan-trac.csv", "format": "CSV",
        "name": "Số liệu quan trắc (CSV)"}
#: name, content, media type set by hand (None: CKAN guesses it)
HOSTILE = [
    ("bao-cao.xml", XHTML, None),
    ("bang-so-lieu.csv", HTML, "text/html"),
    ("ban-do.png", SVG, "image/svg+xml"),
    ("ghi-chu.txt", HTML, None),
]


def _api(portal_url: str, action: str, token: str, **data: Any) -> Any:
    response = requests.post(f"{portal_url}/api/3/action/{action}",
                             json=data, headers={"Authorization": token},
                             timeout=30)
    assert response.status_code == 200, f"{action}: {response.text}"
    return response.json()["result"]


def _upload(portal_url: str, token: str, package_id: str, name: str,
            content: str, mimetype: str | None) -> requests.Response:
    fields = {"package_id": package_id, "name": name}
    if mimetype:
        fields["mimetype"] = mimetype
    return requests.post(f"{portal_url}/api/3/action/resource_create",
                         data=fields, headers={"Authorization": token},
                         files={"upload": (name, content.encode())},
                         timeout=30)


@pytest.fixture(scope="module")
def dataset(portal_url: str, admin_token: str) -> Iterator[dict[str, Any]]:
    """A public copy of a demo dataset, with a link instead of its files,
    purged at the end."""
    demo = _api(portal_url, "package_show", admin_token, id=DEMO_DATASET)
    name = f"kiem-tra-tep-tai-len-{uuid.uuid4().hex[:8]}"
    fields = {k: v for k, v in demo.items() if k not in (
        "id", "name", "resources", "organization", "groups", "tags",
        "num_resources", "num_tags", "metadata_created", "metadata_modified",
        "revision_id", "creator_user_id", "relationships_as_object",
        "relationships_as_subject", "nd47_compliance")}
    fields.update(name=name, title=f"Kiểm tra tệp tải lên {name[-8:]}",
                  owner_org=AGENCY, resources=[LINK])
    made = _api(portal_url, "package_create", admin_token, **fields)
    try:
        yield made
    finally:
        requests.post(f"{portal_url}/api/3/action/dataset_purge",
                      headers={"Authorization": admin_token},
                      json={"id": made["id"]}, timeout=30)


@pytest.fixture
def admin_page(browser: Browser, portal_url: str) -> Iterator[Page]:
    """The sysadmin logged in through /user/login, with the listener."""
    password = (portal.state() / "admin-password").read_text().strip()
    context = browser.new_context(locale="vi-VN")
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(portal_url + "/user/login")
    page.locator("#field-login").fill("admin")
    page.locator("#field-password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập", exact=True).click()
    assert "/user/login" not in page.url, "the sysadmin could not log in"
    yield page
    context.close()


def _violations(page: Page) -> list[str]:
    return page.evaluate("window.__csp || []")


def test_html_and_svg_uploads_are_refused(portal_url: str, admin_token: str,
                                          dataset: dict[str, Any]) -> None:
    for name, content in (("report.html", HTML), ("logo.svg", SVG)):
        response = _upload(portal_url, admin_token, dataset["id"], name,
                           content, None)
        assert response.status_code == 409, response.text
        message = response.json()["error"]["upload"][0]
        assert message.startswith("Không được tải lên tệp")
        assert "cannot be uploaded" in message
    shown = _api(portal_url, "package_show", admin_token, id=dataset["id"])
    assert [r["url"] for r in shown["resources"]] == [LINK["url"]]


def test_uploaded_scripts_never_run_in_the_portal_origin(
        portal_url: str, admin_token: str, dataset: dict[str, Any],
        browser: Browser) -> None:
    resources = []
    for name, content, mimetype in HOSTILE:
        response = _upload(portal_url, admin_token, dataset["id"], name,
                           content, mimetype)
        assert response.status_code == 200, response.text
        resources.append(response.json()["result"])

    context = browser.new_context(locale="vi-VN", accept_downloads=True)
    context.add_init_script(LISTEN)
    context.set_default_timeout(20_000)
    # a portal page that opens the links and hears any message back
    home = context.new_page()
    home.goto(portal_url + "/")
    home.evaluate("window.__messages = [];"
                  "window.addEventListener('message',"
                  " e => window.__messages.push(String(e.data)))")
    viewer = context.new_page()
    downloads: list[str] = []
    try:
        for resource, (name, _, _) in zip(resources, HOSTILE):
            url = resource["url"]
            # followed from the portal page, in a new tab
            with context.expect_page() as opened:
                home.evaluate("url => window.open(url)", url)
            tab = opened.value
            try:
                tab.wait_for_load_state()
                tab.wait_for_timeout(500)
                title = tab.title()
            except Error:
                title = None  # the tab became a download and was closed
            assert title != "pwned", name
            if not tab.is_closed():
                tab.close()
            # and typed into the address bar
            other = context.new_page()
            other.on("download", lambda d: downloads.append(
                d.suggested_filename))
            try:
                other.goto(url)
                # shown inline: only passive types, sandboxed, not sniffed
                assert name == "ghi-chu.txt", f"{name} was shown inline"
                assert other.title() != "pwned"
            except Error as error:
                assert "Download is starting" in error.message, error.message
                other.wait_for_timeout(500)
                assert downloads[-1:] == [name]
            other.close()
            # the resource's own page
            viewer.goto(f"{portal_url}/dataset/{dataset['name']}/resource/"
                        f"{resource['id']}")
            viewer.wait_for_timeout(300)
            assert viewer.title() != "pwned"
            assert _violations(viewer) == [], (name, _violations(viewer))
        assert home.evaluate("window.__messages") == []
        assert home.title() != "pwned"
        assert home.evaluate(f"localStorage.getItem('{MARKER}')") is None
        assert sorted(downloads) == sorted(
            n for n, _, _ in HOSTILE if n != "ghi-chu.txt")
    finally:
        context.close()


PAGES = ["/", "/dataset/", f"/dataset/{DEMO_DATASET}",
         "/data-request", "/user/login", "/organization/", "/group/"]


def test_the_portals_pages_pass_their_policy(
        portal_url: str, browser: Browser, admin_page: Page,
        admin_token: str) -> None:
    context = browser.new_context(locale="vi-VN")
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(20_000)
    demo = _api(portal_url, "package_show", admin_token, id=DEMO_DATASET)
    request = _api(portal_url, "nd47_request_list", admin_token)["results"][0]
    anonymous = PAGES + [
        f"/dataset/{DEMO_DATASET}/resource/{demo['resources'][0]['id']}",
        f"/data-request/{request['id']}"]
    try:
        for path in anonymous:
            response = page.goto(portal_url + path)
            assert response is not None and response.status == 200, path
            page.wait_for_timeout(300)
            assert _violations(page) == [], (path, _violations(page))
    finally:
        context.close()

    page = admin_page
    for path in ("/dataset/new", f"/dataset/edit/{DEMO_DATASET}",
                 "/data-request/new", "/dashboard/datasets"):
        response = page.goto(portal_url + path)
        assert response is not None and response.status == 200, path
        page.wait_for_timeout(300)
        assert _violations(page) == [], (path, _violations(page))
    # the upload/link widget's inline handlers are allowed by their hashes
    page.goto(f"{portal_url}/dataset/{DEMO_DATASET}/resource/new")
    page.get_by_role("button", name="Liên kết").click()
    assert page.locator("#field-resource-url").is_visible()
    page.locator(".btn-remove-url:visible").first.click()
    assert page.locator("#resource-url-none").is_checked()
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Tải lên").click()
    assert chooser.value is not None
    assert _violations(page) == [], _violations(page)
