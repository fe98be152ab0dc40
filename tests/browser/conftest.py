"""Shared fixtures for the tests that drive a real browser (Debian's Chromium through Playwright).

Every test in this folder is marked ``browser``: ``pytest -m "not browser"`` runs the fast suite.
Without Chromium or Playwright these tests skip with a message saying what to install; with
``REQUIRE_BROWSER=1`` (as ``.ci/run`` sets it) they fail instead, so CI can never pass by skipping.

The fixtures:

- ``browser``: one Chromium while this folder's tests run (per xdist worker), shared with
  tests/a11y.
- ``new_context(user=None, **options)``: a fresh browser profile on the live server; with a user,
  already logged in (a session made with ``force_login`` and copied in as a cookie).
- ``log_in(page, username, password)``: log in through the real login form.
"""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.support import (
    CHROMIUM,
    RequestsInFlight,
    close_browser,
    open_browser,
    session_cookie,
)

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    # Hooks in a conftest see every collected item, so mark only the ones in this folder.
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _unavailable(reason):
    message = f"Browser tests skipped: {reason}"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message} (REQUIRE_BROWSER=1, so this is a failure)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="package")
def _allow_orm_beside_playwright():
    # Playwright's sync API runs an event loop in the test's thread, and Django refuses ORM calls
    # from a thread with a running loop. The ORM calls here are still plain synchronous code.
    # Package scope: the loop and this variable end with the last test of the folder, so later
    # tests (and the servers and `manage.py check --deploy` they start) never inherit them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(_allow_orm_beside_playwright):
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"no Chromium at {CHROMIUM} — apt-get install chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("Playwright is not installed — pip install -r requirements-dev.txt")
    try:
        browser = open_browser()
    except Exception as error:
        _unavailable(f"Chromium at {CHROMIUM} did not start: {error}")
    yield browser
    close_browser()


@pytest.fixture
def new_context(browser, live_server, transactional_db):
    """Make browser profiles on the live server, optionally logged in as a user; all are closed
    after the test."""
    contexts = []
    requests = RequestsInFlight.around(live_server)

    def make(user=None, **options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        if user is not None:
            context.add_cookies([session_cookie(live_server, user)])
        contexts.append(context)
        return context

    yield make
    # Requests that come after this (a page sends its unsaved text as it closes) get a 503
    # instead of reaching a database that is being emptied.
    requests.refuse_and_wait(timeout=20)
    for context in contexts:
        context.close()


@pytest.fixture
def log_in():
    """Log in through the real login form; returns the page after the redirect."""

    def submit(page, username, password):
        page.goto(reverse("accounts:login"))
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()
        return page

    return submit
