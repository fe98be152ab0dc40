import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories


def url(classroom):
    return reverse("classroom:class-detail", args=[classroom.pk])


def test_it_sends_visitors_to_log_in(client, classroom):
    response = client.get(url(classroom))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_refuses_students(client, classroom, student):
    client.force_login(student)

    assert client.get(url(classroom)).status_code == 403


def test_it_hides_other_teachers_classes(client, classroom, other_teacher):
    client.force_login(other_teacher)

    assert client.get(url(classroom)).status_code == 404


def test_it_shows_the_roster(client, teacher, classroom, student):
    client.force_login(teacher)

    response = client.get(url(classroom))

    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Period 1 World History</h1>" in content
    assert "Student, Sam" in content
    assert ">student<" in content
    assert (
        timezone.localtime(classroom.enrollments.get().joined_at).strftime("%-d %b %Y") in content
    )
    assert "Remove from class" in content
    assert reverse("classroom:class-remove-student", args=[classroom.pk, student.pk]) in content


def test_it_shows_the_join_code_and_a_sign_up_link_to_share(client, teacher, classroom):
    client.force_login(teacher)

    content = client.get(url(classroom)).content.decode()

    assert f'<p class="join-code mb-2">{classroom.display_join_code}</p>' in content
    signup = reverse("accounts:signup-student")
    assert f"http://testserver{signup}?code={classroom.display_join_code}" in content
    assert reverse("classroom:class-reset-code", args=[classroom.pk]) in content


def test_it_lists_assignments_with_progress(client, teacher, classroom, assignment, student):
    factories.enroll(classroom, factories.StudentFactory())
    factories.submit_work(assignment, student)
    client.force_login(teacher)

    content = client.get(url(classroom)).content.decode()

    assert assignment.title in content
    assert reverse("classroom:assignment-detail", args=[assignment.pk]) in content
    assert "1 of 2 turned in" in content
    assert "1 to review" in content
    assert f'datetime="{timezone.localtime(assignment.due_at):%Y-%m-%dT%H:%M:%S%z}"' in content
    assert "Assign a lesson" in content
    assert reverse("classroom:assignment-create", args=[classroom.pk]) in content


def test_it_says_what_to_do_in_a_new_class(client, teacher):
    classroom = factories.ClassroomFactory(teacher=teacher)
    client.force_login(teacher)

    content = client.get(url(classroom)).content.decode()

    assert "Share this code" in content
    assert "Assign a lesson from the library" in content
    assert "Remove from class" not in content


def test_it_offers_restore_and_no_new_work_for_an_archived_class(client, teacher, classroom):
    classroom.archived = True
    classroom.save()
    client.force_login(teacher)

    content = client.get(url(classroom)).content.decode()

    assert "This class is archived" in content
    assert "Restore class" in content
    assert "Archive class" not in content
    assert reverse("classroom:assignment-create", args=[classroom.pk]) not in content


@pytest.mark.parametrize("size", [5, 30])
def test_its_query_count_does_not_grow_with_the_class(
    client, teacher, lesson, django_assert_max_num_queries, size
):
    classroom = factories.ClassroomFactory(teacher=teacher)
    students = factories.StudentFactory.create_batch(size)
    factories.enroll(classroom, *students)
    for _ in range(size // 5):
        assignment = factories.make_assignment(classroom, lesson)
        factories.submit_work(assignment, students[0])
    client.force_login(teacher)

    # 6: one of them finds the students locked out of logging in, for the whole roster at once.
    with django_assert_max_num_queries(6):
        response = client.get(url(classroom))

    assert response.content.decode().count("Remove from class<") == size


def test_its_page_is_clean_markup(client, teacher, classroom, assignment):
    client.force_login(teacher)

    content = client.get(url(classroom)).content.decode()

    assert content.count("<h1") == 1
    assert "<script>" not in content
    assert " style=" not in content
    assert "Expects:" not in content
