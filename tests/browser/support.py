"""Small helpers for the browser tests. Playwright is imported only when a test runs, so the
folder still collects (and skips) on a machine without it."""

import threading

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


class RequestsInFlight:
    """The live server's WSGI app, counting the requests it is serving, so that a test's end can
    refuse new ones and wait for the last to finish before its database is emptied. Closing a
    page with unsaved text sends it (the workspace script's point), and Chromium sends that
    request even from a context set offline. On PostgreSQL a request still running when the
    database is emptied deadlocks with the TRUNCATE, and the next test starts on this one's
    rows."""

    # Every counter made, so that each test can start with all of them serving (serve_all):
    # the live server outlives the test that refused.
    made = []

    def __init__(self, app):
        self.app = app
        self.count = 0
        self.refusing = False
        self.changed = threading.Condition()
        self.made.append(self)

    @classmethod
    def around(cls, live_server):
        """The counter around ``live_server``'s app, put there on first use."""
        httpd = live_server.thread.httpd
        if not isinstance(httpd.get_app(), cls):
            httpd.set_app(cls(httpd.get_app()))
        return httpd.get_app()

    @classmethod
    def serve_all(cls):
        for counter in cls.made:
            with counter.changed:
                counter.refusing = False

    def __call__(self, environ, start_response):
        with self.changed:
            refused = self.refusing
            if not refused:
                self.count += 1
        if refused:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"The test has ended."]
        try:
            result = self.app(environ, start_response)
        except BaseException:
            self._ended()
            raise
        return _ClosingResult(result, self._ended)

    def _ended(self):
        with self.changed:
            self.count -= 1
            self.changed.notify_all()

    def refuse_and_wait(self, timeout):
        """Answer every request from now on with a 503 that touches nothing, and wait for the
        ones already running to end."""
        with self.changed:
            self.refusing = True
            if not self.changed.wait_for(lambda: self.count == 0, timeout):
                raise AssertionError(f"{self.count} live-server requests still running")


class _ClosingResult:
    """A WSGI response body that calls ``ended`` once the server has closed it: Django ends a
    request (request_finished, closing its database connection) in ``close()``."""

    def __init__(self, result, ended):
        self.result = result
        self.ended = ended

    def __iter__(self):
        return iter(self.result)

    def close(self):
        try:
            if hasattr(self.result, "close"):
                self.result.close()
        finally:
            self.ended()


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
