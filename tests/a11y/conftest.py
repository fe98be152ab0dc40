"""Fixtures for the accessibility checks: the demo data and a headless Chromium.

Locally the browser tests are skipped, with the reason, when Playwright or Chromium is missing;
with REQUIRE_BROWSER=1 (CI) they fail instead, so a check can never silently stop running.
"""

import os
import shutil

import pytest
from django.core.management import call_command

from tests.browser.support import close_browser, open_browser


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


# Package scope, as in tests/browser: Playwright and DJANGO_ALLOW_ASYNC_UNSAFE end with this folder.
@pytest.fixture(scope="package")
def browser():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        require_or_skip("Playwright is not installed (pip install -r requirements-dev.txt)")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        require_or_skip("no Chromium for the accessibility checks (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls stay synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # The same Chromium as tests/browser: two sync Playwrights cannot run in one test process.
    try:
        browser = open_browser()
    except Exception as error:
        require_or_skip(f"Chromium would not start: {error}")
    yield browser
    close_browser()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
