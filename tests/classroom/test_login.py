import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import PASSWORD

URL = reverse("accounts:login")


def test_it_shows_the_login_form(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b"Create an account" in response.content


def test_it_logs_a_teacher_in_and_sends_them_to_their_dashboard(client, teacher):
    response = client.post(URL, {"username": "teacher", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("classroom:teacher-dashboard")


def test_it_logs_a_student_in_and_sends_them_to_their_work(client, student):
    response = client.post(URL, {"username": "student", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("classroom:student-dashboard")


def test_it_rotates_the_session_key_at_login(client, student):
    client.get(URL)
    client.cookies["sessionid"] = "attacker-chosen-session-id"
    client.post(URL, {"username": "student", "password": PASSWORD})
    assert client.session.session_key != "attacker-chosen-session-id"


def test_it_keeps_the_username_after_a_wrong_password(client, student):
    response = client.post(URL, {"username": "student", "password": "wrong"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert b'value="student"' in response.content


def test_it_refuses_a_deactivated_user(client, student):
    student.is_active = False
    student.save()
    response = client.post(URL, {"username": "student", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_pages_need_a_login(client, db):
    response = client.get(reverse("classroom:student-dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(URL)


def test_it_names_the_app_not_the_host_in_the_title_and_navigation(client, db, settings):
    settings.SITE_NAME = "Lincoln High Lessons"
    response = client.get(URL, HTTP_HOST="127.0.0.1:8000")
    assert b"<title>Log in \xc2\xb7 Lincoln High Lessons</title>" in response.content
    assert b'class="navbar-brand fw-semibold" href="/">Lincoln High Lessons</a>' in response.content
    assert b"127.0.0.1:8000</a>" not in response.content


@pytest.mark.parametrize("length", [151, 300])
def test_a_username_longer_than_any_account_gets_a_message_not_an_error(client, db, length):
    typed = "0" * length

    response = client.post(reverse("accounts:login"), {"username": typed, "password": "secret"})

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Usernames are at most 150 characters long; this one has {length}." in page
    assert f'value="{typed}"' in page  # what was typed stays in the box
    assert not AccessAttempt.objects.exists()  # never looked up, so nothing to record
