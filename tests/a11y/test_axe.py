"""axe-core on every page each role can reach, at a laptop's width and a phone's: no WCAG 2.2 A/AA
violation.

The pages are found by crawling (see crawl.py), so a new page is checked without anyone listing
it. axe-core comes inside the axe-playwright-python package; the browser may load nothing but the
test server (every other request is refused and fails the test).
"""

from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.a11y import crawl
from tests.a11y.conftest import require_or_skip

# Marked like tests/browser: `pytest -m "not browser"` leaves the browser out.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# axe's best practices too on the app's pages: one h1, headings in order, content in landmarks.
APP_TAGS = [*TAGS, "best-practice"]
WIDTHS = {1280: {"width": 1280, "height": 800}, 360: {"width": 360, "height": 740}}

# Rules switched off for Django's own admin pages (/admin/) only, each with its reason: all are
# in Django's admin templates, CSS and scripts, not in this app. Never for the app's pages: fix
# those.
ADMIN_ONLY_EXCLUDED_RULES = {
    "label": "Django's split date/time widget (its <label> points at no input since Django 4.0 "
    "made multi-widget labels point nowhere) and tabular inlines (column headers, no labels)",
    "link-in-text-block": "the admin's breadcrumbs and date-hierarchy links: white on light "
    "blue, not underlined (admin/css/base.css)",
    "aria-prohibited-attr": "the filter_horizontal widget's help icon: a <span> with aria-label "
    "and no role (admin/js/SelectFilter2.js)",
    "target-size": "the changelist filter sidebar's links are 20 px high (admin/css/changelists.css)",
}


@pytest.fixture(scope="module")
def axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        require_or_skip(
            "axe-playwright-python is not installed (pip install -r requirements-dev.txt)"
        )
    return Axe()


def violations(axe, page, path):
    if crawl.is_admin(path):
        options = {
            "runOnly": {"type": "tag", "values": TAGS},
            "rules": {rule: {"enabled": False} for rule in ADMIN_ONLY_EXCLUDED_RULES},
        }
    else:
        options = {"runOnly": {"type": "tag", "values": APP_TAGS}}
    options["resultTypes"] = ["violations"]
    return axe.run(page, options=options).response["violations"]


def describe(path, found):
    lines = []
    for violation in found:
        lines.append(f"{path}: {violation['id']} ({violation['impact']}) {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['failureSummary']}")
            lines.append(f"        {node['html'][:200]}")
    return lines


def new_context(browser, live_server, viewport, client=None):
    """A browser profile that may load only the test server (others are refused and counted),
    logged in as ``client`` is."""
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, reduced_motion="reduce"
    )
    context.outside = []

    def only_the_test_server(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            context.outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_test_server)
    name = settings.SESSION_COOKIE_NAME
    if client is not None and name in client.cookies:
        context.add_cookies(
            [{"name": name, "value": client.cookies[name].value, "url": live_server.url}]
        )
    return context


def fetcher(page):
    def fetch(path):
        response = page.goto(path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            return None
        url = urlsplit(page.url)
        hrefs = page.eval_on_selector_all(
            "a[href]", "links => links.map((a) => a.getAttribute('href'))"
        )
        return crawl.Visit(
            url.path + (f"?{url.query}" if url.query else ""), response.status
        ), hrefs

    return fetch


def show_post_result(page, client, live_server, post):
    """Show in the browser, at its own address, the page a browser gets back from posting
    ``post.data`` (Playwright cannot navigate with a POST)."""
    response = client.post(post.url, post.data)
    assert 400 <= response.status_code < 500 or response.status_code == 200, (
        f"{post.name}: expected the form back with its errors, got {response.status_code}"
    )
    url = live_server.url + post.url
    page.route(
        url,
        lambda route: route.fulfill(
            status=response.status_code, headers=dict(response.headers), body=response.content
        ),
    )
    page.goto(post.url)
    page.unroute(url)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", crawl.ROLES)
def test_every_page_meets_wcag_22_aa(role, width, axe, browser, live_server, demo):
    client = crawl.client_for(role)
    context = new_context(browser, live_server, WIDTHS[width], client)
    page = context.new_page()
    report, checked = [], []
    host = urlsplit(live_server.url).netloc

    def check(path):
        checked.append(path)
        report.extend(describe(path, violations(axe, page, path)))

    # Django's admin is checked model by model on a laptop; on a phone, one page of each kind
    # (the index, an app, a list, an add form; a change form comes from the posts below).
    by_kind = width < 1000
    for visit in crawl.crawl(fetcher(page), "/", host=host, admin_by_kind=by_kind):
        check(visit.url)
    assert len(checked) < crawl.PAGE_CAP, "the crawl stopped at its cap: raise crawl.PAGE_CAP"
    for path in crawl.error_pages(role):
        page.goto(path)
        check(path)
    # On a phone the menu is folded behind a button: check it open too.
    page.goto("/")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.locator(".navbar-collapse.show").wait_for()
        check(f"{urlsplit(page.url).path} (menu open)")
    for post in crawl.post_pages(role):
        show_post_result(page, client, live_server, post)
        check(f"{post.url} (POST: {post.name})")
    # A workspace page sends unsaved answers as it closes: cut the network first, so nothing
    # reaches the server while the test database is emptied.
    context.set_offline(True)
    page.wait_for_timeout(300)
    context.close()

    print(f"\naxe: {role} at {width}px: {len(checked)} pages: {checked}")
    assert len(checked) >= 3, f"the crawl found almost nothing: {checked}"
    assert not context.outside, f"the pages tried to load from elsewhere: {context.outside}"
    assert not report, "\n".join([f"{len(checked)} pages checked; violations:", *report])


def test_axe_reports_a_page_that_breaks_the_rules(axe, browser, live_server):
    """The check can fail: a page without a language, an image without alt text and an empty
    link is reported."""
    context = new_context(browser, live_server, WIDTHS[360])
    page = context.new_page()
    page.route(
        live_server.url + "/broken/",
        lambda route: route.fulfill(
            content_type="text/html",
            body='<!doctype html><title>x</title><img src="data:,"><a href="/"></a>',
        ),
    )
    page.goto("/broken/")
    found = {violation["id"] for violation in violations(axe, page, "/broken/")}
    context.close()
    assert {"html-has-lang", "image-alt", "link-name"} <= found
