"""Bad catalogue requests get a clear 400 or 404, never a 500: on the
pages, through the API (409 or 404, the same words) and from Python."""
from __future__ import annotations

import json
from typing import Any, Iterator
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.nd47.dcat.request import FORMATS
from tests.dcat.conftest import bilingual, refusal


@pytest.mark.parametrize("url, status, words", [
    ("/catalog.xyz", 400, "Unsupported format"),
    ("/catalog.ttl?modified_since=yesterday", 400, "ISO 8601"),
    ("/catalog.ttl?modified_since=2025-13-45", 400, "ISO 8601"),
    ("/catalog.ttl?page=0", 400, "positive integer"),
    ("/catalog.ttl?page=-3", 400, "positive integer"),
    ("/catalog.ttl?page=abc", 400, "positive integer"),
    ("/catalog.ttl?page=99", 404, "past the last page"),
    ("/catalog.ttl?fq=capacity:private", 400, "does not take fq"),
    ("/dataset/chat-luong-khong-khi-2025.xyz", 400, "Unsupported format"),
    ("/catalog.ttl?profiles=khong_co", 400, "serves the RDF profiles"),
    ("/catalog.ttl?profiles=euro_dcat_ap_3", 400, "serves the RDF profiles"),
    ("/dataset/chat-luong-khong-khi-2025.ttl?profiles=euro_dcat_ap_2", 400,
     "serves the RDF profiles"),
    ("/dataset/khong-co-bo-du-lieu-nay.ttl", 404, ""),
])
def test_bad_request(demo: Any, app: Any, url: str, status: int,
                     words: str) -> None:
    response = app.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    assert words in response.get_data(as_text=True)


def test_last_page_and_the_served_profile_are_found(demo: Any, app: Any
                                                   ) -> None:
    assert app.get("/catalog.ttl?page=1").status_code == 200
    assert app.get("/catalog.ttl?profiles=nd47_dcat_ap").status_code == 200


def test_api_refuses_bad_parameters(demo: Any) -> None:
    action = tk.get_action("dcat_catalog_show")
    for bad in ({"page": "x"}, {"modified_since": "soon"}):
        with pytest.raises(tk.ValidationError):
            action({"user": ""}, {"format": "ttl", **bad})


# -- hostile and random values: no server error, every refusal bilingual --

HOSTILE = [
    "", " ", "\x00", "a\x00b", "\ud800", "x\udfffy",
    "'; DROP TABLE package; --", "1' OR '1'='1", "title:(", "*:*",
    "+capacity:private", "capacity:private OR *:*", "[* TO *]",
    "num_resources:[-1 TO 5]", ">a", "x <y", "((((", ")", '"', "\\", "~",
    "/regex/", "a" * 10000, "Đ" * 3000, "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🇻🇳",
    "<script>alert(1)</script>", "-1", "0", "1e9", "1e309", "Infinity",
    "-Infinity", "NaN", "9" * 400, "0x10", "1.5", " 2 ", "2**63",
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2025-02-30",
    "2025-13-45", "T", "2025-W01-1", "20250101T000000Z",
    "1970-01-01T00:00:00.000000001Z", "2025-01-01T24:00:00", "+275760-09-13",
    ",,,", ",", "nd47_dcat_ap,nd47_dcat_ap", "euro_dcat_ap_3", "nd47_dcat_ap,",
    "nd47_dcat_ap", "ttl", "jsonld", "../../etc/passwd",
    "chat-luong-khong-khi-2025",
]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10 ** 30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=60),
    st.sampled_from(HOSTILE))
VALUES = st.recursive(
    SCALARS, lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8)
# a hundred levels of lists: too deep for the request guard, not for us
DEEP: Any = "x"
for _ in range(100):
    DEEP = [DEEP]

CATALOGUE_PARAMS = ["page", "modified_since", "q", "fq", "profiles"]
ACTIONS = {"dcat_catalog_show": CATALOGUE_PARAMS + ["format"],
           "dcat_catalog_search": CATALOGUE_PARAMS + ["format"],
           "dcat_dataset_show": ["id", "format", "profiles"]}
FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def _query(value: str) -> str:
    """Percent-encoded as UTF-8; a lone surrogate as its (invalid) bytes."""
    return quote(value, safe="", errors="surrogatepass")


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _stored() -> list[tuple[str, Any]]:
    return sorted(model.Session.query(model.Package.id,
                                      model.Package.metadata_modified))


def _assert_answered(response: Any, where: str) -> None:
    assert response.status_code < 500, where
    if response.status_code >= 400:
        text = refusal(response)
        assert bilingual(text), (where, response.status_code, text[:300])


@pytest.fixture
def unchanged(demo: Any) -> Iterator[None]:
    """Nothing stored changes."""
    before = _stored()
    yield
    model.Session.rollback()
    assert _stored() == before


def _urls(fmt: str, param: str) -> list[str]:
    urls = [f"/catalog.{fmt}", f"/dataset/chat-luong-khong-khi-2025.{fmt}"]
    if param == "modified_since":  # the only parameter of the export
        urls.append("/catalog/export.ttl")
    return urls


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "2")
@FUZZ
@given(fmt=st.sampled_from(list(FORMATS) + ["xyz"]),
       param=st.sampled_from(CATALOGUE_PARAMS),
       value=st.one_of(st.sampled_from(HOSTILE), st.text(max_size=80)))
