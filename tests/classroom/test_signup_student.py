import re

from django.urls import reverse

from classroom.models import Enrollment, User

URL = reverse("accounts:signup-student")


def form_data(code, **overrides):
    data = {
        "join_code": code,
        "first_name": "Kai",
        "last_name": "Kim",
        "username": "kaikim",
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
    }
    return data | overrides


def test_it_asks_for_no_email_or_birth_date(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert b'name="email"' not in response.content
    assert b"birth" not in response.content.lower()
    assert b'name="join_code"' in response.content


def test_it_prefills_the_code_from_a_shared_link(client, classroom):
    response = client.get(URL, {"code": classroom.display_join_code})
    assert classroom.display_join_code.encode() in response.content


def test_it_creates_a_student_in_the_class(client, classroom):
    response = client.post(URL, form_data(classroom.display_join_code.lower()))
    assert response.status_code == 302
    assert response.url == reverse("classroom:student-dashboard")
    user = User.objects.get(username="kaikim")
    assert user.role == User.Role.STUDENT
    assert Enrollment.objects.filter(classroom=classroom, student=user).exists()
    assert int(client.session["_auth_user_id"]) == user.pk


def test_it_accepts_look_alike_characters_in_the_code(client, classroom):
    classroom.join_code = "10ABCDEF"
    classroom.save()
    client.post(URL, form_data("lo-abcdef"))
    assert Enrollment.objects.filter(classroom=classroom, student__username="kaikim").exists()


def test_it_refuses_a_wrong_code_and_keeps_the_form(client, classroom):
    response = client.post(URL, form_data("ZZZZ-ZZZZ"))
    assert response.status_code == 200
    assert b"No class has that code" in response.content
    assert b'value="Kai"' in response.content
    assert b'value="ZZZZ-ZZZZ"' in response.content
    assert not User.objects.filter(username="kaikim").exists()


def test_it_refuses_an_archived_class_code(client, classroom):
    classroom.archived = True
    classroom.save()
    response = client.post(URL, form_data(classroom.join_code))
    assert response.status_code == 200
    assert not User.objects.filter(username="kaikim").exists()


def test_it_cannot_create_a_teacher_by_extra_fields(client, classroom):
    client.post(URL, form_data(classroom.join_code, role="teacher", is_staff="on"))
    user = User.objects.get(username="kaikim")
    assert user.role == User.Role.STUDENT
    assert not user.is_staff


def test_the_page_opens_on_the_first_field_the_join_code(client, db):
    page = client.get(URL).content.decode()
    assert page.count("autofocus") == 1
    assert re.search(r'<input[^>]*name="join_code"[^>]*autofocus', page)
