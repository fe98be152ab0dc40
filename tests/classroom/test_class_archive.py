import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from classroom import services
from tests import factories


def url(classroom):
    return reverse("classroom:class-archive", args=[classroom.pk])


def test_it_sends_visitors_to_log_in(client, classroom):
    response = client.post(url(classroom))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    classroom.refresh_from_db()
    assert not classroom.archived


def test_it_refuses_students(client, classroom, student):
    client.force_login(student)

    assert client.post(url(classroom)).status_code == 403
    classroom.refresh_from_db()
    assert not classroom.archived


def test_it_hides_other_teachers_classes(client, classroom, other_teacher):
    client.force_login(other_teacher)

    assert client.post(url(classroom)).status_code == 404
    classroom.refresh_from_db()
    assert not classroom.archived


def test_it_changes_nothing_on_get(client, teacher, classroom):
    client.force_login(teacher)

    assert client.get(url(classroom)).status_code == 405
    classroom.refresh_from_db()
    assert not classroom.archived


def test_it_archives_the_class(client, teacher, classroom):
    client.force_login(teacher)

    response = client.post(url(classroom), {"archived": "1"}, follow=True)

    assert response.redirect_chain == [
        (reverse("classroom:class-detail", args=[classroom.pk]), 302)
    ]
    classroom.refresh_from_db()
    assert classroom.archived
    assert b"Archived Period 1 World History." in response.content
    assert b"Restore class" in response.content


def test_a_second_click_does_not_undo_it(client, teacher, classroom):
    client.force_login(teacher)

    client.post(url(classroom), {"archived": "1"})
    client.post(url(classroom), {"archived": "1"})

    classroom.refresh_from_db()
    assert classroom.archived


def test_it_restores_the_class(client, teacher, classroom):
    classroom.archived = True
    classroom.save()
    client.force_login(teacher)

    response = client.post(url(classroom), {"archived": "0"}, follow=True)

    classroom.refresh_from_db()
    assert not classroom.archived
    assert b"Restored Period 1 World History." in response.content


def test_without_a_wanted_state_it_toggles(client, teacher, classroom):
    client.force_login(teacher)

    client.post(url(classroom))
    classroom.refresh_from_db()
    assert classroom.archived

    client.post(url(classroom))
    classroom.refresh_from_db()
    assert not classroom.archived


def test_an_archived_class_takes_no_new_students_or_work(client, teacher, classroom, lesson):
    client.force_login(teacher)
    client.post(url(classroom), {"archived": "1"})

    with pytest.raises(ValidationError):
        services.enrollment_join(student=factories.StudentFactory(), code=classroom.join_code)
    response = client.get(reverse("classroom:assignment-create", args=[classroom.pk]), follow=True)
    assert b"This class is archived. Restore it before assigning work." in response.content
    assert not classroom.assignments.exists()