def test_pages_answer_any_parameter(demo: Any, app: Any, unchanged: None,
                                    fmt: str, param: str, value: str) -> None:
    for url in _urls(fmt, param):
        where = f"{url}?{param}={_query(value)}"
        _assert_answered(app.get(where), where)


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "2")
@pytest.mark.parametrize("value", [v for v in HOSTILE if v and "/" not in v])
def test_pages_answer_any_format_and_id(demo: Any, app: Any, unchanged: None,
                                        value: str) -> None:
    for url in (f"/catalog.{_query(value)}", f"/dataset/{_query(value)}.ttl",
                f"/dataset/{_query(value)}.{_query(value)}",
                f"/dataset/{_query(value)}"):
        response = app.get(url, headers={"Accept": "text/turtle"})
        _assert_answered(response, url)


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "2")
@FUZZ
@given(action=st.sampled_from(sorted(ACTIONS)), data=st.data())
def test_actions_answer_any_value_over_http(demo: Any, app: Any,
                                            unchanged: None, action: str,
                                            data: Any) -> None:
    param = data.draw(st.sampled_from(ACTIONS[action]))
    value = data.draw(st.one_of(VALUES, st.just(DEEP)))
    base = {"format": "ttl", "id": "chat-luong-khong-khi-2025"}
    body = {**base, param: value}
    url = f"/api/3/action/{action}"
    _assert_answered(app.post(url, json=body), f"POST {url} {body!r}"[:300])
    query = "&".join(f"{key}={_query(_as_text(val))}"
                     for key, val in body.items())
    _assert_answered(app.get(f"{url}?{query}"), f"GET {url}?{query}"[:300])


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "2")
@FUZZ
@given(action=st.sampled_from(sorted(ACTIONS)), data=st.data())
def test_actions_called_from_python_refuse_in_two_languages(
        demo: Any, unchanged: None, action: str, data: Any) -> None:
    """No request guard in front of Python callers: NUL, lone surrogates
    and wrong types reach the action itself."""
    param = data.draw(st.sampled_from(ACTIONS[action]))
    value = data.draw(st.one_of(VALUES, st.just(DEEP)))
    body = {"format": "ttl", "id": "chat-luong-khong-khi-2025", param: value}
    try:
        tk.get_action(action)({"user": ""}, body)
    except tk.ValidationError as error:
        messages = [m for ms in error.error_dict.values() for m in ms]
        assert messages and all(bilingual(m) for m in messages), messages
    except tk.ObjectNotFound as error:
        assert bilingual(str(error)), str(error)


@pytest.mark.parametrize("action, data, status, words", [
    ("dcat_catalog_show", {"profiles": ",,,"}, 409, "RDF profiles"),
    ("dcat_catalog_search", {"profiles": ["euro_dcat_ap_3"]}, 409,
     "RDF profiles"),
    ("dcat_dataset_show", {"id": "chat-luong-khong-khi-2025",
                           "profiles": ","}, 409, "RDF profiles"),
    ("dcat_catalog_show", {"format": "xyz"}, 409, "Unsupported format"),
    ("dcat_dataset_show", {"id": "chat-luong-khong-khi-2025",
                           "format": "xyz"}, 409, "Unsupported format"),
    ("dcat_catalog_show", {"page": "Infinity"}, 409, "positive integer"),
    ("dcat_catalog_show", {"page": "99"}, 404, "past the last page"),
    ("dcat_catalog_search", {"modified_since": "0001-01-01T00:00:00+14:00"},
     409, "ISO 8601"),
    ("dcat_catalog_search", {"q": "title:("}, 409, "query"),
    ("dcat_catalog_show", {"fq": "capacity:private"}, 409,
     "does not take fq"),
    ("dcat_dataset_show", {"id": "khong-co-bo-du-lieu-nay"}, 404,
     "Dataset not found"),
])
def test_api_and_page_refuse_alike(demo: Any, app: Any, action: str,
                                   data: dict[str, Any], status: int,
                                   words: str) -> None:
    """The API answers what the page answers, in the same words: a
    ValidationError (409) where the page says 400, a 404 where it says
    404."""
    response = app.post(f"/api/3/action/{action}",
                        json={"format": "ttl", **data})
    assert response.status_code == status, refusal(response)
    api_text = refusal(response)
    assert words in api_text and bilingual(api_text), api_text
    if action == "dcat_dataset_show":
        url = f"/dataset/{data['id']}.{data.get('format', 'ttl')}"
    else:
        url = f"/catalog.{data.get('format', 'ttl')}"
    query = {k: v for k, v in data.items() if k not in ("id", "format")}
    query = {k: ",".join(v) if isinstance(v, list) else v
             for k, v in query.items()}
    page = app.get(url, query_string=query)
    assert page.status_code == (400 if status == 409 else 404)
    page_text = page.get_data(as_text=True).strip()
    # the same message, word for word
    assert page_text in api_text, (page_text, api_text)
