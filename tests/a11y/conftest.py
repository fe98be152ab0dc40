"""Fixtures for the accessibility checks: the demo data and a headless Chromium.

Locally the browser tests are skipped, with the reason, when Playwright or Chromium is missing;
with REQUIRE_BROWSER=1 (CI) they fail instead, so a check can never silently stop running.
"""

import os
import shutil

import pytest
from django.core.management import call_command

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def require_or_skip(reason: str):
    """Skip with ``reason`` locally; fail with it under REQUIRE_BROWSER=1."""
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def demo(db, settings):
    """``manage.py load_demo``: the real lesson, a class, and students with work in every state."""
    settings.DEBUG = True  # load_demo refuses to run otherwise (it publishes its passwords)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.DEBUG = False


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_or_skip("Playwright is not installed (pip install -r requirements-dev.txt)")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        require_or_skip("no Chromium for the accessibility checks (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls stay synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    except Exception as error:
        playwright.stop()
        require_or_skip(f"Chromium would not start: {error}")
    yield browser
    browser.close()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
