"""Security headers on every kind of response, and uploaded files that can
never run in the portal's origin: only allowed types are stored, active
ones download as attachments, every upload is sandboxed and not sniffed."""
from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import urlparse

import pytest

import ckan.model as model
from ckan.tests import factories as ckan_factories

from ckanext.nd47.security_headers import csp_hash, inline_handlers
from tests import factories

HTML = b"<!doctype html><script>document.title='pwned'</script>"
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" '
       b'onload="document.title=\'pwned\'"><rect width="9" height="9"/></svg>')
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000"
    "000049454e44ae426082")


@pytest.fixture(scope="module")
def site(reset_db: Any, migrate_db_for: Any) -> dict[str, Any]:
    """An agency, a group, a published dataset, a citizen and the
    sysadmin's token, made once for the module."""
    reset_db()
    migrate_db_for("nd47_search")
    migrate_db_for("nd47")
    admin = factories.sysadmin()
    agency = factories.Agency()
    ckan_factories.Group(name="moi-truong", title="Môi trường")
    dataset = factories.OpenDataset(owner_org=agency["id"])
    citizen = ckan_factories.User()
    return {"dataset": dataset, "admin": factories.api_token(admin),
            "citizen": factories.api_token(citizen)}


def _script_src(policy: str) -> str:
    match = re.search(r"(?:^|;)\s*script-src([^;]*)", policy)
    assert match, policy
    return match.group(1)


def assert_page_headers(response: Any) -> None:
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'self'" in policy
    assert "object-src 'none'" in policy
    script_src = _script_src(policy)
    assert "'self'" in script_src
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src


PAGES = {
    "home": ("/", None, 200),
    "search": ("/dataset/", None, 200),
    "dataset": ("/dataset/{dataset}", None, 200),
    "resource": ("/dataset/{dataset}/resource/{resource}", None, 200),
    "organisations": ("/organization/", None, 200),
    "groups": ("/group/", None, 200),
    "login": ("/user/login", None, 200),
    "data requests": ("/data-request", None, 200),
    "API action": ("/api/3/action/status_show", None, 200),
    "DCAT feed": ("/catalog.ttl", None, 200),
    "static file": ("/base/images/ckan-logo.png", None, 200),
    "not found": ("/dataset/khong-co-bo-du-lieu-nay", None, 404),
    "forbidden": ("/organization/new", "citizen", 403),
    "resource form": ("/dataset/{dataset}/resource/new", "admin", 200),
}


@pytest.mark.parametrize("kind", list(PAGES))
def test_every_kind_of_page_has_the_security_headers(
        kind: str, site: dict[str, Any], app: Any) -> None:
    path, who, status = PAGES[kind]
    dataset = site["dataset"]
    path = path.format(dataset=dataset["name"],
                       resource=dataset["resources"][0]["id"])
    headers = {"Authorization": site[who]} if who else {}
    response = app.get(path, headers=headers)
    assert response.status_code == status, (path, response.status_code)
    assert_page_headers(response)


def test_only_the_upload_widgets_own_handlers_are_allowed(
        site: dict[str, Any], app: Any) -> None:
    """CKAN's upload/link widget has inline onclick handlers: each one on
    the resource form is allowed by its hash, and nothing else inline."""
    response = app.get(f"/dataset/{site['dataset']['name']}/resource/new",
                       headers={"Authorization": site["admin"]})
    html = response.get_data(as_text=True)
    assert 'id="resource-upload-button"' in html  # uploads are enabled
    handlers = inline_handlers(html)
    assert len(handlers) >= 3
    script_src = _script_src(response.headers["Content-Security-Policy"])
    assert "'unsafe-hashes'" in script_src
    allowed = set(re.findall(r"'sha256-[^']+'", script_src))
    assert {csp_hash(h) for h in handlers} <= allowed
    assert csp_hash("document.title='pwned'") not in allowed


def _upload(app: Any, token: str, package_id: str, name: str,
            content: bytes, **fields: str) -> Any:
    return app.post("/api/3/action/resource_create",
                    headers={"Authorization": token},
                    data={"package_id": package_id, "name": name, **fields,
                          "upload": (io.BytesIO(content), name)})


