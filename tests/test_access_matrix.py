"""Every URL × every role × GET and POST, with the expected answer written out (pretix style).

The table is the specification: a new URL pattern fails ``test_every_url_is_in_the_matrix``
until someone decides, here, who may reach it. Outsiders get 404 (never a hint that the object
exists), the wrong role gets 403, visitors are sent to log in, and an id from another class
swapped into a URL or a form changes nothing in the database.
"""

import hashlib
import json
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from classroom.models import (
    Assignment,
    AuditEvent,
    Classroom,
    Enrollment,
    Response,
    Submission,
    User,
)
from tests import factories

ROLES = [
    "anonymous",
    "student",
    "other_student",
    "teacher",
    "other_teacher",
    "admin",
    "deactivated",
]


# --- The cast and the database fingerprint (shared with the other security tests) ------------


@dataclass
class World:
    """The fixed cast plus the work the pages show: ``student`` has turned in ``assignment``,
    ``other_student`` has turned in ``other_assignment``, and ``deactivated`` is a student of
    ``classroom`` whose account was switched off after logging in."""

    teacher: User
    student: User
    other_teacher: User
    other_student: User
    admin: User
    deactivated: User
    lesson: object
    classroom: Classroom
    other_classroom: Classroom
    assignment: Assignment
    other_assignment: Assignment
    submission: Submission
    other_submission: Submission

    def user(self, role):
        return None if role == "anonymous" else getattr(self, role)

    def client_for(self, role, **kwargs) -> Client:
        client = Client(**kwargs)
        user = self.user(role)
        if user is not None:
            client.force_login(user)
        if role == "deactivated":
            # Logged in before the account was switched off: the old session must open nothing.
            user.is_active = False
            user.save(update_fields=["is_active"])
        return client


def build_world(
    *,
    teacher,
    student,
    other_teacher,
    other_student,
    admin,
    lesson,
    classroom,
    other_classroom,
    assignment,
    other_assignment,
) -> World:
    deactivated = factories.StudentFactory(username="gone", first_name="Gwen", last_name="Gone")
    factories.enroll(classroom, deactivated)
    return World(
        teacher=teacher,
        student=student,
        other_teacher=other_teacher,
        other_student=other_student,
        admin=admin,
        deactivated=deactivated,
        lesson=lesson,
        classroom=classroom,
        other_classroom=other_classroom,
        assignment=assignment,
        other_assignment=other_assignment,
        submission=factories.submit_work(assignment, student),
        other_submission=factories.submit_work(other_assignment, other_student),
    )


# Rows that may change while nobody changes anything: the login time, sessions (not an app
# model) and the audit trail, which records views of students' work on purpose.
FINGERPRINT_APPS = ["classroom", "lessons", "admin", "auth"]
FINGERPRINT_SKIP_MODELS = {AuditEvent}
FINGERPRINT_SKIP_FIELDS = {(User, "last_login")}


