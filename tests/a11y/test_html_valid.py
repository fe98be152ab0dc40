"""Every page is valid HTML, by the Nu HTML Checker (the W3C validator, npm ``vnu-jar``).

The pages are the ones the axe test visits (crawl.py: every role from its home page, the error
pages and forms posted with errors), fetched with Django's test client. They are checked in one
run of the checker, since starting Java takes seconds. Needs Java and ``npm ci`` (``make test``
does both); skipped without them locally, a failure under REQUIRE_BROWSER=1 (CI).
"""

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

from tests.a11y import crawl
from tests.a11y.conftest import require_or_skip

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# Errors ignored on Django's own admin pages (/admin/) only, each with its reason: they are in
# Django's admin templates and widgets, not in this app. Never for the app's pages: fix those.
ADMIN_ONLY_IGNORED_ERRORS = {
    "Attribute “disabled” not allowed on element “div” at this point.": "the user form's "
    "read-only password summary: Django's ReadOnlyPasswordHashWidget renders a disabled <div>",
    "No “p” element in scope but a “p” end tag seen.": "the admin's set-password page puts the "
    "usable-password help text, a <ul>, inside a <p> (admin/auth/user/change_password.html)",
}


@pytest.fixture(scope="module")
def vnu():
    """A function that validates HTML files and returns their errors, by file name."""
    java = shutil.which("java")
    if java is None:
        require_or_skip("no Java for the Nu HTML Checker (apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        require_or_skip(
            f"no {VNU_JAR.relative_to(settings.BASE_DIR)} (run `npm ci` or `make test`)"
        )

    def check(paths: list[Path]) -> dict[str, list[dict]]:
        result = subprocess.run(  # noqa: S603 — fixed arguments, files this test wrote
            [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout"]
            + [str(path) for path in paths],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert result.returncode in (0, 1), f"the checker failed: {result.stderr}"
        messages = json.loads(result.stdout)["messages"]
        errors = {}
        for message in messages:
            name = Path(message.get("url", "")).name
            errors.setdefault(name, []).append(message)
        return errors

    return check


def fetcher(client):
    def fetch(path):
        response = client.get(path, follow=True)
        if "text/html" not in response.get("Content-Type", ""):
            return None
        request = response.request
        query = request.get("QUERY_STRING")
        html = response.content.decode()
        url = request["PATH_INFO"] + (f"?{query}" if query else "")
        return crawl.Visit(url, response.status_code, html), crawl.hrefs_in(html)

    return fetch


@dataclass
class Page:
    role: str
    path: str
    html: str = field(repr=False)
    posted: str = ""  # what was posted to get this page, if anything

    def __str__(self):
        return f"{self.role} {self.path}" + (f" (POST: {self.posted})" if self.posted else "")


def every_page() -> list[Page]:
    """Every page each role reaches, its error pages and its forms posted with errors."""
    pages = []
    for role in crawl.ROLES:
        client = crawl.client_for(role)
        visits = list(crawl.crawl(fetcher(client), "/"))
        assert len(visits) < crawl.PAGE_CAP, "the crawl stopped at its cap: raise crawl.PAGE_CAP"
        pages += [Page(role, visit.url, visit.html) for visit in visits]
        for path in crawl.error_pages(role):
            pages.append(Page(role, path, client.get(path).content.decode()))
        for post in crawl.post_pages(role):
            response = client.post(post.url, post.data)
            assert response.status_code < 300 or 400 <= response.status_code < 500, post.name
            pages.append(Page(role, post.url, response.content.decode(), post.name))
    return pages


def describe(page, errors):
    return [
        f"{page}: line {error.get('lastLine')}: {error['message']}  «{error.get('extract', '')}»"
        for error in errors
        if not (crawl.is_admin(page.path) and error["message"] in ADMIN_ONLY_IGNORED_ERRORS)
    ]


def test_every_page_is_valid_html(demo, vnu, tmp_path):
    pages = every_page()
    files = {}
    for number, page in enumerate(pages):
        path = tmp_path / f"page-{number:03}.html"
        path.write_text(page.html, encoding="utf-8")
        files[path.name] = page
    errors = vnu(sorted(tmp_path.glob("*.html")))
    report = [line for name, found in errors.items() for line in describe(files[name], found)]
    print(f"\nvnu: {len(pages)} pages checked, {len(report)} errors")
    assert len(pages) > 50, "the crawl found almost nothing"
    assert not report, "\n".join(report)


def test_the_checker_reports_invalid_html(vnu, tmp_path):
    """The check can fail: a <div> inside a <p> and a duplicate id are reported."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!doctype html><html lang="en"><title>x</title><p id="a"><div id="a"></div></p></html>'
    )
    messages = " ".join(error["message"] for error in vnu([page])["broken.html"])
    assert "Duplicate ID" in messages
    assert "No “p” element in scope" in messages
