import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

URL = reverse("classroom:teacher-dashboard")


def test_it_sends_visitors_to_log_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ["student", "admin"])
def test_it_refuses_people_who_are_not_teachers(client, who, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(URL).status_code == 403


def test_it_welcomes_a_new_teacher_with_what_to_do_first(client, teacher):
    client.force_login(teacher)

    response = client.get(URL)

    assert response.status_code == 200
    assert b"Create your first class" in response.content
    assert reverse("classroom:class-create").encode() in response.content
    assert reverse("classroom:lesson-list").encode() in response.content


def test_it_lists_the_teachers_classes_with_size_and_join_code(
    client, teacher, classroom, other_classroom
):
    factories.enroll(classroom, factories.StudentFactory())
    client.force_login(teacher)

    response = client.get(URL)

    content = response.content.decode()
    assert "Period 1 World History" in content
    assert "2 students" in content
    assert classroom.display_join_code in content
    assert reverse("classroom:class-detail", args=[classroom.pk]) in content
    assert "Create your first class" not in content
    assert "Period 5 Civics" not in content
    assert other_classroom.display_join_code not in content


def test_it_shows_progress_and_what_needs_review(client, teacher, classroom, assignment, student):
    second, third = factories.StudentFactory.create_batch(2)
    factories.enroll(classroom, second, third)
    factories.submit_work(assignment, student)
    factories.submit_work(assignment, second, state="returned", returned_at=timezone.now())
    factories.submit_work(assignment, third, state="draft")
    client.force_login(teacher)

    response = client.get(URL)

    content = response.content.decode()
    assert "Needs review" in content
    assert "1 turned in, not returned" in content
    assert "2 of 3 turned in" in content
    assert 'aria-valuenow="2"' in content
    assert 'aria-valuemax="3"' in content
    assert "progress-w-65" in content  # 67% rounds to the 65% width step
    assert content.index("Needs review") < content.index("Current assignments")


def test_it_leaves_out_review_when_nothing_waits(client, teacher, assignment):
    client.force_login(teacher)

    response = client.get(URL)

    assert b"Needs review" not in response.content
    assert assignment.title.encode() in response.content


def test_it_drops_long_past_assignments_with_nothing_to_review(
    client, teacher, classroom, lesson, student
):
    now = timezone.now()
    old = factories.make_assignment(
        classroom,
        factories.full_lesson(title="Long ago lesson"),
        opens_at=now - datetime.timedelta(days=60),
        due_at=now - datetime.timedelta(days=30),
    )
    recent = factories.make_assignment(
        classroom,
        factories.full_lesson(title="Due yesterday lesson"),
        opens_at=now - datetime.timedelta(days=5),
        due_at=now - datetime.timedelta(days=1),
    )
    old_but_waiting = factories.make_assignment(
        classroom,
        factories.full_lesson(title="Old but waiting lesson"),
        opens_at=now - datetime.timedelta(days=60),
        due_at=now - datetime.timedelta(days=30),
    )
    factories.submit_work(old_but_waiting, student)
    client.force_login(teacher)

    content = client.get(URL).content.decode()

    assert old.title not in content
    assert recent.title in content
    assert "Past due" in content
    assert old_but_waiting.title in content


def test_it_folds_archived_classes_away_at_the_bottom(client, teacher, classroom, assignment):
    archived = factories.ClassroomFactory(teacher=teacher, name="Last year's class")
    factories.make_assignment(archived, factories.full_lesson(title="Archived class lesson"))
    archived.archived = True
    archived.save()
    client.force_login(teacher)

    content = client.get(URL).content.decode()

    assert "<details" in content
    assert "Archived classes (1)" in content
    assert content.index("Last year&#x27;s class") > content.index("<details")
    assert "Archived class lesson" not in content


@pytest.mark.parametrize("size", [5, 30])
def test_its_query_count_does_not_grow_with_classes_or_students(
    client, teacher, lesson, django_assert_max_num_queries, size
):
    for _ in range(size // 5):
        classroom = factories.ClassroomFactory(teacher=teacher)
        students = factories.StudentFactory.create_batch(size)
        factories.enroll(classroom, *students)
        assignment = factories.make_assignment(classroom, lesson)
        for student in students[::2]:
            factories.submit_work(assignment, student)
    factories.ClassroomFactory(teacher=teacher, archived=True)
    client.force_login(teacher)

    with django_assert_max_num_queries(4):
        response = client.get(URL)

    assert response.status_code == 200
    assert f"{len(students[::2])} of {size} turned in".encode() in response.content


def test_its_page_is_clean_markup(client, teacher, classroom, assignment):
    client.force_login(teacher)

    content = client.get(URL).content.decode()

    assert content.count("<h1") == 1
    assert "<script>" not in content
    assert " style=" not in content
    assert "Expects:" not in content
