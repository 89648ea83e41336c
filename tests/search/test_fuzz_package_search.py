"""package_search and the dataset search page under hostile input: never a
server error, every refusal in Vietnamese and English, nothing stored
changes.

A corpus of hostile values (NUL, lone surrogates, huge and deeply nested
values, Lucene syntax fragments, SQL, negative/huge/Infinity numbers,
wrong types, unusual date-times) is sent in every parameter, over GET and
as JSON, and hypothesis combines them and arbitrary text and JSON values
several parameters at a time."""
from __future__ import annotations

import json
import re
import urllib.parse
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.search.conftest import Catalogue
from tests.search.test_bad_input import _stored_state

API = "/api/3/action/package_search"

PARAMETERS = [
    "q", "fq", "fq_list", "sort", "rows", "start", "fl", "facet",
    "facet.field", "facet.limit", "facet.mincount", "include_private",
    "include_drafts", "include_deleted", "use_default_schema", "defType",
    "qf", "mm", "df", "tie", "bf", "boost", "wt", "extras", "ext_bbox",
    "q.op", "no_such_parameter",
]

HOSTILE_TEXT = [
    "", " ", "\t\n", "\x00", "thoi\x00tiet", "\ud800", "x\udfffy",
    "\ufeff\u202e", "🎉" * 50, "x" * 5000, "thời " * 300, "w " * 1500,
    "(" * 500 + "a" + ")" * 500, "(" * 5, ")", "\"", "\\", "*", "?", "~",
    "^", "!", "-", "+", ":", "*:*", "a:", ":a", "&&", "||", "NOT",
    "AND OR NOT", "x^", "x^-2", "x~2.5", "\"a b\"~9", "/.*/", ">a", "x <y",
    "<=5", "[* TO *]", "{a TO b}", "x:[-1 TO 5]", "num_resources:[-1 TO -5]",
    "num_resources:{\"1\" TO *]", "title:(", "title:[a TO", "tags:*a?",
    "_val_:\"sum(1,2)\"", "{!lucene}x", "{!func}x", "$param",
    "'; DROP TABLE package; --", "x') UNION SELECT password FROM \"user\" --",
    "%27%20OR%201%3D1", "-1", "-0", "0", "1e308", "NaN", "Infinity",
    "-Infinity", "9" * 40, "0x10", "1.5", "true", "abc", "null", "[]", "{}",
    "[\"tags\"]", "[" * 300 + "]" * 300, "[\"\\u0000\"]", "[\"\\ud800\"]",
    "[1, {}]", "title_string asc,", " , ", "name asc; DROP", "score",
    "metadata_modified:[0001-01-01T00:00:00+14:00 TO *]",
    "metadata_modified:[9999-12-31T23:59:59.999999-14:00 TO *]",
    "metadata_modified:[NOW/DAY-1000000YEARS TO NOW+1000000YEARS]",
    "metadata_modified:[2024-02-30T25:61:61Z TO *]",
    "metadata_modified:[-0001-01-01T00:00:00Z TO *]",
    "metadata_created:[1970-01-01T00:00:00Z TO 1970-01-01T00:00:00Z]",
    "2<-1 5<80%", "200%", "-1000%", "5<", "name^4 title^4", "^^^",
    "dismax", "edismax", "lucene", "func",
]

QUERIES = ("q", "fq", "fq_list")
# what the parameters that are not queries get
GENERIC_TEXT = [
    "", " ", "\x00", "\ud800", "x" * 5000, "(" * 500, "*:*", "-1", "-0",
    "NaN", "Infinity", "9" * 40, "1.5", "abc", "[]", "{}", "[\"tags\"]",
    "[" * 300 + "]" * 300, "[1, {}]", "title_string asc,", " , ",
    "2<-1 5<80%", "5<", "'; DROP TABLE package; --",
    "metadata_modified:[0001-01-01T00:00:00+14:00 TO *]",
]

JSON_VALUES: list[Any] = [
    None, True, False, 0, -1, 1, 10 ** 30, -(10 ** 30), 1.5, 1e308,
    float("inf"), float("-inf"), float("nan"), [], [""], ["a", "b"], [1, 2],
    [None], [["x"]], {}, {"a": 1}, {"q": "x"}, [[[[[[[[[["deep"]]]]]]]]]],
    ["x"] * 500, {str(i): i for i in range(200)},
]

# a refusal carries Vietnamese (letters with diacritics) and English
_VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờ"
                         r"ớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)
_ENGLISH = re.compile(r"\b(the|is|are|must|not|invalid|query|parameter|"
                      r"search|request)\b", re.IGNORECASE)


@pytest.fixture(autouse=True)
def _data(catalogue: Catalogue) -> None:
    """Every test here runs against the module's catalogue."""


def _bilingual(text: str) -> bool:
    return bool(_VIETNAMESE.search(text) and _ENGLISH.search(text))


def _query_string(params: dict[str, str]) -> str:
    """Percent-encoded as a client would send it, lone surrogates
    included (as the bytes they would be in UTF-8)."""
    return "&".join(
        urllib.parse.quote(k) + "=" + urllib.parse.quote(
            v.encode("utf-8", "surrogatepass"))
        for k, v in params.items())


