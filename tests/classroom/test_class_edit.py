import pytest
from django.urls import reverse


def url(classroom):
    return reverse("classroom:class-edit", args=[classroom.pk])


def test_it_sends_visitors_to_log_in(client, classroom):
    response = client.post(url(classroom), {"name": "Renamed"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    classroom.refresh_from_db()
    assert classroom.name == "Period 1 World History"


def test_it_refuses_students(client, classroom, student):
    client.force_login(student)

    assert client.post(url(classroom), {"name": "Renamed"}).status_code == 403


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_hides_other_teachers_classes(client, classroom, other_teacher, method):
    client.force_login(other_teacher)

    response = getattr(client, method)(url(classroom), {"name": "Renamed"})

    assert response.status_code == 404
    classroom.refresh_from_db()
    assert classroom.name == "Period 1 World History"


def test_it_shows_the_current_name(client, teacher, classroom):
    client.force_login(teacher)

    response = client.get(url(classroom))

    assert response.status_code == 200
    assert b'value="Period 1 World History"' in response.content
    assert b"Rename the class" in response.content


def test_it_renames_the_class(client, teacher, classroom):
    client.force_login(teacher)

    response = client.post(url(classroom), {"name": "Period 1 Modern History"}, follow=True)

    assert response.redirect_chain == [
        (reverse("classroom:class-detail", args=[classroom.pk]), 302)
    ]
    classroom.refresh_from_db()
    assert classroom.name == "Period 1 Modern History"
    assert classroom.teacher == teacher
    assert b"Renamed the class to Period 1 Modern History." in response.content


def test_it_keeps_the_old_name_when_the_new_one_is_blank(client, teacher, classroom):
    client.force_login(teacher)

    response = client.post(url(classroom), {"name": ""})

    assert response.status_code == 200
    assert b"This field is required." in response.content
    classroom.refresh_from_db()
    assert classroom.name == "Period 1 World History"
