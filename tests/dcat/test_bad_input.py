"""Bad catalogue requests get a clear 400 or 404, never a 500."""
from __future__ import annotations

from typing import Any

import pytest

import ckan.plugins.toolkit as tk


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