def _check_api(response, sent: Any) -> None:
    assert response.status_code < 500, (sent, response.body[:500])
    if response.status_code >= 400:
        error = json.dumps(response.json["error"], ensure_ascii=False)
        assert _bilingual(error), (sent, response.status_code, error)
    else:
        assert response.json["success"] is True


def _get(app, params: dict[str, str]) -> None:
    response = app.get(API + "?" + _query_string(params))
    _check_api(response, params)


def _post(app, params: dict[str, Any]) -> None:
    # json.dumps writes lone surrogates as \ud800 escapes and the
    # non-finite numbers as NaN/Infinity, which Python's decoder (CKAN's)
    # reads back
    response = app.post(API, data=json.dumps(params),
                        content_type="application/json")
    _check_api(response, params)


# one parameter of each kind of handling (query, filter list, sort,
# integer, boolean, field list, facet fields, dismax options, extras,
# unknown); hypothesis below draws from all of them
KINDS = ["q", "fq", "fq_list", "sort", "rows", "facet.limit",
         "include_private", "fl", "facet.field", "mm", "qf", "defType",
         "extras", "no_such_parameter"]


def test_every_hostile_value_in_every_kind_of_parameter(app):
    before = _stored_state()
    for name in KINDS:
        for value in HOSTILE_TEXT if name in QUERIES else GENERIC_TEXT:
            _post(app, {name: value})
        for value in JSON_VALUES:
            _post(app, {name: value})
    for value in HOSTILE_TEXT:
        _get(app, {"q": value})
    assert _stored_state() == before


def test_deeply_nested_json_values(app):
    before = _stored_state()
    for depth in (100, 5000):
        for name in ("q", "fq_list", "facet.field", "extras", "fl"):
            body = "{" + json.dumps(name) + ": " + "[" * depth + \
                "]" * depth + "}"
            response = app.post(API, data=body,
                                content_type="application/json")
            _check_api(response, name)
    assert _stored_state() == before


_text = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=60))
_json = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(),
              st.floats(allow_nan=True, allow_infinity=True), _text),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(_text, children, max_size=3)),
    max_leaves=8)
_fuzz = settings(max_examples=60, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow])


@_fuzz
@given(params=st.dictionaries(st.sampled_from(PARAMETERS), _text,
                              min_size=1, max_size=5))
def test_fuzz_get(app, params):
    _get(app, params)


@_fuzz
@given(params=st.dictionaries(st.sampled_from(PARAMETERS), _json,
                              min_size=1, max_size=5))
def test_fuzz_post_json(app, params):
    _post(app, params)


PAGE_PARAMETERS = ["q", "sort", "page", "tags", "res_format",
                   "organization", "groups", "license_id", "_tags_limit",
                   "ext_bbox", "(", "title:x OR", "\"", "dataset_type"]


def _check_page(response, sent: Any) -> None:
    assert response.status_code < 500, (sent, response.body[:300])
    if response.status_code >= 400:
        assert _bilingual(response.body), (sent, response.status_code)


def test_search_page_with_hostile_parameters(app):
    before = _stored_state()
    values = [v for v in HOSTILE_TEXT if len(v) < 1000] + ["x" * 5000]
    for name in PAGE_PARAMETERS:
        for value in values:
            params = {name: value}
            _check_page(app.get("/dataset/?" + _query_string(params)),
                        params)
    assert _stored_state() == before


@_fuzz
@given(params=st.dictionaries(st.sampled_from(PAGE_PARAMETERS), _text,
                              min_size=1, max_size=4))
def test_fuzz_search_page(app, params):
    _check_page(app.get("/dataset/?" + _query_string(params)), params)


@pytest.mark.parametrize("params", [
    {"q": ">a"}, {"q": "x <y"}, {"fq": "num_resources:[-1 TO 5]"},
    {"q": " ".join(f"từ{i}" for i in range(250))},
    {"fl": "id \ud800"}, {"include_private": "abc"}, {"rows": " "},
])
def test_inputs_that_were_server_errors(app, params):
    """The ones the outside test found; the search answers or refuses."""
    _post(app, params)
    _get(app, params)


def test_search_page_blank_sort_clause_is_refused_in_both_languages(app):
    response = app.get("/dataset/", query_string={"sort": " "})
    assert response.status_code == 400
    assert "Tham số sắp xếp không hợp lệ" in response.body
    assert "Invalid sort parameter" in response.body


def test_negative_range_bound_is_a_number(app, catalogue: Catalogue):
    response = app.get(API, query_string={
        "fq": "num_resources:[-1 TO 1]", "fl": "name", "rows": 100})
    assert response.status_code == 200
    names = {d["name"] for d in response.json["result"]["results"]}
    one_resource = {n for n, d in catalogue.datasets.items()
                    if len(d["resources"]) == 1 and not d["private"]
                    and d["state"] == "active"}
    assert names == one_resource
