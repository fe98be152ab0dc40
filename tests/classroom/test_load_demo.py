from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from classroom.models import Assignment, Classroom, Enrollment, Response, Submission, User
from lessons.models import Lesson


def logs_in(username, password):
    # Through the login form: django-axes checks every login against the request it came in.
    client = Client()
    client.post(reverse("accounts:login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    return load_demo()


def test_it_refuses_to_run_without_debug_and_creates_nothing(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        load_demo()
    assert not User.objects.exists()
    assert not Lesson.objects.exists()
    assert not Classroom.objects.exists()


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("admin", "admin-demo-pass"),
        ("teacher", "teacher-demo-pass"),
        *[(f"student{n}", "student-demo-pass") for n in range(1, 6)],
    ],
)
def test_every_demo_login_works(demo, username, password):
    assert logs_in(username, password)


def test_it_gives_the_accounts_their_roles_and_names(demo):
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    teacher = User.objects.get(username="teacher")
    assert teacher.is_teacher and not teacher.is_staff
    assert teacher.first_name and teacher.last_name
    students = User.objects.filter(username__startswith="student")
    assert students.count() == 5
    for student in students:
        assert student.is_student and student.first_name and student.last_name


def test_it_makes_a_class_with_all_five_students(demo):
    classroom = Classroom.objects.get()
    assert classroom.teacher.username == "teacher"
    assert classroom.name == "Period 2 · World History"
    assert Enrollment.objects.filter(classroom=classroom).count() == 5


def test_the_assignment_freezes_the_lessons_prompts(demo):
    assignment = Assignment.objects.get()
    lesson = Lesson.objects.get(slug="north-korea-only-ally")
    assert assignment.lesson == lesson
    assert [(p.text, p.teacher_notes, p.points) for p in assignment.prompts.all()] == [
        (p.text, p.teacher_notes, p.points) for p in lesson.prompts.all()
    ]
    assert assignment.content["readings"][0]["published_on"] == "2023-11-25"
    assert assignment.is_open()
    assert not assignment.is_past_due()
    assert assignment.due_at.second == 0 and assignment.due_at.microsecond == 0


def test_it_puts_students_at_different_stages(demo):
    states = {s.student.username: s for s in Submission.objects.select_related("student").all()}
    assert states["student1"].state == Submission.State.TURNED_IN
    assert states["student1"].receipt
    assert states["student2"].state == Submission.State.DRAFT
    assert Response.objects.filter(submission=states["student2"]).exclude(text="").count() == 2
    returned = states["student3"]
    assert returned.state == Submission.State.RETURNED
    assert returned.returned_comment
    assert returned.returned_score is not None
    assert Response.objects.filter(submission=returned).exclude(returned_comment="").exists()
    assert "student4" not in states and "student5" not in states


def test_it_prints_the_address_logins_and_join_code(demo):
    classroom = Classroom.objects.get()
    assert "http://127.0.0.1:8000" in demo
    for text in ["admin-demo-pass", "teacher-demo-pass", "student-demo-pass", "student5"]:
        assert text in demo
    assert classroom.display_join_code in demo


def test_a_rerun_creates_no_duplicates_and_keeps_students_work(demo, settings):
    submission = Submission.objects.get(student__username="student2")
    submission.responses.update(text="Edited since the demo was loaded.")
    code = Classroom.objects.get().join_code
    load_demo()
    assert User.objects.count() == 7
    assert Lesson.objects.count() == 1
    assert Classroom.objects.count() == 1
    assert Classroom.objects.get().join_code == code
    assert Enrollment.objects.count() == 5
    assert Assignment.objects.count() == 1
    assert Submission.objects.count() == 3
    assert set(submission.responses.values_list("text", flat=True)) == {
        "Edited since the demo was loaded."
    }


def test_a_rerun_resets_a_changed_demo_password(demo):
    teacher = User.objects.get(username="teacher")
    teacher.set_password("something-else")
    teacher.save()
    load_demo()
    assert logs_in("teacher", "teacher-demo-pass")


def test_a_rerun_keeps_an_admins_edits_to_the_lesson(demo):
    lesson = Lesson.objects.get()
    lesson.title = "Edited in the admin"
    lesson.save()
    load_demo()
    lesson.refresh_from_db()
    assert lesson.title == "Edited in the admin"
