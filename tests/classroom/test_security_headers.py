"""Security headers on every page of the demo, as each person sees it: a strict
Content-Security-Policy, and no inline script, event handler or style attribute for it to block."""

from html.parser import HTMLParser
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin as django_admin
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse

from classroom.models import Assignment, Classroom, User

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True  # load_demo refuses to run in production
    call_command("load_demo", stdout=StringIO())
    settings.DEBUG = False


def client_for(username):
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def demo_pages():
    """(who, url, expected status) for every HTML page of the demo."""
    classroom = Classroom.objects.get()
    assignment = Assignment.objects.get()
    prompt = assignment.prompts.first()
    slug = assignment.lesson.slug
    student = classroom.enrollments.first().student
    pages = [
        (None, reverse("accounts:login"), 200),
        (None, reverse("accounts:signup"), 200),
        (None, reverse("accounts:signup-teacher"), 200),
        (None, reverse("accounts:signup-student"), 200),
        (None, "/no-such-page/", 404),
        ("teacher", reverse("classroom:teacher-dashboard"), 200),
        ("teacher", reverse("classroom:lesson-list"), 200),
        ("teacher", reverse("classroom:lesson-detail", args=[slug]), 200),
        ("teacher", reverse("classroom:lesson-plan", args=[slug]), 200),
        ("teacher", reverse("classroom:class-create"), 200),
        ("teacher", reverse("classroom:class-detail", args=[classroom.pk]), 200),
        ("teacher", reverse("classroom:class-edit", args=[classroom.pk]), 200),
        ("teacher", reverse("classroom:assignment-create", args=[classroom.pk]), 200),
        ("teacher", reverse("classroom:assignment-detail", args=[assignment.pk]), 200),
        ("teacher", reverse("classroom:assignment-edit", args=[assignment.pk]), 200),
        (
            "teacher",
            reverse("classroom:submission-review", args=[assignment.pk, student.pk]),
            200,
        ),
        ("teacher", reverse("classroom:prompt-review", args=[assignment.pk, prompt.pk]), 200),
        ("teacher", reverse("accounts:password-change"), 200),
        ("teacher", reverse("classroom:student-dashboard"), 403),
        (student.username, reverse("classroom:student-dashboard"), 200),
        (student.username, reverse("classroom:class-join"), 200),
        (student.username, reverse("classroom:workspace", args=[assignment.pk]), 200),
        (None, reverse("admin:login"), 200),
        ("admin", reverse("admin:index"), 200),
    ]
    # Every page of every model in the admin: its list, its add form, one object's form.
    for model, model_admin in django_admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        if model_admin.has_view_permission(_request_for("admin")):
            pages.append(("admin", reverse("admin:{}_{}_changelist".format(*info)), 200))
        if model_admin.has_add_permission(_request_for("admin")):
            pages.append(("admin", reverse("admin:{}_{}_add".format(*info)), 200))
        first = model.objects.order_by("pk").first()
        if first is not None:
            pages.append(
                ("admin", reverse("admin:{}_{}_change".format(*info), args=[first.pk]), 200)
            )
    return pages


def _request_for(username):
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(username=username)
    return request


class InlineCodeFinder(HTMLParser):
    """Collects what a strict CSP would block: inline scripts and styles, on* handlers, style
    attributes, javascript: URLs."""

    URL_ATTRIBUTES = ("href", "src", "action", "formaction")

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name == "style":
                self.problems.append(f'<{tag} style="{value}">')
            if name in self.URL_ATTRIBUTES and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}={value}>")
        # A JSON data block is not run, so the policy need not allow it.
        if (
            tag == "script"
            and "src" not in attributes
            and attributes.get("type") != "application/json"
        ):
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("inline <style>")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


def csp_directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


def assert_secure_headers(response):
    assert csp_directives(response) == EXPECTED_CSP
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_every_demo_page_has_the_headers_and_no_inline_code(demo):
    pages = demo_pages()
    assert len(pages) > 40  # the admin's pages are in the list too
    failures = []
    for who, url, status in pages:
        response = client_for(who).get(url)
        if response.status_code != status:
            failures.append(f"{who} {url}: status {response.status_code}, expected {status}")
            continue
        assert_secure_headers(response)
        problems = inline_code(response.content.decode())
        if problems:
            failures.append(f"{who} {url}: {sorted(set(problems))}")
    assert failures == []


def test_the_lockout_page_has_the_headers_and_no_inline_code(client, student):
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            reverse("accounts:login"), {"username": "student", "password": f"wrong-{n}"}
        )
    assert response.status_code == 429
    assert AccessAttempt.objects.exists()
    assert_secure_headers(response)
    assert inline_code(response.content.decode()) == []


def test_the_csv_export_is_not_sniffed_as_html(client, teacher, assignment):
    client.force_login(teacher)
    response = client.get(reverse("classroom:assignment-export", args=[assignment.pk]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response


def test_the_finder_catches_what_the_policy_would_block():
    # The check above is only as good as this parser.
    assert inline_code('<script>alert(1)</script><script src="/a.js"></script>') == [
        "inline <script>"
    ]
    assert inline_code('<button onclick="go()">') == ["<button onclick=...>"]
    assert inline_code('<div style="color: red">') == ['<div style="color: red">']
    assert inline_code('<a href="javascript:go()">') == ["<a href=javascript:go()>"]
    assert inline_code('<script type="application/json">{"a": 1}</script>') == []


def test_production_cookies_are_secure_and_host_only(client, student, settings):
    # What the production settings switch on (tests run with the development ones).
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    settings.CSRF_COOKIE_SECURE = True

    response = client.post(
        reverse("accounts:login"), {"username": "student", "password": "correct-horse-battery"}
    )

    session = response.cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["path"] == "/" and not session["domain"]
    csrf = client.get(reverse("accounts:password-change")).cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["path"] == "/" and not csrf["domain"]
