from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from classroom.models import Response
from tests import factories


def url(assignment):
    return reverse("classroom:assignment-detail", args=[assignment.pk])


def test_it_sends_visitors_to_log_in(client, assignment):
    response = client.get(url(assignment))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_refuses_students(client, assignment, student):
    client.force_login(student)

    assert client.get(url(assignment)).status_code == 403


def test_it_hides_other_teachers_assignments(client, assignment, other_teacher):
    client.force_login(other_teacher)

    assert client.get(url(assignment)).status_code == 404


def test_it_shows_every_student_and_their_state(client, teacher, classroom, assignment, student):
    drafter, idle, returned = (
        factories.StudentFactory(first_name="Dana", last_name="Drafter"),
        factories.StudentFactory(first_name="Ivy", last_name="Idle"),
        factories.StudentFactory(first_name="Rae", last_name="Returned"),
    )
    factories.enroll(classroom, drafter, idle, returned)
    factories.submit_work(assignment, student, late=True)
    # Turned in once, then taken back: a draft again, with the old turn-in time still stored.
    factories.submit_work(
        assignment, drafter, {1: "Half done"}, state="draft", turned_in_at=timezone.now()
    )
    factories.submit_work(assignment, returned, state="returned", returned_at=timezone.now())
    client.force_login(teacher)

    response = client.get(url(assignment))

    content = response.content.decode()
    assert response.status_code == 200
    for name in ["Student, Sam", "Drafter, Dana", "Idle, Ivy", "Returned, Rae"]:
        assert name in content
    assert (
        '<span class="state state-turned-in">Turned in</span> <span class="state state-late">Late</span>'
        in content
    )
    assert '<span class="state state-draft">Draft</span>' in content
    drafter_row = content[content.index("Drafter, Dana") :]
    drafter_row = drafter_row[: drafter_row.index("</tr>")]
    assert "Not turned in" in drafter_row
    assert "<time" not in drafter_row
    assert '<span class="state state-not-started">Not started</span>' in content
    assert '<span class="state state-returned">Returned</span>' in content
    assert "2 of 4 turned in" in content
    assert "1 turned in and waiting for your review." in content
    assert reverse("classroom:submission-review", args=[assignment.pk, student.pk]) in content
    assert reverse("classroom:submission-return", args=[assignment.pk, student.pk]) in content
    assert reverse("classroom:submission-return", args=[assignment.pk, returned.pk]) not in content


def test_it_marks_each_prompt_answered_commented_or_scored(client, teacher, assignment, student):
    submission = factories.submit_work(assignment, student, {1: "An answer", 2: "Another", 3: ""})
    Response.objects.filter(submission=submission, prompt__position=2).update(
        points=Decimal("3.5"), comment="Good"
    )
    client.force_login(teacher)

    content = client.get(url(assignment)).content.decode()

    row = content[content.index("Student, Sam") :]
    row = row[: row.index("</tr>")]
    assert row.count('<span class="visually-hidden">Answered</span>') == 1
    assert '3.5<span class="text-body-secondary">/4</span>' in row
    assert '<span class="visually-hidden">, commented</span>' in row
    assert row.count('<span class="visually-hidden">No answer</span>') == 1
    assert '<td class="cell">3.5</td>' in row


def test_it_links_to_review_by_prompt_export_and_edit(client, teacher, assignment):
    client.force_login(teacher)

    content = client.get(url(assignment)).content.decode()

    for prompt in assignment.prompts.all():
        assert reverse("classroom:prompt-review", args=[assignment.pk, prompt.pk]) in content
    assert reverse("classroom:assignment-export", args=[assignment.pk]) in content
    assert reverse("classroom:assignment-edit", args=[assignment.pk]) in content
    assert f'datetime="{timezone.localtime(assignment.due_at):%Y-%m-%dT%H:%M:%S%z}"' in content


def test_it_says_what_to_do_when_the_class_is_empty(client, teacher, lesson):
    classroom = factories.ClassroomFactory(teacher=teacher)
    assignment = factories.make_assignment(classroom, lesson)
    client.force_login(teacher)

    content = client.get(url(assignment)).content.decode()

    assert "No students are in" in content
    assert classroom.display_join_code in content
    assert "<table" not in content


@pytest.mark.parametrize("size", [5, 30])
def test_its_query_count_does_not_grow_with_the_class(
    client, teacher, lesson, django_assert_max_num_queries, size
):
    classroom = factories.ClassroomFactory(teacher=teacher)
    students = factories.StudentFactory.create_batch(size)
    factories.enroll(classroom, *students)
    assignment = factories.make_assignment(classroom, lesson)
    for student in students[::2]:
        factories.submit_work(assignment, student)
    client.force_login(teacher)

    with django_assert_max_num_queries(7):
        response = client.get(url(assignment))

    assert response.content.decode().count('<th scope="row">') == size


def test_its_page_is_clean_markup(client, teacher, assignment, student):
    client.force_login(teacher)

    content = client.get(url(assignment)).content.decode()

    assert content.count("<h1") == 1
    assert "<script>" not in content
    assert " style=" not in content
    assert "Expects:" not in content
