"""Small helpers for the browser tests. Playwright is imported only when a test runs, so the
folder still collects (and skips) on a machine without it."""

from django.conf import settings
from django.test import Client


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
