"""Real headless Chromium (Debian's `chromium`) driven by Playwright against pytest-django's live_server.

Screenshots go to test-artifacts/screenshots/<name>.png.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("ORDERLY_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; the README's test command installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str):
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def staff_login(live_server):
    """Log `user` (password 'correct horse battery') in through the real login form."""

    def login(page, user):
        page.goto(f"{live_server.url}/dashboard/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", "correct horse battery")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/dashboard/**")

    return login
