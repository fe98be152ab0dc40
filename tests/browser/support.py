"""Small helpers for the browser tests. Playwright is imported only when a test runs, so the
folder still collects (and skips) on a machine without it."""

from django.conf import settings
from django.test import Client

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# One Playwright per test process: a second sync_playwright() in the same thread refuses to start
# ("using Playwright Sync API inside the asyncio loop"), so every session-scoped browser fixture
# (tests/browser, tests/a11y) shares this one, and the last to finish closes it.
_shared = {"playwright": None, "browser": None, "users": 0}


def open_browser():
    """The process's Chromium, started on first use. Pair each call with ``close_browser()``."""
    if _shared["browser"] is None:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception:
            playwright.stop()
            raise
        _shared.update(playwright=playwright, browser=browser)
    _shared["users"] += 1
    return _shared["browser"]


def close_browser():
    _shared["users"] -= 1
    if _shared["users"] == 0 and _shared["browser"] is not None:
        _shared["browser"].close()
        _shared["playwright"].stop()
        _shared.update(playwright=None, browser=None)


def expect(target, **kwargs):
    """Playwright's web-first assertion (``expect(locator).to_have_text(...)``)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target, **kwargs)


def wait_for(page, condition, timeout=8000, message="condition"):
    """Poll ``condition()`` (e.g. a database query; the browser saves in the background) while
    the page keeps running, until it is true."""
    for _ in range(timeout // 100):
        if condition():
            return
        page.wait_for_timeout(100)
    assert condition(), f"timed out waiting for {message}"


def session_cookie(live_server, user):
    """A cookie for a new logged-in session of ``user`` (``force_login``), for
    ``context.add_cookies``: logging in without touching any page."""
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": live_server.url}