@pytest.mark.parametrize("name,content", [
    ("report.html", HTML), ("logo.svg", SVG), ("app.js", b"alert(1)"),
    ("trang.xhtml", HTML), ("khong-duoi", b"a,b\n1,2")])
def test_uploads_outside_the_allow_list_are_refused(
        name: str, content: bytes, site: dict[str, Any], app: Any) -> None:
    before = model.Session.query(model.Resource).count()
    response = _upload(app, site["admin"], site["dataset"]["id"], name,
                       content)
    assert response.status_code == 409
    messages = response.get_json()["error"]["upload"]
    assert any(m.startswith("Không được tải lên tệp") and
               "cannot be uploaded" in m and "csv" in m for m in messages)
    assert model.Session.query(model.Resource).count() == before


def test_a_form_sent_without_a_file_adds_no_resource(
        site: dict[str, Any], app: Any) -> None:
    """The resource form sends its file field even when no file was chosen:
    "Finish" with it empty adds no empty resource, and leaves later uploads
    to the allow-list (the empty part is dropped for that request only)."""
    dataset = site["dataset"]
    headers = {"Authorization": site["admin"]}
    form = app.get(f"/dataset/{dataset['name']}/resource/new",
                   headers=headers)
    token = re.search(r'<meta name="_csrf_token" content="([^"]+)"',
                      form.get_data(as_text=True)).group(1)
    before = model.Session.query(model.Resource).filter_by(
        package_id=dataset["id"], state="active").count()
    app.post(f"/dataset/{dataset['name']}/resource/new", headers=headers,
             data={"_csrf_token": token, "id": "", "url": "", "name": "",
                   "description": "", "format": "", "save": "go-metadata",
                   "upload": (io.BytesIO(b""), "")})
    model.Session.expire_all()
    after = model.Session.query(model.Resource).filter_by(
        package_id=dataset["id"], state="active").count()
    assert after == before
    response = _upload(app, site["admin"], dataset["id"], "report.html", HTML)
    assert response.status_code == 409


def _download(app: Any, resource: dict[str, Any]) -> Any:
    response = app.get(urlparse(resource["url"]).path)
    assert response.status_code == 200
    return response


def _assert_upload_headers(response: Any) -> None:
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    policy = headers["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy


@pytest.mark.ckan_config("ckanext.nd47.uploads.allowed_formats",
                         "html svg csv png")
@pytest.mark.parametrize("name,content,fields,media_type", [
    ("report.html", HTML, {}, "text/html"),
    ("logo.svg", SVG, {}, "image/svg+xml"),
    # a harmless name with an active media type set by hand
    ("bang.csv", HTML, {"mimetype": "text/html"}, "text/html"),
    ("anh.png", SVG, {"mimetype": "image/svg+xml"}, "image/svg+xml"),
])
def test_active_uploads_download_as_attachments(
        name: str, content: bytes, fields: dict[str, str], media_type: str,
        site: dict[str, Any], app: Any) -> None:
    """Even where an admin allows HTML or SVG files, opening one downloads
    it instead of running it in the portal's origin."""
    response = _upload(app, site["admin"], site["dataset"]["id"], name,
                       content, **fields)
    assert response.status_code == 200, response.get_json()
    resource = response.get_json()["result"]
    download = _download(app, resource)
    assert download.mimetype == media_type
    assert download.headers["Content-Disposition"].startswith("attachment")
    _assert_upload_headers(download)
    # a browser revalidating its cached copy merges the 304's headers in
    again = app.get(urlparse(resource["url"]).path,
                    headers={"If-None-Match": download.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Content-Disposition"].startswith("attachment")
    _assert_upload_headers(again)


@pytest.mark.parametrize("name,content,media_type", [
    ("bang.csv", b"ma,ten\n1,Xa Tan Phu\n", "text/csv"),
    ("anh.png", PNG, "image/png"),
])
def test_passive_uploads_open_inline_but_sandboxed(
        name: str, content: bytes, media_type: str,
        site: dict[str, Any], app: Any) -> None:
    response = _upload(app, site["admin"], site["dataset"]["id"], name,
                       content)
    assert response.status_code == 200, response.get_json()
    download = _download(app, response.get_json()["result"])
    assert download.mimetype == media_type
    assert not download.headers.get("Content-Disposition", "").startswith(
        "attachment")
    _assert_upload_headers(download)
