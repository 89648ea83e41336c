"""The costliest inputs an anonymous caller can send to the DCAT endpoints
are refused, or answered, within a second: ckanext-dcat looked each
requested profile name up among the installed packages (1,000 empty names
held a worker for 70–90 s), so ``profiles``, ``q`` and ``page`` are
checked before any work. The bound is measured around each request."""
from __future__ import annotations

import time
from typing import Any

import pytest

from tests.dcat.conftest import bilingual, refusal

BOUND_SECONDS = 1.0
COMMAS = "," * 1000
SERVED = "nd47_dcat_ap"
API = "/api/3/action/"

PAGES = [
    # (url, status, words of the English half)
    (f"/catalog.ttl?profiles={COMMAS}", 400, "RDF profiles"),
    (f"/catalog.ttl?profiles={(SERVED + ',') * 80}", 400, "RDF profiles"),
    (f"/catalog.jsonld?profiles={SERVED},{SERVED}", 400, "RDF profiles"),
    (f"/dataset/chat-luong-khong-khi-2025.ttl?profiles={COMMAS}", 400,
     "RDF profiles"),
    ("/catalog.ttl?q=" + "title:(" * 80, 400, "longer than"),
    ("/catalog.ttl?q=title:(", 400, "query"),
    ("/catalog.ttl?page=" + "9" * 4000, 404, "past the last page"),
    ("/catalog.ttl?page=1e9", 400, "positive integer"),
    ("/catalog.ttl?page=Infinity", 400, "positive integer"),
    ("/catalog.ttl?modified_since=" + "2025" * 500, 400, "ISO 8601"),
]


@pytest.mark.parametrize("url, status, words", PAGES)
def test_worst_page_requests_are_refused_within_a_second(
        demo: Any, app: Any, url: str, status: int, words: str) -> None:
    started = time.perf_counter()
    response = app.get(url)
    elapsed = time.perf_counter() - started
    text = refusal(response)
    assert response.status_code == status, text
    assert words in text and bilingual(text), text
    assert elapsed < BOUND_SECONDS, f"{url[:60]}…: {elapsed:.2f} s"


@pytest.mark.parametrize("action, data, status, words", [
    ("dcat_catalog_show", {"profiles": COMMAS}, 409, "RDF profiles"),
    ("dcat_catalog_show", {"profiles": [""] * 1000}, 409, "RDF profiles"),
    ("dcat_catalog_search", {"profiles": [SERVED] * 1000, "q": "x"}, 409,
     "RDF profiles"),
    ("dcat_dataset_show", {"id": "chat-luong-khong-khi-2025",
                           "profiles": [""] * 1000}, 409, "RDF profiles"),
    ("dcat_catalog_search", {"q": "title:("}, 409, "query"),
    ("dcat_catalog_search", {"q": "a " * 5000}, 409, "longer than"),
    ("dcat_catalog_show", {"page": 10 ** 400}, 404, "past the last page"),
    ("dcat_catalog_show", {"page": "Infinity"}, 409, "positive integer"),
])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_worst_api_calls_are_refused_within_a_second(
        demo: Any, app: Any, action: str, data: dict[str, Any], status: int,
        words: str, method: str) -> None:
    data = {"format": "ttl", **data}
    started = time.perf_counter()
    if method == "GET":
        response = app.get(API + action, query_string={
            key: ",".join(value) if isinstance(value, list) else str(value)
            for key, value in data.items()})
    else:
        response = app.post(API + action, json=data)
    elapsed = time.perf_counter() - started
    text = refusal(response)
    assert response.status_code == status, text
    assert words in text and bilingual(text), text
    assert elapsed < BOUND_SECONDS, f"{action} {method}: {elapsed:.2f} s"


@pytest.mark.parametrize("query", [
    "zzqx " * 100, "(" * 240 + "zzqx" + ")" * 240, "zzqx~2 " * 70,
    "zzqx OR " * 61 + "zzqx", "title:zzqx* " * 41, "(" * 499,
], ids=["words", "nested", "fuzzy", "or", "wildcards", "unbalanced"])
def test_costly_queries_within_the_cap_are_answered_within_a_second(
        demo: Any, app: Any, query: str) -> None:
    """Queries just under the length cap that match nothing (the page
    itself costs what a page costs): the search's own work is bounded.
    The best of three tries is kept, so that another process on the
    machine cannot fail the bound; slow code fails all three."""
    from ckanext.nd47.dcat.request import MAX_QUERY_LENGTH

    assert len(query) <= MAX_QUERY_LENGTH
    times = []
    for _ in range(3):
        started = time.perf_counter()
        response = app.get("/catalog.ttl", query_string={"q": query})
        times.append(time.perf_counter() - started)
        assert response.status_code in (200, 400), refusal(response)
        if response.status_code == 400:
            assert bilingual(refusal(response)), refusal(response)
    assert min(times) < BOUND_SECONDS, times
