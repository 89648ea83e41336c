"""A citizen's first visit, in a real browser: home page, a search typed
without diacritics, a facet, a dataset page and a file download."""
from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import Page, Response


def _visit(statuses: list[tuple[str, int]], response: Response | None
           ) -> None:
    assert response is not None
    statuses.append((response.url, response.status))


def test_citizen_finds_and_downloads_open_data(page: Page, portal_url: str):
    statuses: list[tuple[str, int]] = []

    _visit(statuses, page.goto(portal_url + "/"))
    assert "Cổng dữ liệu mở" in page.title()

    # search from the dataset page, typing without diacritics
    _visit(statuses, page.goto(portal_url + "/dataset/"))
    search_box = page.locator("#field-giant-search")
    search_box.fill("thoi tiet")
    with page.expect_navigation() as navigation:
        search_box.press("Enter")
    _visit(statuses, navigation.value)
    results = page.locator(".dataset-list .dataset-heading a")
    titles = results.all_inner_texts()
    assert "Thời tiết – lượng mưa và nhiệt độ trung bình tháng" in [
        t.strip() for t in titles]

    # narrow by the agency facet
    facet = page.locator("a[href*='organization=so-nong-nghiep-moi-truong']")
    with page.expect_navigation() as navigation:
        facet.first.click()
    _visit(statuses, navigation.value)
    assert "organization=so-nong-nghiep-moi-truong" in page.url
    assert page.locator(".dataset-list .dataset-item").count() >= 1

    # open the dataset
    with page.expect_navigation() as navigation:
        page.get_by_role("link", name=re.compile("Thời tiết – lượng mưa")) \
            .first.click()
    _visit(statuses, navigation.value)
    assert page.url.endswith("/dataset/thoi-tiet-luong-mua")
    page.locator("h1").filter(has_text="Thời tiết").first.wait_for()

    # open the CSV resource and download the file the portal serves
    with page.expect_navigation() as navigation:
        page.locator(".resource-item a.heading").filter(
            has_text="CSV").first.click()
    _visit(statuses, navigation.value)
    download_url = page.locator("a.resource-url-analytics").first \
        .get_attribute("href")
    assert download_url and download_url.startswith(portal_url)
    download = page.request.get(download_url)
    statuses.append((download.url, download.status))
    rows = list(csv.reader(io.StringIO(download.body().decode("utf-8-sig"))))
    assert rows[0] == ["tháng", "nhiệt độ TB (°C)", "lượng mưa (mm)",
                       "giờ nắng"]
    assert len(rows) == 5

    assert [s for _, s in statuses] == [200] * len(statuses), statuses
