import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from classroom import services
from tests import factories


def url(classroom):
    return reverse("classroom:class-reset-code", args=[classroom.pk])


def test_it_sends_visitors_to_log_in(client, classroom):
    code = classroom.join_code

    response = client.post(url(classroom))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    classroom.refresh_from_db()
    assert classroom.join_code == code


def test_it_refuses_students(client, classroom, student):
    code = classroom.join_code
    client.force_login(student)

    assert client.post(url(classroom)).status_code == 403
    classroom.refresh_from_db()
    assert classroom.join_code == code


def test_it_hides_other_teachers_classes(client, classroom, other_teacher):
    code = classroom.join_code
    client.force_login(other_teacher)

    assert client.post(url(classroom)).status_code == 404
    classroom.refresh_from_db()
    assert classroom.join_code == code


def test_it_changes_nothing_on_get(client, teacher, classroom):
    code = classroom.join_code
    client.force_login(teacher)

    assert client.get(url(classroom)).status_code == 405
    classroom.refresh_from_db()
    assert classroom.join_code == code


def test_it_makes_a_new_code_and_says_what_it_is(client, teacher, classroom, student):
    old_display = classroom.display_join_code
    client.force_login(teacher)

    response = client.post(url(classroom), follow=True)

    assert response.redirect_chain == [
        (reverse("classroom:class-detail", args=[classroom.pk]), 302)
    ]
    classroom.refresh_from_db()
    assert classroom.display_join_code != old_display
    content = response.content.decode()
    assert f"The new join code is {classroom.display_join_code}." in content
    assert f"The old code {old_display} no longer works" in content
    assert classroom.enrollments.filter(student=student).exists()


def test_the_old_code_stops_working(client, teacher, classroom):
    old_code = classroom.join_code
    client.force_login(teacher)

    client.post(url(classroom))

    classroom.refresh_from_db()
    with pytest.raises(ValidationError):
        services.enrollment_join(student=factories.StudentFactory(), code=old_code)
    newcomer = factories.StudentFactory()
    services.enrollment_join(student=newcomer, code=classroom.join_code)
    assert classroom.enrollments.filter(student=newcomer).exists()
