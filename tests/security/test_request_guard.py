"""The request guard: text no endpoint could store or process (NUL, a lone
UTF-16 surrogate) and API bodies that are not a JSON object get one
bilingual 400 before any view runs, on CKAN's endpoints and ours alike,
and nothing is written."""
from __future__ import annotations

import json

import pytest

import ckan.model as model

from tests import factories

_BAD_CHARACTER = ("Yêu cầu chứa ký tự không hợp lệ",
                  "The request contains an invalid character")
_NOT_JSON = ("không phải một đối tượng JSON hợp lệ",
             "is not a valid JSON object")


def _api_error(response) -> str:
    assert response.status_code == 400, response.body[:500]
    body = response.json
    assert body["success"] is False
    return body["error"]["message"]


@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("url", [
    # CKAN's own actions answered these with a server error
    "/api/3/action/package_show?id=%00",
    "/api/3/action/package_autocomplete?q=a%00",
    "/api/3/action/package_search?q=thoi%00tiet",
    "/api/3/action/nd47_request_list?q=%00",
    "/api/3/action/package_search?fl=id&%00=1",
])
def test_nul_in_a_query_string_is_a_bilingual_400(app, url: str) -> None:
    message = _api_error(app.get(url, status=400))
    assert all(part in message for part in _BAD_CHARACTER)


@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("body", [
    {"id": "\ud800"},
    {"q": "x\udfff"},
    {"\ud800": "key"},
    {"fq_list": ["ok", ["deeper", "a\x00b"]]},
])
def test_bad_characters_in_a_json_body_are_refused(app, body) -> None:
    for action in ("package_show", "package_autocomplete",
                   "nd47_request_list", "dcat_catalog_show"):
        message = _api_error(app.post(
            f"/api/3/action/{action}", data=json.dumps(body),
            content_type="application/json", status=400))
        assert all(part in message for part in _BAD_CHARACTER)


@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("raw", [
    b'{"q": NaN}', b'{"rows": Infinity}', b"[1, 2]", b'"text"',
    b'{"q": "unterminated"', b"\xff\xfe{}",
])
def test_an_api_body_that_is_not_a_json_object_is_refused(app, raw) -> None:
    message = _api_error(app.post(
        "/api/3/action/package_search", data=raw,
        content_type="application/json", status=400))
    assert all(part in message for part in _NOT_JSON) or \
        all(part in message for part in _BAD_CHARACTER)


@pytest.mark.usefixtures("clean_db")
def test_a_deeply_nested_body_is_refused_before_the_decoder(app) -> None:
    body = "[" * 400 + "]" * 400
    message = _api_error(app.post(
        "/api/3/action/package_search", data='{"q": %s}' % body,
        content_type="application/json", status=400))
    assert "lồng nhau quá sâu" in message and "nested too deeply" in message


@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("path", ["/dataset/%00", "/dataset/?q=a%00b",
                                  "/data-request/queue?organization=%00",
                                  "/data-request/queue.csv?organization=%00",
                                  "/organization/%00", "/user/%00"])
def test_pages_refuse_nul_with_a_page_not_a_server_error(app, path) -> None:
    response = app.get(path, status=400)
    assert "Yêu cầu chứa ký tự không hợp lệ" in response.body
    assert "The request contains an invalid character" in response.body


@pytest.mark.usefixtures("clean_db")
def test_a_refused_write_stores_nothing(app) -> None:
    user = factories.sysadmin()
    token = factories.api_token(user)
    agency = factories.Agency()
    before = model.Session.query(model.Package).count()
    response = app.post(
        "/api/3/action/package_create",
        data=json.dumps({"name": "bo-du-lieu", "title": "Tên\ud800",
                         "owner_org": agency["id"]}),
        content_type="application/json",
        headers={"Authorization": token}, status=400)
    assert "The request contains an invalid character" in _api_error(response)
    assert model.Session.query(model.Package).count() == before


@pytest.mark.usefixtures("clean_db")
def test_ordinary_requests_pass(app) -> None:
    """Vietnamese text, emoji, form posts and JSON with nested values are
    untouched."""
    result = app.post("/api/3/action/package_search",
                      data=json.dumps({"q": "Thời tiết 🌧", "rows": 1,
                                       "fq_list": ["+state:active"]}),
                      content_type="application/json").json
    assert result["success"] is True
    assert app.get("/dataset/?q=%C4%91%E1%BA%A5t+%C4%91ai").status_code == 200


@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("path", [
    "/organization/so-tai-chinh?page=abc",
    "/dataset/?page=-1&sort=%20",
])
def test_pages_answer_what_ckan_does_not_convert(app, path) -> None:
    factories.Agency(name="so-tai-chinh")
    response = app.get(path)
    assert response.status_code < 500


@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("action,body", [
    # a number where CKAN looks a name up: "operator does not exist"
    ("package_show", {"id": -1}),
    ("member_list", {"id": 12}),
    ("resource_show", {"id": 2 ** 63}),
    ("resource_delete", {"id": ["a", "b"]}),
    # asbool() and int() of free text inside CKAN's actions
    ("organization_show", {"id": "so-tai-chinh",
                           "include_datasets": "abc"}),
])
def test_what_ckan_does_not_convert_is_a_bilingual_409(app, action,
                                                       body) -> None:
    factories.Agency(name="so-tai-chinh")
    response = app.post(f"/api/3/action/{action}", data=json.dumps(body),
                        content_type="application/json", status=409)
    error = response.json["error"]
    if "id" in error:
        # a number where an id belongs is refused before the action runs
        assert error["id"] == ["Giá trị phải là một chuỗi văn bản / "
                               "The value must be a text string"]
    else:
        message = error["message"][0]
        assert message.startswith(
            "Một tham số có kiểu hoặc giá trị không hợp lệ")
        assert "/ A parameter has an invalid type or value" in message
    # the session was rolled back: the next request works
    assert app.get("/api/3/action/organization_list").json["result"] == [
        "so-tai-chinh"]
