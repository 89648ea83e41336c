"""Hostile and malformed search input: a clear 4xx with a message, never a
500, and nothing stored is touched."""
from __future__ import annotations

import json

import pytest

import ckan.model as model
import sqlalchemy as sa

from tests.search.conftest import Catalogue

API = "/api/3/action/package_search"
ANONYMOUS_VISIBLE = {"thoi-tiet", "dat-dai", "dat-dai-khong-dau",
                     "benh-vien", "xe-buyt", "kieu-khac"}
INJECTIONS = [
    "'; DROP TABLE package; --",
    "\" OR 1=1 --",
    "x') UNION SELECT password FROM \"user\" --",
    "nd47_search_document; DELETE FROM nd47_search_document",
    "$$; DROP TABLE nd47_search_document; $$",
    "\\'\\\"\\\\",
    "thoi\x00tiet",
]


@pytest.fixture(autouse=True)
def _data(catalogue: Catalogue) -> None:
    """Every test here runs against the module's catalogue."""


def _stored_state() -> tuple[int, int, int]:
    with model.meta.engine.connect() as conn:
        return (
            conn.execute(sa.text("SELECT count(*) FROM package")).scalar(),
            conn.execute(sa.text(
                "SELECT count(*) FROM nd47_search_document")).scalar(),
            conn.execute(sa.text('SELECT count(*) FROM "user"')).scalar(),
        )


def _error_message(response) -> str:
    return json.dumps(response.json["error"], ensure_ascii=False)


@pytest.mark.parametrize("params, message", [
    ({"fq": "tags:("}, "Cú pháp truy vấn không hợp lệ"),
    ({"fq": "title:[a TO"}, "Cú pháp truy vấn không hợp lệ"),
    ({"fq": "metadata_modified:[NOW-1FORTNIGHT TO *]"}, "Ngày không hợp lệ"),
    ({"fq": "metadata_modified:[2024-99-99T00:00:00Z TO *]"},
     "Ngày không hợp lệ"),
    ({"fq": "name:/.*/"}, "biểu thức chính quy"),
    ({"fq": "[* TO *]"}, "Khoảng giá trị cần có tên trường"),
    ({"sort": "no_such_field desc"}, "Không thể sắp xếp"),
    ({"sort": "title_string sideways"}, "Tham số sắp xếp không hợp lệ"),
    ({"sort": "name asc; DROP TABLE package"}, "Tham số sắp xếp"),
    ({"rows": -1}, "rows"),
    ({"rows": "mười"}, "rows"),
    ({"start": -5}, "start"),
    ({"facet.limit": "nhiều"}, "facet.limit"),
    ({"facet.field": "not json ["}, "facet.field"),
    ({"q": "_val_:\"sum(1,2)\""}, "Magic fields"),
    ({"q": "{!lucene}name:x"}, "Local parameters"),
    ({"fq": "(" * 1900 + "tags:a" + ")" * 1900}, "lồng nhau quá sâu"),
    ({"q": "a " * 1100}, "quá nhiều điều kiện"),
    ({"fq": " OR ".join(["a"] * 200)}, "quá nhiều điều kiện"),
    ({"q": "thoi " * 1000}, "dài quá 4000 ký tự"),
])
def test_bad_parameters_get_a_4xx_with_a_message(app, params, message):
    before = _stored_state()
    response = app.get(API, query_string=params)
    assert response.status_code == 409
    assert response.json["success"] is False
    assert message in _error_message(response)
    assert _stored_state() == before


@pytest.mark.parametrize("parameter", ["q", "fq", "sort", "facet.field",
                                       "rows", "start", "facet.limit",
                                       "facet.mincount", "fl"])
@pytest.mark.parametrize("payload", INJECTIONS)
def test_sql_injection_in_every_parameter(app, parameter, payload):
    before = _stored_state()
    value = json.dumps([payload]) if parameter == "facet.field" else payload
    response = app.get(API, query_string={parameter: value})
    # 400: the portal's request guard refuses NUL before any view runs
    assert response.status_code in (200, 400, 409)
    if response.status_code == 200:
        # taken as plain text: it can neither widen the results beyond
        # what an anonymous visitor may see nor run as SQL
        result = response.json["result"]
        assert result["count"] <= len(ANONYMOUS_VISIBLE)
        if parameter in ("q", "fq"):
            assert {d["name"] for d in result["results"]} <= \
                ANONYMOUS_VISIBLE
        if parameter == "facet.field":
            assert result["facets"] == {payload: {}}
    else:
        assert response.json["error"]
    assert _stored_state() == before


def test_huge_rows_is_capped_not_an_error(app):
    response = app.get(API, query_string={"rows": 10 ** 12})
    assert response.json["success"] is True
    assert response.json["result"]["count"] == len(ANONYMOUS_VISIBLE)


@pytest.mark.parametrize("params", [
    {"q": "title:[a TO"},
    {"q": "x", "sort": "no_such_field desc"},
    {"q": "metadata_modified:[NOW-1FORTNIGHT TO *]"},
])
def test_search_page_with_bad_query_says_so(app, params):
    response = app.get("/dataset/", query_string=params)
    assert response.status_code == 200
    assert 'id="search-error"' in response.body
