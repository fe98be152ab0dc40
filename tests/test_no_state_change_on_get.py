"""No GET changes anything: every URL, as every role, leaves every row of every app table as it
was (only sessions, login times and the audit trail of who viewed work may change)."""

import pytest
from django.urls import reverse

from classroom.models import Assignment, Classroom, Enrollment, Submission, User
from tests import factories
from tests.test_access_matrix import EXPECTED, ROLES, build_world, db_fingerprint, url_for


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


def changed_tables(before, after) -> list[str]:
    return sorted(
        table for table in before.keys() | after.keys() if before.get(table) != after.get(table)
    )


def test_the_fingerprint_sees_a_change(world):
    # Guard against a fingerprint that never changes, which would make every test here pass.
    before = db_fingerprint()
    Submission.objects.filter(pk=world.submission.pk).update(comment="Changed")
    assert changed_tables(before, db_fingerprint()) == ["classroom_submission"]


@pytest.mark.parametrize("role", ROLES)
def test_no_get_changes_the_database(world, role):
    client = world.client_for(role)
    problems = []
    for route in EXPECTED:
        url = url_for(route, world)
        before = db_fingerprint()
        response = client.get(url)
        assert response.status_code < 500, url
        changed = changed_tables(before, db_fingerprint())
        if changed:
            problems.append(f"GET {url} as {role} changed {changed}")
    assert problems == []


@pytest.mark.parametrize("role", ROLES)
def test_query_strings_on_a_get_change_nothing(world, role):
    """Links can carry a join code or a lesson: following one fills in a form, never acts."""
    client = world.client_for(role)
    code = world.classroom.join_code
    urls = [
        reverse("classroom:class-join") + f"?code={code}&join_code={code}",
        reverse("accounts:signup-student") + f"?code={code}&username=sneaky&password1=x",
        reverse("classroom:assignment-create", args=[world.classroom.pk])
        + f"?lesson={world.lesson.slug}&opens_at=2030-01-01T08:00&due_at=2030-01-02T08:00",
        reverse("classroom:class-edit", args=[world.classroom.pk]) + "?name=Renamed",
        reverse("classroom:assignment-edit", args=[world.assignment.pk])
        + "?instructions=Changed&due_at=2030-01-02T08:00",
        reverse("classroom:submission-review", args=[world.assignment.pk, world.student.pk])
        + "?comment=Changed&action=return",
        reverse("classroom:workspace", args=[world.assignment.pk])
        + "".join(f"&answer-{p.pk}=Changed" for p in world.assignment.prompts.all()),
        reverse("classroom:lesson-list") + "?q=%27%3B+DROP+TABLE+lessons_lesson%3B--",
    ]
    for url in urls:
        before = db_fingerprint()
        response = client.get(url)
        assert response.status_code < 500, url
        assert changed_tables(before, db_fingerprint()) == [], f"GET {url} as {role}"
    assert not Enrollment.objects.filter(student__username="sneaky").exists()
    assert not User.objects.filter(username="sneaky").exists()
    assert Classroom.objects.get(pk=world.classroom.pk).name == "Period 1 World History"


def test_a_student_opening_work_for_the_first_time_creates_nothing(world):
    # The workspace GET must not start a draft: "not started" stays "not started".
    fresh = factories.make_assignment(world.classroom, world.lesson)
    client = world.client_for("student")
    before = db_fingerprint()

    response = client.get(reverse("classroom:workspace", args=[fresh.pk]))

    assert response.status_code == 200
    assert changed_tables(before, db_fingerprint()) == []
    assert not Submission.objects.filter(assignment=fresh).exists()
    assert Assignment.objects.filter(pk=fresh.pk).exists()
