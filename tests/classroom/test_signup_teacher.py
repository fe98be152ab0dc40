import re

from django.urls import reverse

from classroom.models import User

URL = reverse("accounts:signup-teacher")


def form_data(**overrides):
    data = {
        "first_name": "Nina",
        "last_name": "Novak",
        "username": "nnovak",
        "email": "nina@example.org",
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
    }
    return data | overrides


def test_it_shows_the_form(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert b"Create a teacher account" in response.content


def test_it_creates_a_teacher_and_logs_them_in(client, db):
    response = client.post(URL, form_data())
    assert response.status_code == 302
    assert response.url == reverse("classroom:teacher-dashboard")
    user = User.objects.get(username="nnovak")
    assert user.role == User.Role.TEACHER
    assert not user.is_staff
    assert int(client.session["_auth_user_id"]) == user.pk


def test_it_cannot_be_made_staff_or_student_by_extra_fields(client, db):
    client.post(URL, form_data(role="student", is_staff="on", is_superuser="on"))
    user = User.objects.get(username="nnovak")
    assert user.role == User.Role.TEACHER
    assert not user.is_staff and not user.is_superuser


def test_it_keeps_what_was_typed_when_passwords_differ(client, db):
    response = client.post(URL, form_data(password2="something-else-entirely"))
    assert response.status_code == 200
    assert not User.objects.filter(username="nnovak").exists()
    assert b"The two password fields" in response.content
    assert b'value="Nina"' in response.content
    assert b'value="nina@example.org"' in response.content


def test_it_refuses_a_taken_username(client, teacher):
    response = client.post(URL, form_data(username="teacher"))
    assert response.status_code == 200
    assert b"already exists" in response.content
    assert User.objects.filter(username="teacher").count() == 1


def test_it_sends_logged_in_people_home(client, teacher):
    client.force_login(teacher)
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_the_page_opens_on_the_first_field(client, db):
    page = client.get(URL).content.decode()
    assert page.count("autofocus") == 1
    assert re.search(r'<input[^>]*name="first_name"[^>]*autofocus', page)
