from django.urls import reverse

from classroom.models import Enrollment
from tests import factories

URL = reverse("classroom:class-join")


def test_it_shows_the_code_form(client, other_student):
    client.force_login(other_student)
    response = client.get(URL)
    assert response.status_code == 200
    assert b"<h1" in response.content and b"Join a class" in response.content
    assert b'name="join_code"' in response.content
    assert b'for="id_join_code"' in response.content


def test_it_prefills_the_code_from_a_shared_link(client, other_student, classroom):
    client.force_login(other_student)
    response = client.get(URL, {"code": classroom.display_join_code})
    assert f'value="{classroom.display_join_code}"'.encode() in response.content


def test_it_joins_a_class_with_a_typed_code(client, other_student, classroom):
    client.force_login(other_student)
    response = client.post(URL, {"join_code": classroom.display_join_code.lower()}, follow=True)
    assert response.redirect_chain == [(reverse("classroom:student-dashboard"), 302)]
    assert Enrollment.objects.filter(classroom=classroom, student=other_student).exists()
    assert b"You joined Period 1 World History" in response.content
    assert b"Period 1 World History" in response.content


def test_it_keeps_a_wrong_code_and_says_what_to_do(client, other_student, classroom):
    client.force_login(other_student)
    response = client.post(URL, {"join_code": "ZZZZ-ZZZ9"})
    assert response.status_code == 200
    assert b"No class has that code" in response.content
    assert b'value="ZZZZ-ZZZ9"' in response.content
    assert b"is-invalid" in response.content
    assert not Enrollment.objects.filter(student=other_student).exists()


def test_it_says_so_when_already_in_the_class(client, student, classroom):
    client.force_login(student)
    response = client.post(URL, {"join_code": classroom.join_code})
    assert response.status_code == 200
    assert b"You are already in Period 1 World History" in response.content
    assert Enrollment.objects.filter(classroom=classroom, student=student).count() == 1


def test_it_refuses_an_archived_class(client, other_student, classroom):
    classroom.archived = True
    classroom.save()
    client.force_login(other_student)
    response = client.post(URL, {"join_code": classroom.join_code})
    assert response.status_code == 200
    assert b"No class has that code" in response.content
    assert not Enrollment.objects.filter(classroom=classroom, student=other_student).exists()


def test_it_asks_for_a_code_when_the_box_is_empty(client, other_student):
    client.force_login(other_student)
    response = client.post(URL, {"join_code": ""})
    assert response.status_code == 200
    assert b"This field is required" in response.content


def test_teachers_may_not_join(client, other_teacher, classroom):
    client.force_login(other_teacher)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"join_code": classroom.join_code}).status_code == 403
    assert not Enrollment.objects.filter(student=other_teacher).exists()


def test_visitors_are_sent_to_log_in(client, classroom):
    response = client.post(URL, {"join_code": classroom.join_code})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert Enrollment.objects.count() == 1  # only the cast's student


def test_a_second_class_adds_to_the_first(client, student, classroom):
    second = factories.ClassroomFactory(name="Period 7 Geography")
    client.force_login(student)
    client.post(URL, {"join_code": second.join_code})
    assert set(Enrollment.objects.filter(student=student).values_list("classroom", flat=True)) == {
        classroom.pk,
        second.pk,
    }
