"""Browser tests drive Debian's Chromium through Playwright (no browser
download) against the portal that ``./bin/dev up`` brought up; ``./bin/dev
test`` starts one on its own port and passes its address in
ND47_PORTAL_URL."""
from __future__ import annotations

import os
import shutil
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def portal_url() -> str:
    url = os.environ.get("ND47_PORTAL_URL")
    if not url:
        pytest.fail("ND47_PORTAL_URL is not set: run the suite with "
                    "`./bin/dev test`, which brings a portal up for it")
    return url.rstrip("/")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable,
                                             args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()
