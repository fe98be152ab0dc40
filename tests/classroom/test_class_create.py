import pytest
from django.urls import reverse

from classroom.models import Classroom

URL = reverse("classroom:class-create")


def test_it_sends_visitors_to_log_in(client, db):
    response = client.post(URL, {"name": "Period 3"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not Classroom.objects.exists()


@pytest.mark.parametrize("who", ["student", "admin"])
def test_it_refuses_people_who_are_not_teachers(client, who, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"name": "Period 3"}).status_code == 403
    assert not Classroom.objects.exists()


def test_it_shows_the_form(client, teacher):
    client.force_login(teacher)

    response = client.get(URL)

    assert response.status_code == 200
    assert b"Create a class" in response.content
    assert b'name="name"' in response.content
    assert b'name="teacher"' not in response.content


def test_it_creates_a_class_owned_by_the_teacher(client, teacher, other_teacher):
    client.force_login(teacher)

    response = client.post(URL, {"name": "Period 3 Geography", "teacher": other_teacher.pk})

    classroom = Classroom.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("classroom:class-detail", args=[classroom.pk])
    assert classroom.name == "Period 3 Geography"
    assert classroom.teacher == teacher
    assert not classroom.archived
    assert len(classroom.join_code) == 8


def test_it_tells_the_teacher_the_join_code(client, teacher):
    client.force_login(teacher)

    response = client.post(URL, {"name": "Period 3 Geography"}, follow=True)

    classroom = Classroom.objects.get()
    assert (
        f"Created Period 3 Geography. Students join with the code {classroom.display_join_code}."
        in response.content.decode()
    )


def test_it_asks_again_for_a_missing_name(client, teacher):
    client.force_login(teacher)

    response = client.post(URL, {"name": "   "})

    assert response.status_code == 200
    assert b"This field is required." in response.content
    assert not Classroom.objects.exists()
