"""No form sets what the server owns: extra fields posted alongside a real form are ignored.

Every form a student or a teacher can post is sent with its genuine fields plus a set of
server-owned ones (state, score, feedback, timestamps, owner, role, staff flags…), and the
database must hold only what the form itself may change.
"""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from classroom.models import Assignment, Classroom, Enrollment, Response, Submission, User
from tests import factories

STRONG_PASSWORD = "Lantern-Quarry-4829!"


def server_owned(world_pks: dict) -> dict:
    """Fields no student or teacher form may set, with tempting values."""
    return {
        "state": "returned",
        "score": "100",
        "returned_score": "100",
        "returned_comment": "Perfect!",
        "returned_at": "2020-01-01T00:00",
        "returned_points": "4",
        "points": "4",
        "comment": "Self-graded",
        "late": "0",
        "turned_in_at": "2020-01-01T00:00",
        "turn_in_count": "9",
        "receipt": "HACK-HACK",
        "revision": "999",
        "saved_at": "2020-01-01T00:00",
        "role": "teacher",
        "is_staff": "on",
        "is_superuser": "on",
        "is_active": "on",
        "groups": "1",
        "user_permissions": "1",
        "date_joined": "2000-01-01T00:00",
        "teacher": world_pks["other_teacher"],
        "teacher_id": world_pks["other_teacher"],
        "student": world_pks["other_student"],
        "student_id": world_pks["other_student"],
        "assignment": world_pks["other_assignment"],
        "assignment_id": world_pks["other_assignment"],
        "classroom": world_pks["other_classroom"],
        "classroom_id": world_pks["other_classroom"],
        "submission": world_pks["other_submission"],
        "join_code": "AAAA1111",
        "archived": "1",
        "title": "Hijacked title",
        "content": json.dumps({"readings": [], "glossary": []}),
        "created_at": "2000-01-01T00:00",
    }


@pytest.fixture(autouse=True)
def _clear_rate_limits(db):
    cache.clear()


@pytest.fixture
def extras(other_teacher, other_student, other_classroom, other_assignment):
    other_submission = factories.submit_work(other_assignment, other_student)
    return server_owned(
        {
            "other_teacher": other_teacher.pk,
            "other_student": other_student.pk,
            "other_classroom": other_classroom.pk,
            "other_assignment": other_assignment.pk,
            "other_submission": other_submission.pk,
        }
    )


@pytest.fixture
def draft_assignment(classroom, lesson):
    """Work the student has not started, due in a week."""
    return factories.make_assignment(classroom, lesson)


def assert_plain_student(user):
    user.refresh_from_db()
    assert user.role == User.Role.STUDENT
    assert not user.is_staff
    assert not user.is_superuser
    assert not user.groups.exists()
    assert not user.user_permissions.exists()


def assert_untouched_draft(submission, student):
    """A draft saved by the student: nothing but the answers has moved."""
    submission.refresh_from_db()
    assert submission.student == student
    assert submission.state == Submission.State.DRAFT
    assert submission.turned_in_at is None
    assert submission.turn_in_count == 0
    assert not submission.late
    assert submission.receipt == ""
    assert submission.comment == submission.returned_comment == ""
    assert submission.returned_at is None
    assert submission.returned_score is None
    for response in submission.responses.all():
        assert response.revision == 1
        assert response.comment == response.returned_comment == ""
        assert response.points is None
        assert response.returned_points is None


def assert_other_class_untouched(other_assignment, other_student):
    submission = Submission.objects.get(assignment=other_assignment, student=other_student)
    assert submission.state == Submission.State.TURNED_IN
    assert sorted(submission.responses.values_list("text", flat=True)) == [
        f"Answer to prompt {n}." for n in (1, 2, 3)
    ]
    assert (submission.comment, submission.returned_score) == ("", None)


# --- Student forms ----------------------------------------------------------------------------


