"""A request answered by a data-sharing service links to the service's
own page, and the link disappears if the answer stops being public; dates
read day/month/year in Vietnamese."""
from __future__ import annotations

import datetime as dt

import pytest

import ckan.plugins.toolkit as tk

from tests import factories
from tests.feedback.conftest import act, new_request


def test_an_answer_that_is_a_data_service_links_to_its_page(cast, app):
    service = factories.DataService(owner_org=cast.agency["id"],
                                    name="api-quan-trac")
    request = new_request(cast)
    answered = act("nd47_request_transition", cast.steward,
                   id=request["id"], status="published",
                   reason="API tra cứu đã hoạt động",
                   dataset=service["name"])
    assert answered["resolution"] == {
        "id": service["id"], "name": "api-quan-trac",
        "title": service["title"], "type": "data-service"}
    page = app.get(f"/data-request/{request['id']}").body
    assert 'href="/data-service/api-quan-trac"' in page

    tk.get_action("package_patch")(
        {"user": cast.sysadmin["name"]},
        {"id": service["id"], "private": True})
    hidden = act("nd47_request_show", None, id=request["id"])
    assert hidden["resolution"] is None
    assert "api-quan-trac" not in app.get(
        f"/data-request/{request['id']}").body


@pytest.mark.ckan_config("ckan.display_timezone", "Asia/Ho_Chi_Minh")
def test_dates_read_the_vietnamese_way(cast, app):
    request = new_request(cast)
    act("nd47_request_transition", cast.steward, id=request["id"],
        status="planned", reason="Đã lên kế hoạch", target_date="2099-01-20")
    sent = dt.datetime.fromisoformat(request["created"]).astimezone(
        dt.timezone(dt.timedelta(hours=7)))

    vietnamese = app.get(f"/data-request/{request['id']}").body
    assert "20/01/2099" in vietnamese
    assert sent.strftime("%d/%m/%Y %H:%M") in vietnamese
    assert "tháng 1 20" not in vietnamese
    english = app.get(f"/en/data-request/{request['id']}").body
    assert "January 20, 2099" in english
