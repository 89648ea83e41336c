"""Browser tests drive Debian's Chromium through Playwright (no browser
download) against the portal that ``./bin/dev up`` brought up; ``./bin/dev
test`` starts one on its own port and passes its address in
ND47_PORTAL_URL."""
from __future__ import annotations

import os
import shutil
import subprocess
from typing import Iterator

import pytest
import requests
from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e import portal

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


@pytest.fixture(scope="module")
def admin_token(request: pytest.FixtureRequest,
                portal_url: str) -> Iterator[str]:
    """An API token of the portal's sysadmin, revoked after the module."""
    name = "e2e-" + request.module.__name__.rsplit(".", 1)[-1]
    token = subprocess.run(
        [str(portal.CKAN), "-c", str(portal.state() / "ckan.ini"),
         "user", "token", "add", "admin", name],
        capture_output=True, text=True, check=True,
        env=portal.portal_env(),
    ).stdout.strip().splitlines()[-1].strip()
    yield token
    requests.post(f"{portal_url}/api/3/action/api_token_revoke",
                  headers={"Authorization": token}, json={"token": token},
                  timeout=30)