def test_student_signup_cannot_choose_a_role_staff_flags_or_a_class(
    client, classroom, other_classroom, extras
):
    response = client.post(
        reverse("accounts:signup-student"),
        {
            **extras,
            "join_code": classroom.display_join_code,
            "first_name": "Nia",
            "last_name": "New",
            "username": "nia",
            "password1": STRONG_PASSWORD,
            "password2": STRONG_PASSWORD,
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="nia")
    assert_plain_student(user)
    assert user.is_active
    assert user.date_joined > timezone.now() - datetime.timedelta(minutes=5)
    assert list(user.enrollments.values_list("classroom", flat=True)) == [classroom.pk]


def test_teacher_signup_cannot_make_a_superuser(client, extras):
    response = client.post(
        reverse("accounts:signup-teacher"),
        {
            **extras,
            "role": "student",
            "first_name": "Tia",
            "last_name": "Taught",
            "username": "tia",
            "email": "tia@example.com",
            "password1": STRONG_PASSWORD,
            "password2": STRONG_PASSWORD,
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="tia")
    assert user.role == User.Role.TEACHER
    assert not user.is_staff
    assert not user.is_superuser
    assert not user.classrooms.exists()


def test_joining_a_class_enrols_only_the_student_in_the_class_of_the_code(
    client, classroom, student, other_student, other_classroom, extras
):
    newcomer = factories.StudentFactory(username="newcomer")
    client.force_login(newcomer)
    before = set(Enrollment.objects.values_list("classroom", "student"))

    response = client.post(
        reverse("classroom:class-join"),
        {**extras, "join_code": classroom.join_code, "student": student.pk},
    )

    assert response.status_code == 302
    after = set(Enrollment.objects.values_list("classroom", "student"))
    assert after - before == {(classroom.pk, newcomer.pk)}
    assert before - after == set()
    assert_plain_student(newcomer)


def test_saving_a_draft_sets_only_the_answers(
    client, student, draft_assignment, other_assignment, other_student, extras
):
    prompt = draft_assignment.prompts.first()
    client.force_login(student)

    response = client.post(
        reverse("classroom:workspace", args=[draft_assignment.pk]),
        {
            **extras,
            f"answer-{prompt.pk}": "Mine, saved without JavaScript.",
            f"revision-{prompt.pk}": "0",
            f"points_{prompt.pk}": "4",
            f"comment_{prompt.pk}": "Self-graded",
            f"points-{prompt.pk}": "4",
            f"comment-{prompt.pk}": "Self-graded",
        },
    )

    assert response.status_code == 302
    submission = Submission.objects.get(assignment=draft_assignment, student=student)
    assert_untouched_draft(submission, student)
    assert submission.responses.get().text == "Mine, saved without JavaScript."
    assert_plain_student(student)
    assert_other_class_untouched(other_assignment, other_student)


@pytest.mark.parametrize("encoding", ["json", "form"])
def test_autosave_sets_only_the_answer(
    client, student, draft_assignment, other_assignment, other_student, extras, encoding
):
    prompt = draft_assignment.prompts.first()
    body = {**extras, "prompt": prompt.pk, "text": "Mine, autosaved.", "revision": 999}
    client.force_login(student)
    url = reverse("classroom:autosave", args=[draft_assignment.pk])

    if encoding == "json":
        body.update(points=4, late=False, state="returned", returned_score=100, is_staff=True)
        response = client.post(url, json.dumps(body), content_type="application/json")
    else:  # navigator.sendBeacon's form-encoded body
        response = client.post(url, body)

    assert response.status_code == 200
    assert response.json()["revision"] == 1
    submission = Submission.objects.get(assignment=draft_assignment, student=student)
    assert_untouched_draft(submission, student)
    assert submission.responses.get().text == "Mine, autosaved."
    assert_plain_student(student)
    assert_other_class_untouched(other_assignment, other_student)


def test_turning_in_late_work_cannot_clear_its_late_flag_or_forge_a_receipt(
    client, student, classroom, lesson, other_assignment, other_student, extras
):
    now = timezone.now()
    overdue = factories.make_assignment(
        classroom,
        lesson,
        opens_at=now - datetime.timedelta(days=3),
        due_at=now - datetime.timedelta(days=1),
    )
    prompt = overdue.prompts.first()
    client.force_login(student)

    response = client.post(
        reverse("classroom:turn-in", args=[overdue.pk]),
        {**extras, f"answer-{prompt.pk}": "Mine, late.", f"revision-{prompt.pk}": "0"},
    )

    assert response.status_code == 302
    submission = Submission.objects.get(assignment=overdue, student=student)
    assert submission.state == Submission.State.TURNED_IN
    assert submission.late
    assert submission.turned_in_at > now
    assert submission.turn_in_count == 1
    assert submission.receipt not in ("", "HACK-HACK")
    assert submission.returned_at is None
    assert submission.returned_score is None
    assert submission.comment == submission.returned_comment == ""
    response_row = submission.responses.get()
    assert (response_row.text, response_row.revision) == ("Mine, late.", 1)
    assert (response_row.points, response_row.comment) == (None, "")
    assert_plain_student(student)
    assert_other_class_untouched(other_assignment, other_student)


def test_unsubmitting_goes_back_to_draft_whatever_state_is_posted(
    client, student, assignment, extras
):
    submission = factories.submit_work(assignment, student)
    client.force_login(student)

    response = client.post(reverse("classroom:unsubmit", args=[assignment.pk]), extras)

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.state == Submission.State.DRAFT
    assert submission.returned_at is None
    assert submission.returned_score is None
    assert submission.comment == ""


def test_password_change_cannot_promote_the_user(client, student, extras):
    client.force_login(student)

    response = client.post(
        reverse("accounts:password-change"),
        {
            **extras,
            "old_password": factories.PASSWORD,
            "new_password1": STRONG_PASSWORD,
            "new_password2": STRONG_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert_plain_student(student)
    assert student.check_password(STRONG_PASSWORD)


# --- Teacher forms ----------------------------------------------------------------------------


def test_a_new_class_belongs_to_its_creator_with_a_fresh_code(
    client, teacher, other_teacher, extras
):
    client.force_login(teacher)

    response = client.post(reverse("classroom:class-create"), {**extras, "name": "Period 3"})

    assert response.status_code == 302
    created = Classroom.objects.get(name="Period 3")
    assert created.teacher == teacher
    assert created.join_code != "AAAA1111"
    assert not created.archived
    assert created.created_at > timezone.now() - datetime.timedelta(minutes=5)
    assert not other_teacher.classrooms.filter(name="Period 3").exists()


def test_editing_a_class_changes_only_its_name(client, teacher, classroom, extras):
    code = classroom.join_code
    client.force_login(teacher)

    response = client.post(
        reverse("classroom:class-edit", args=[classroom.pk]), {**extras, "name": "Renamed"}
    )

    assert response.status_code == 302
    classroom.refresh_from_db()
    assert classroom.name == "Renamed"
    assert classroom.teacher == teacher
    assert classroom.join_code == code
    assert not classroom.archived


def test_a_new_assignment_goes_to_the_url_class_with_the_lessons_own_content(
    client, teacher, classroom, other_classroom, lesson, extras
):
    client.force_login(teacher)
    others_before = other_classroom.assignments.count()

    response = client.post(
        reverse("classroom:assignment-create", args=[classroom.pk]),
        {
            **extras,
            "lesson": lesson.slug,
            "instructions": "Read closely.",
            "opens_at": "2030-01-01T08:00",
            "due_at": "2030-01-08T08:00",
            "late_policy": "accept",
        },
    )

    assert response.status_code == 302
    created = Assignment.objects.get(instructions="Read closely.")
    assert created.classroom == classroom
    assert created.lesson == lesson
    assert created.title == lesson.title
    assert created.content == lesson.snapshot()
    assert [p.text for p in created.prompts.all()] == [p.text for p in lesson.prompts.all()]
    assert other_classroom.assignments.count() == others_before


def test_editing_an_assignment_cannot_move_it_or_change_what_was_assigned(
    client, teacher, assignment, extras
):
    other_lesson = factories.full_lesson(title="Another lesson", slug="another")
    before = Assignment.objects.get(pk=assignment.pk)
    client.force_login(teacher)

    response = client.post(
        reverse("classroom:assignment-edit", args=[assignment.pk]),
        {
            **extras,
            "lesson": other_lesson.pk,
            "lesson_id": other_lesson.pk,
            "instructions": "New instructions.",
            "opens_at": "2030-01-01T08:00",
            "due_at": "2030-01-08T08:00",
            "late_policy": "close",
        },
    )

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.instructions == "New instructions."
    assert assignment.late_policy == Assignment.LatePolicy.CLOSE
    assert (assignment.classroom_id, assignment.lesson_id) == (
        before.classroom_id,
        before.lesson_id,
    )
    assert assignment.title == before.title
    assert assignment.content == before.content
    assert assignment.created_at == before.created_at


def test_feedback_sets_only_comments_and_points(client, teacher, student, assignment, extras):
    submission = factories.submit_work(assignment, student)
    first = submission.responses.order_by("prompt__position").first()
    client.force_login(teacher)

    response = client.post(
        reverse("classroom:submission-review", args=[assignment.pk, student.pk]),
        {
            **extras,
            "comment": "Good start.",
            f"comment_{first.pk}": "Cite the text.",
            f"points_{first.pk}": "2",
            f"text_{first.pk}": "Rewritten by the teacher",
            f"answer-{first.pk}": "Rewritten by the teacher",
            f"returned_points_{first.pk}": "4",
            f"returned_comment_{first.pk}": "Published early",
            "action": "save",
        },
    )

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.state == Submission.State.TURNED_IN
    assert submission.comment == "Good start."
    assert submission.returned_comment == ""
    assert submission.returned_at is None
    assert submission.returned_score is None
    assert submission.receipt == ""
    assert not submission.late
    assert submission.student == student
    first.refresh_from_db()
    assert first.text == "Answer to prompt 1."
    assert (first.comment, first.points) == ("Cite the text.", Decimal(2))
    assert (first.returned_comment, first.returned_points) == ("", None)
    assert first.revision == 1


def test_review_by_prompt_sets_only_comments_and_points(
    client, teacher, student, assignment, extras
):
    submission = factories.submit_work(assignment, student)
    first = submission.responses.order_by("prompt__position").first()
    client.force_login(teacher)

    response = client.post(
        reverse("classroom:prompt-review", args=[assignment.pk, first.prompt_id]),
        {
            **extras,
            f"comment_{first.pk}": "Cite the text.",
            f"points_{first.pk}": "3",
            f"text_{first.pk}": "Rewritten by the teacher",
        },
    )

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.state == Submission.State.TURNED_IN
    assert (submission.comment, submission.returned_comment) == ("", "")
    assert submission.returned_score is None
    first.refresh_from_db()
    assert first.text == "Answer to prompt 1."
    assert (first.comment, first.points) == ("Cite the text.", Decimal(3))
    assert (first.returned_comment, first.returned_points) == ("", None)
    assert Response.objects.filter(returned_points__isnull=False).count() == 0
