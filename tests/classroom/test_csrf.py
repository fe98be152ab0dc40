"""CSRF: every route of the app and of the accounts refuses a POST without the token (403) and
changes nothing; the POST-only routes change nothing on GET either."""

import json

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from classroom import account_urls, app_urls
from classroom.models import Classroom, Submission
from tests import factories
from tests.factories import PASSWORD

# Who would be allowed to make the request (so only the missing token stops it), and its URL
# arguments. A new route fails test_every_route_is_listed until it is added here.
ROUTES = {
    # Teachers
    "classroom:teacher-dashboard": ("teacher", lambda w: []),
    "classroom:lesson-list": ("teacher", lambda w: []),
    "classroom:lesson-detail": ("teacher", lambda w: [w.lesson.slug]),
    "classroom:lesson-plan": ("teacher", lambda w: [w.lesson.slug]),
    "classroom:lesson-handout": ("teacher", lambda w: [w.lesson.slug]),
    "classroom:class-create": ("teacher", lambda w: []),
    "classroom:class-detail": ("teacher", lambda w: [w.classroom.pk]),
    "classroom:class-edit": ("teacher", lambda w: [w.classroom.pk]),
    "classroom:class-archive": ("teacher", lambda w: [w.classroom.pk]),
    "classroom:class-reset-code": ("teacher", lambda w: [w.classroom.pk]),
    "classroom:class-remove-student": ("teacher", lambda w: [w.classroom.pk, w.student.pk]),
    "classroom:class-unlock-student": ("teacher", lambda w: [w.classroom.pk, w.student.pk]),
    "classroom:assignment-create": ("teacher", lambda w: [w.classroom.pk]),
    "classroom:assignment-detail": ("teacher", lambda w: [w.assignment.pk]),
    "classroom:assignment-edit": ("teacher", lambda w: [w.assignment.pk]),
    "classroom:assignment-export": ("teacher", lambda w: [w.assignment.pk]),
    "classroom:submission-review": ("teacher", lambda w: [w.assignment.pk, w.student.pk]),
    "classroom:submission-return": ("teacher", lambda w: [w.assignment.pk, w.student.pk]),
    "classroom:prompt-review": ("teacher", lambda w: [w.assignment.pk, w.prompt.pk]),
    # Students
    "classroom:student-dashboard": ("student", lambda w: []),
    "classroom:class-join": ("other_student", lambda w: []),
    "classroom:workspace": ("student", lambda w: [w.assignment.pk]),
    "classroom:autosave": ("student", lambda w: [w.assignment.pk]),
    "classroom:turn-in": ("student", lambda w: [w.assignment.pk]),
    "classroom:unsubmit": ("student", lambda w: [w.assignment.pk]),
    "classroom:reading-preferences": ("student", lambda w: []),
    # Accounts
    "accounts:login": (None, lambda w: []),
    "accounts:logout": ("student", lambda w: []),
    "accounts:signup": (None, lambda w: []),
    "accounts:signup-teacher": (None, lambda w: []),
    "accounts:signup-student": (None, lambda w: []),
    "accounts:password-change": ("student", lambda w: []),
}

# One body that would change something on each of the forms, had the token been there.
FORM = {
    "name": "Renamed by a forged form",
    "archived": "1",
    "username": "forged",
    "first_name": "Forged",
    "last_name": "Form",
    "email": "forged@example.org",
    "password": PASSWORD,
    "password1": "a-long-unusual-passphrase",
    "password2": "a-long-unusual-passphrase",
    "old_password": PASSWORD,
    "new_password1": "a-long-unusual-passphrase",
    "new_password2": "a-long-unusual-passphrase",
    "comment": "Forged feedback",
    "action": "turn_in",
}


def route_names():
    names = set()
    for module in (app_urls, account_urls):
        for pattern in get_resolver(module).url_patterns:
            assert isinstance(pattern, URLPattern)
            names.add(f"{module.app_name}:{pattern.name}")
    return names


class World:
    def __init__(self, teacher, student, other_student, classroom, assignment):
        self.teacher = teacher
        self.student = student
        self.other_student = other_student
        self.classroom = classroom
        self.assignment = assignment
        self.lesson = assignment.lesson
        self.prompt = assignment.prompts.first()

    def client(self, role, **kwargs):
        client = Client(**kwargs)
        if role:
            client.force_login(getattr(self, role))
        return client

    def browser(self, role):
        """A client that has the CSRF cookie, as a browser that opened any form would, but
        sends no token."""
        client = self.client(role, enforce_csrf_checks=True)
        client.get(reverse("accounts:password-change" if role else "accounts:login"))
        assert settings.CSRF_COOKIE_NAME in client.cookies
        return client


@pytest.fixture
def world(teacher, student, other_student, classroom, assignment):
    factories.submit_work(assignment, student, state=Submission.State.DRAFT)
    return World(teacher, student, other_student, classroom, assignment)


def database():
    """Every row of every table the app, accounts and axes keep, to compare before and after."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.app_label in {"classroom", "lessons", "auth", "sessions", "axes"}
    }


def forged_form(world):
    return FORM | {"join_code": world.classroom.display_join_code}


def test_every_route_is_listed():
    assert route_names() == set(ROUTES)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_a_post_without_the_token_is_refused_and_changes_nothing(world, name, caplog):
    role, args = ROUTES[name]
    client = world.browser(role)
    before = database()

    response = client.post(reverse(name, args=args(world)), forged_form(world))

    assert response.status_code == 403
    assert "CSRF token missing" in caplog.text  # django.security.csrf says why
    assert database() == before


def test_a_post_with_the_wrong_token_is_refused(world):
    client = world.browser("teacher")
    code = world.classroom.join_code

    response = client.post(
        reverse("classroom:class-reset-code", args=[world.classroom.pk]),
        {"csrfmiddlewaretoken": "x" * 64},
    )

    assert response.status_code == 403
    world.classroom.refresh_from_db()
    assert world.classroom.join_code == code


def test_the_autosave_endpoint_refuses_json_without_the_token(world):
    client = world.browser("student")
    before = database()

    response = client.post(
        reverse("classroom:autosave", args=[world.assignment.pk]),
        json.dumps({"prompt": world.prompt.pk, "text": "Forged answer", "revision": 0}),
        content_type="application/json",
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )

    assert response.status_code == 403
    assert database() == before


def test_the_same_post_with_the_token_does_change_things(world):
    # The control: the refusals above are the missing token, not the request.
    client = world.browser("teacher")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value

    response = client.post(
        reverse("classroom:class-archive", args=[world.classroom.pk]),
        {"archived": "1", "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    assert Classroom.objects.get(pk=world.classroom.pk).archived


POST_ONLY = [
    "classroom:class-archive",
    "classroom:class-reset-code",
    "classroom:class-remove-student",
    "classroom:class-unlock-student",
    "classroom:submission-return",
    "classroom:autosave",
    "classroom:turn-in",
    "classroom:unsubmit",
    "classroom:reading-preferences",
    "accounts:logout",
]


@pytest.mark.parametrize("name", POST_ONLY)
def test_post_only_routes_change_nothing_on_get(world, name):
    role, args = ROUTES[name]
    client = world.client(role)
    before = database()

    response = client.get(reverse(name, args=args(world)))

    assert response.status_code == 405
    assert database() == before