def db_fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row of every app model, by table."""
    result = {}
    for app_label in FINGERPRINT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model in FINGERPRINT_SKIP_MODELS:
                continue
            names = [
                f.attname
                for f in model._meta.concrete_fields
                if (model, f.name) not in FINGERPRINT_SKIP_FIELDS
            ]
            rows = list(model._base_manager.order_by("pk").values_list(*names))
            digest = hashlib.sha256(repr(rows).encode()).hexdigest()
            result[model._meta.db_table] = (len(rows), digest)
    return result


@pytest.fixture(autouse=True)
def _clear_rate_limits(db):
    # Login throttling and join-code rate limits count in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(
    teacher,
    student,
    other_teacher,
    other_student,
    admin,
    lesson,
    classroom,
    other_classroom,
    assignment,
    other_assignment,
):
    return build_world(
        teacher=teacher,
        student=student,
        other_teacher=other_teacher,
        other_student=other_student,
        admin=admin,
        lesson=lesson,
        classroom=classroom,
        other_classroom=other_classroom,
        assignment=assignment,
        other_assignment=other_assignment,
    )


# --- How to build each route's URL from the cast ----------------------------------------------


def _no_kwargs(w):
    return {}


ROUTE_KWARGS = {
    "home": _no_kwargs,
    "healthz": _no_kwargs,
    "accounts:login": _no_kwargs,
    "accounts:logout": _no_kwargs,
    "accounts:signup": _no_kwargs,
    "accounts:signup-teacher": _no_kwargs,
    "accounts:signup-student": _no_kwargs,
    "accounts:password-change": _no_kwargs,
    "classroom:teacher-dashboard": _no_kwargs,
    "classroom:lesson-list": _no_kwargs,
    "classroom:lesson-detail": lambda w: {"slug": w.lesson.slug},
    "classroom:lesson-plan": lambda w: {"slug": w.lesson.slug},
    "classroom:lesson-handout": lambda w: {"slug": w.lesson.slug},
    "classroom:class-create": _no_kwargs,
    "classroom:class-detail": lambda w: {"pk": w.classroom.pk},
    "classroom:class-edit": lambda w: {"pk": w.classroom.pk},
    "classroom:class-archive": lambda w: {"pk": w.classroom.pk},
    "classroom:class-reset-code": lambda w: {"pk": w.classroom.pk},
    "classroom:class-remove-student": lambda w: {
        "pk": w.classroom.pk,
        "student_pk": w.student.pk,
    },
    "classroom:class-unlock-student": lambda w: {
        "pk": w.classroom.pk,
        "student_pk": w.student.pk,
    },
    "classroom:assignment-create": lambda w: {"pk": w.classroom.pk},
    "classroom:assignment-detail": lambda w: {"pk": w.assignment.pk},
    "classroom:assignment-edit": lambda w: {"pk": w.assignment.pk},
    "classroom:assignment-export": lambda w: {"pk": w.assignment.pk},
    "classroom:submission-review": lambda w: {"pk": w.assignment.pk, "student_pk": w.student.pk},
    "classroom:submission-return": lambda w: {"pk": w.assignment.pk, "student_pk": w.student.pk},
    "classroom:prompt-review": lambda w: {
        "pk": w.assignment.pk,
        "prompt_pk": w.assignment.prompts.first().pk,
    },
    "classroom:student-dashboard": _no_kwargs,
    "classroom:class-join": _no_kwargs,
    "classroom:workspace": lambda w: {"pk": w.assignment.pk},
    "classroom:autosave": lambda w: {"pk": w.assignment.pk},
    "classroom:turn-in": lambda w: {"pk": w.assignment.pk},
    "classroom:unsubmit": lambda w: {"pk": w.assignment.pk},
    "classroom:reading-preferences": _no_kwargs,
    # The Django admin's own patterns are Django's; two of its pages stand in for all of them.
    "admin:index": _no_kwargs,
    "admin:classroom_user_change": lambda w: {"object_id": w.student.pk},
}
ADMIN_ROUTES = {"admin:index", "admin:classroom_user_change"}


def url_for(route: str, w: World) -> str:
    return reverse(route, kwargs=ROUTE_KWARGS[route](w))


# --- The expected answers ---------------------------------------------------------------------

OK = "200"
FOUND = "302 elsewhere"  # a redirect that is not a login page
LOGIN = "302 to log in"
ADMIN_LOGIN = "302 to the admin's log in"
BAD = "400"
UNAUTHORIZED = "401"
DENIED = "403"
MISSING = "404"
NOT_ALLOWED = "405"


def row(anonymous, student, other_student, teacher, other_teacher, admin, deactivated):
    return dict(zip(ROLES, locals().values(), strict=True))


# A POST with an empty body: a form answers 200 with its errors; actions do what they do.
# The deactivated user's session is treated as no session at all.
EXPECTED = {
    # Each row: row(anonymous, student, other_student, teacher, other_teacher, admin, deactivated)
    "home": {
        "GET": row(LOGIN, FOUND, FOUND, FOUND, FOUND, FOUND, LOGIN),
        "POST": row(LOGIN, FOUND, FOUND, FOUND, FOUND, FOUND, LOGIN),
    },
    # Load balancers and monitors: open to all, read-only.
    "healthz": {
        "GET": row(*[OK] * 7),
        "POST": row(*[NOT_ALLOWED] * 7),
    },
    "accounts:login": {
        "GET": row(OK, FOUND, FOUND, FOUND, FOUND, FOUND, OK),
        "POST": row(OK, FOUND, FOUND, FOUND, FOUND, FOUND, OK),
    },
    "accounts:logout": {
        "GET": row(*[NOT_ALLOWED] * 7),
        "POST": row(*[LOGIN] * 7),
    },
    "accounts:signup": {
        "GET": row(OK, FOUND, FOUND, FOUND, FOUND, FOUND, OK),
        "POST": row(OK, FOUND, FOUND, FOUND, FOUND, FOUND, OK),
    },
    "accounts:signup-teacher": {
        "GET": row(OK, FOUND, FOUND, FOUND, FOUND, FOUND, OK),
        "POST": row(OK, FOUND, FOUND, FOUND, FOUND, FOUND, OK),
    },
    "accounts:signup-student": {
        "GET": row(OK, FOUND, FOUND, FOUND, FOUND, FOUND, OK),
        "POST": row(OK, FOUND, FOUND, FOUND, FOUND, FOUND, OK),
    },
    "accounts:password-change": {
        "GET": row(LOGIN, OK, OK, OK, OK, OK, LOGIN),
        "POST": row(LOGIN, OK, OK, OK, OK, OK, LOGIN),
    },
    "classroom:teacher-dashboard": {
        "GET": row(LOGIN, DENIED, DENIED, OK, OK, DENIED, LOGIN),
        "POST": row(LOGIN, DENIED, DENIED, OK, OK, DENIED, LOGIN),
    },
    "classroom:lesson-list": {
        "GET": row(LOGIN, DENIED, DENIED, OK, OK, OK, LOGIN),
        "POST": row(LOGIN, DENIED, DENIED, OK, OK, OK, LOGIN),
    },
    "classroom:lesson-detail": {
        "GET": row(LOGIN, DENIED, DENIED, OK, OK, OK, LOGIN),
        "POST": row(LOGIN, DENIED, DENIED, OK, OK, OK, LOGIN),
    },
    "classroom:lesson-plan": {
        "GET": row(LOGIN, DENIED, DENIED, OK, OK, OK, LOGIN),
        "POST": row(LOGIN, DENIED, DENIED, OK, OK, OK, LOGIN),
    },
    # A page to print: it answers GET only.
    "classroom:lesson-handout": {
        "GET": row(LOGIN, DENIED, DENIED, OK, OK, OK, LOGIN),
        "POST": row(LOGIN, DENIED, DENIED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, LOGIN),
    },
    "classroom:class-create": {
        "GET": row(LOGIN, DENIED, DENIED, OK, OK, DENIED, LOGIN),
        "POST": row(LOGIN, DENIED, DENIED, OK, OK, DENIED, LOGIN),
    },
    "classroom:class-detail": {
        "GET": row(LOGIN, DENIED, DENIED, OK, MISSING, DENIED, LOGIN),
        "POST": row(LOGIN, DENIED, DENIED, OK, MISSING, DENIED, LOGIN),
    },
    "classroom:class-edit": {
        "GET": row(LOGIN, DENIED, DENIED, OK, MISSING, DENIED, LOGIN),
        "POST": row(LOGIN, DENIED, DENIED, OK, MISSING, DENIED, LOGIN),
    },
    "classroom:class-archive": {
        "GET": row(LOGIN, DENIED, DENIED, NOT_ALLOWED, NOT_ALLOWED, DENIED, LOGIN),
        "POST": row(LOGIN, DENIED, DENIED, FOUND, MISSING, DENIED, LOGIN),
    },
    "classroom:class-reset-code": {
        "GET": row(LOGIN, DENIED, DENIED, NOT_ALLOWED, NOT_ALLOWED, DENIED, LOGIN),
        "POST": row(LOGIN, DENIED, DENIED, FOUND, MISSING, DENIED, LOGIN),
    },
    "classroom:class-remove-student": {
        "GET": row(LOGIN, DENIED, DENIED, NOT_ALLOWED, NOT_ALLOWED, DENIED, LOGIN),
        "POST": row(LOGIN, DENIED, DENIED, FOUND, MISSING, DENIED, LOGIN),
    },
    "classroom:class-unlock-student": {
        "GET": row(LOGIN, DENIED, DENIED, NOT_ALLOWED, NOT_ALLOWED, DENIED, LOGIN),
        "POST": row(LOGIN, DENIED, DENIED, FOUND, MISSING, DENIED, LOGIN),
    },
    "classroom:assignment-create": {
        "GET": row(LOGIN, DENIED, DENIED, OK, MISSING, DENIED, LOGIN),
        "POST": row(LOGIN, DENIED, DENIED, OK, MISSING, DENIED, LOGIN),
    },
    "classroom:assignment-detail": {
        "GET": row(LOGIN, DENIED, DENIED, OK, MISSING, DENIED, LOGIN),
        "POST": row(LOGIN, DENIED, DENIED, OK, MISSING, DENIED, LOGIN),
    },
    "classroom:assignment-edit": {
        "GET": row(LOGIN, DENIED, DENIED, OK, MISSING, DENIED, LOGIN),
        "POST": row(LOGIN, DENIED, DENIED, OK, MISSING, DENIED, LOGIN),
    },
    "classroom:assignment-export": {
        "GET": row(LOGIN, DENIED, DENIED, OK, MISSING, DENIED, LOGIN),
        "POST": row(LOGIN, DENIED, DENIED, OK, MISSING, DENIED, LOGIN),
    },
    "classroom:submission-review": {
        "GET": row(LOGIN, DENIED, DENIED, OK, MISSING, DENIED, LOGIN),
        "POST": row(LOGIN, DENIED, DENIED, FOUND, MISSING, DENIED, LOGIN),
    },
    "classroom:submission-return": {
        "GET": row(LOGIN, DENIED, DENIED, NOT_ALLOWED, NOT_ALLOWED, DENIED, LOGIN),
        "POST": row(LOGIN, DENIED, DENIED, FOUND, MISSING, DENIED, LOGIN),
    },
    "classroom:prompt-review": {
        "GET": row(LOGIN, DENIED, DENIED, OK, MISSING, DENIED, LOGIN),
        "POST": row(LOGIN, DENIED, DENIED, FOUND, MISSING, DENIED, LOGIN),
    },
    "classroom:student-dashboard": {
        "GET": row(LOGIN, OK, OK, DENIED, DENIED, DENIED, LOGIN),
        "POST": row(LOGIN, OK, OK, DENIED, DENIED, DENIED, LOGIN),
    },
    "classroom:class-join": {
        "GET": row(LOGIN, OK, OK, DENIED, DENIED, DENIED, LOGIN),
        "POST": row(LOGIN, OK, OK, DENIED, DENIED, DENIED, LOGIN),
    },
    "classroom:workspace": {
        "GET": row(LOGIN, OK, MISSING, DENIED, DENIED, DENIED, LOGIN),
        "POST": row(LOGIN, FOUND, MISSING, DENIED, DENIED, DENIED, LOGIN),
    },
    # The autosave script cannot follow a login redirect, so it gets JSON answers instead.
    "classroom:autosave": {
        "GET": row(*[NOT_ALLOWED] * 7),
        "POST": row(UNAUTHORIZED, BAD, MISSING, DENIED, DENIED, DENIED, UNAUTHORIZED),
    },
    "classroom:turn-in": {
        "GET": row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, LOGIN),
        "POST": row(LOGIN, FOUND, MISSING, DENIED, DENIED, DENIED, LOGIN),
    },
    "classroom:unsubmit": {
        "GET": row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, LOGIN),
        "POST": row(LOGIN, FOUND, MISSING, DENIED, DENIED, DENIED, LOGIN),
    },
    # Everyone signed in sets their own reading settings (an empty POST is sent back with a
    # message); there is no one else's to reach.
    "classroom:reading-preferences": {
        "GET": row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, LOGIN),
        "POST": row(LOGIN, FOUND, FOUND, FOUND, FOUND, FOUND, LOGIN),
    },
    "admin:index": {
        "GET": row(
            ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK, ADMIN_LOGIN
        ),
        "POST": row(
            ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK, ADMIN_LOGIN
        ),
    },
    # A model page is not marked login-free as the admin's index is, so the site's login
    # middleware answers visitors first; signed-in non-staff meet the admin's own login.
    "admin:classroom_user_change": {
        "GET": row(LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK, LOGIN),
        "POST": row(LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK, LOGIN),
    },
}


def app_route_names() -> tuple[set[str], list[str]]:
    """Every named route of the root URLconf outside the admin, and any pattern with no name."""
    names, unnamed = set(), []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                walk(
                    pattern.url_patterns,
                    f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix,
                )
            elif pattern.name:
                names.add(prefix + pattern.name)
            else:
                unnamed.append(str(pattern.pattern))

    walk(get_resolver().url_patterns, "")
    return names, unnamed


def test_every_url_is_in_the_matrix():
    names, unnamed = app_route_names()
    assert unnamed == [], "Every URL pattern needs a name so the matrix can list it"
    assert names - set(EXPECTED) == set(), "New URLs: add them to EXPECTED and ROUTE_KWARGS"
    assert set(EXPECTED) - ADMIN_ROUTES - names == set(), "The matrix lists URLs that are gone"
    assert set(ROUTE_KWARGS) == set(EXPECTED)


def test_the_matrix_covers_every_role_and_method():
    for route, methods in EXPECTED.items():
        assert set(methods) == {"GET", "POST"}, route
        for method, answers in methods.items():
            assert list(answers) == ROLES, (route, method)


# Roles with no business in ``classroom``: what its refusals show them must not give it away.
OUTSIDERS = {"anonymous", "other_student", "other_teacher", "deactivated"}


def request_and_undo(world, role, method, url):
    """One request as ``role`` on a fresh client, with everything it wrote rolled back, so
    the next request meets the same world (a POST may archive the class or log out)."""
    with transaction.atomic():
        client = world.client_for(role)
        response = client.get(url) if method == "GET" else client.post(url, {})
        transaction.set_rollback(True)
    return response


def mismatch(response, expected: str) -> str:
    """What is wrong with the answer, or "" when it is the expected one."""
    status = response.status_code
    location = response.get("Location", "")
    login, admin_login = reverse("accounts:login"), reverse("admin:login")
    got = f"{status} {location}".strip()
    if expected == LOGIN:
        ok = status == 302 and location.startswith(login)
    elif expected == ADMIN_LOGIN:
        ok = status == 302 and location.startswith(admin_login)
    elif expected == FOUND:
        ok = status == 302 and not location.startswith((login, admin_login))
    else:
        ok = status == int(expected)
    return "" if ok else f"expected {expected}, got {got}"


@pytest.mark.parametrize("route", list(EXPECTED))
def test_access(world, route):
    url = url_for(route, world)
    problems = []
    for method in ["GET", "POST"]:
        for role in ROLES:
            response = request_and_undo(world, role, method, url)
            problem = mismatch(response, EXPECTED[route][method][role])
            if problem:
                problems.append(f"{method} {url} as {role}: {problem}")
            if response.status_code in (403, 404, 405) and role in OUTSIDERS:
                # A refusal names nothing it refused: not the class, its students or their work.
                content = response.content.decode()
                problems += [
                    f"{method} {url} as {role}: the refusal shows {secret!r}"
                    for secret in [
                        world.classroom.name,
                        world.student.get_full_name(),
                        world.assignment.instructions,
                        "Answer to prompt 1.",
                    ]
                    if secret in content
                ]
    assert problems == []


def test_the_autosave_refusals_are_json(world):
    # The workspace script reads these; a login page or an HTML error would break it.
    url = url_for("classroom:autosave", world)
    for role, status in [("anonymous", 401), ("teacher", 403), ("other_student", 404)]:
        response = world.client_for(role).post(url, {})
        assert response.status_code == status
        assert response["Content-Type"] == "application/json"
        assert "error" in response.json()


# --- Ids from another class swapped into URLs and forms change nothing -------------------------


def post_and_assert_nothing_changed(client, url, data=None, *, expected_status, **kwargs):
    before = db_fingerprint()
    response = client.post(url, data or {}, **kwargs)
    assert response.status_code == expected_status, (url, response.status_code)
    assert db_fingerprint() == before, f"POST {url} changed the database"
    return response


def test_a_teacher_cannot_comment_on_another_class_through_her_own_review_page(world):
    client = world.client_for("teacher")
    theirs = world.other_submission.responses.first()
    mine = world.submission.responses.first()
    url = reverse("classroom:submission-review", args=[world.assignment.pk, world.student.pk])
    before = db_fingerprint()

    response = client.post(
        url,
        {
            f"comment_{theirs.pk}": "Written into another class",
            f"points_{theirs.pk}": "1",
            f"comment_{mine.pk}": "",
            "comment": "",
        },
    )

    # Her own empty form saves (nothing to change); the foreign fields are ignored.
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert (theirs.comment, theirs.points) == ("", None)
    assert db_fingerprint()["classroom_response"] == before["classroom_response"]


def test_a_teacher_cannot_review_another_class_by_prompt(world):
    client = world.client_for("teacher")
    theirs = world.other_submission.responses.first()
    # Her own assignment with another class's prompt, and another class's assignment.
    for assignment, prompt in [
        (world.assignment, theirs.prompt),
        (world.other_assignment, theirs.prompt),
    ]:
        post_and_assert_nothing_changed(
            client,
            reverse("classroom:prompt-review", args=[assignment.pk, prompt.pk]),
            {f"comment_{theirs.pk}": "Sneaky", f"points_{theirs.pk}": "1"},
            expected_status=404,
        )


def test_a_teacher_cannot_comment_on_another_class_through_her_own_prompt_page(world):
    client = world.client_for("teacher")
    theirs = world.other_submission.responses.first()
    prompt = world.assignment.prompts.first()

    response = client.post(
        reverse("classroom:prompt-review", args=[world.assignment.pk, prompt.pk]),
        {f"comment_{theirs.pk}": "Sneaky", f"points_{theirs.pk}": "1"},
    )

    assert response.status_code == 302
    theirs.refresh_from_db()
    assert (theirs.comment, theirs.points) == ("", None)


@pytest.mark.parametrize(
    ("route", "args"),
    [
        # Another class's student under her own assignment, and the reverse.
        ("classroom:submission-review", lambda w: [w.assignment.pk, w.other_student.pk]),
        ("classroom:submission-review", lambda w: [w.other_assignment.pk, w.student.pk]),
        ("classroom:submission-review", lambda w: [w.other_assignment.pk, w.other_student.pk]),
        ("classroom:submission-return", lambda w: [w.assignment.pk, w.other_student.pk]),
        ("classroom:submission-return", lambda w: [w.other_assignment.pk, w.other_student.pk]),
        # Removing another class's student through her own class, and her own student through
        # another teacher's class.
        ("classroom:class-remove-student", lambda w: [w.classroom.pk, w.other_student.pk]),
        ("classroom:class-remove-student", lambda w: [w.other_classroom.pk, w.other_student.pk]),
        ("classroom:class-remove-student", lambda w: [w.other_classroom.pk, w.student.pk]),
        ("classroom:class-unlock-student", lambda w: [w.classroom.pk, w.other_student.pk]),
        ("classroom:class-unlock-student", lambda w: [w.other_classroom.pk, w.other_student.pk]),
        ("classroom:class-edit", lambda w: [w.other_classroom.pk]),
        ("classroom:class-archive", lambda w: [w.other_classroom.pk]),
        ("classroom:class-reset-code", lambda w: [w.other_classroom.pk]),
        ("classroom:assignment-create", lambda w: [w.other_classroom.pk]),
        ("classroom:assignment-edit", lambda w: [w.other_assignment.pk]),
    ],
)
def test_a_teacher_cannot_act_on_another_class(world, route, args):
    client = world.client_for("teacher")
    data = {
        "name": "Renamed by someone else",
        "lesson": world.lesson.slug,
        "instructions": "Hijacked",
        "opens_at": "2030-01-01T08:00",
        "due_at": "2030-01-02T08:00",
        "late_policy": "accept",
        "comment": "Hijacked",
        "archived": "1",
    }
    post_and_assert_nothing_changed(
        client, reverse(route, args=args(world)), data, expected_status=404
    )


def test_a_teacher_cannot_assign_to_another_teachers_class_through_her_own(world):
    client = world.client_for("teacher")
    url = reverse("classroom:assignment-create", args=[world.classroom.pk])

    response = client.post(
        url,
        {
            "lesson": world.lesson.slug,
            "classroom": world.other_classroom.pk,
            "opens_at": "2030-01-01T08:00",
            "due_at": "2030-01-02T08:00",
            "late_policy": "accept",
        },
    )

    assert response.status_code == 302
    assert Assignment.objects.filter(classroom=world.other_classroom).count() == 1
    assert Assignment.objects.filter(classroom=world.classroom).count() == 2


def test_a_student_cannot_autosave_into_another_class(world):
    client = world.client_for("student")
    theirs = world.other_assignment.prompts.first()
    url = reverse("classroom:autosave", args=[world.assignment.pk])
    for body in [
        {"prompt": theirs.pk, "text": "Into another class", "revision": 0},
        {"prompt": str(theirs.pk), "text": "Into another class", "revision": 1},
    ]:
        response = post_and_assert_nothing_changed(
            client,
            url,
            json.dumps(body),
            content_type="application/json",
            expected_status=400,
        )
        assert response.json()["error"] == "That prompt is not part of this assignment."
    # And straight at the other class's assignment.
    post_and_assert_nothing_changed(
        client,
        reverse("classroom:autosave", args=[world.other_assignment.pk]),
        json.dumps({"prompt": theirs.pk, "text": "Into another class", "revision": 1}),
        content_type="application/json",
        expected_status=404,
    )


def test_a_student_cannot_save_or_turn_in_answers_to_another_classs_prompts(world):
    client = world.client_for("student")
    theirs = world.other_assignment.prompts.first()
    data = {f"answer-{theirs.pk}": "Into another class", f"revision-{theirs.pk}": "1"}
    for route in ["classroom:workspace", "classroom:turn-in"]:
        # Her own work is already turned in and nothing of hers changed: a harmless redirect.
        post_and_assert_nothing_changed(
            client, reverse(route, args=[world.assignment.pk]), data, expected_status=302
        )
    for route in ["classroom:workspace", "classroom:turn-in", "classroom:unsubmit"]:
        post_and_assert_nothing_changed(
            client, reverse(route, args=[world.other_assignment.pk]), data, expected_status=404
        )
    assert not Response.objects.filter(submission__student=world.student, prompt=theirs).exists()


def test_a_student_cannot_reach_another_students_work_by_id(world):
    client = world.client_for("other_student")
    for route in ["classroom:workspace", "classroom:turn-in", "classroom:unsubmit"]:
        post_and_assert_nothing_changed(
            client,
            reverse(route, args=[world.assignment.pk]),
            {f"answer-{p.pk}": "Overwritten" for p in world.assignment.prompts.all()},
            expected_status=404,
        )
    response = client.get(reverse("classroom:workspace", args=[world.assignment.pk]))
    assert response.status_code == 404
    assert b"Answer to prompt 1." not in response.content


def test_a_removed_student_loses_access_but_keeps_the_work(world):
    Enrollment.objects.filter(classroom=world.classroom, student=world.student).delete()
    client = world.client_for("student")
    for route in ["classroom:workspace", "classroom:turn-in", "classroom:unsubmit"]:
        post_and_assert_nothing_changed(
            client, reverse(route, args=[world.assignment.pk]), {}, expected_status=404
        )
    assert Submission.objects.filter(pk=world.submission.pk).exists()
    # Nor can her teacher review it through the class any more.
    post_and_assert_nothing_changed(
        world.client_for("teacher"),
        reverse("classroom:submission-review", args=[world.assignment.pk, world.student.pk]),
        {"comment": "After removal"},
        expected_status=404,
    )
