"""A JSON body nested deeper than Python's decoder can follow is a bad
request (400) with a bilingual message, for any action, not a 500."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("action", ["nd47_request_list", "package_search",
                                    "nd47_request_create"])
def test_a_deeply_nested_body_is_a_bad_request(app, action):
    body = "[" * 5000 + "]" * 5000
    response = app.post(f"/api/3/action/{action}", data=body,
                        headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json["success"] is False
    assert response.json["error"]["message"] == (
        "Dữ liệu gửi lên lồng nhau quá sâu / "
        "The request body is nested too deeply")
