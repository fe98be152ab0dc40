"""Sessions: a new key at login, none left after logout, deactivation and a password change end
the other sessions."""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from classroom.sessions import end_user_sessions
from tests.factories import PASSWORD

LOGIN = reverse("accounts:login")
DASHBOARD = reverse("classroom:student-dashboard")


def log_in(client, username, password=PASSWORD):
    response = client.post(LOGIN, {"username": username, "password": password})
    assert response.status_code == 302
    return client.session.session_key


def signed_in(client):
    """Whether the client's next request is from a signed-in person."""
    return client.get(DASHBOARD).status_code == 200


def test_logging_in_starts_a_new_session(client, student):
    client.get(LOGIN)
    session = client.session
    session["before_login"] = "visitor"
    session.save()
    visitor_key = session.session_key

    new_key = log_in(client, "student")

    assert new_key != visitor_key
    assert not Session.objects.filter(session_key=visitor_key).exists()
    assert client.session["before_login"] == "visitor"  # the data moves, the key does not


def test_logging_out_ends_the_session(client, student):
    key = log_in(client, "student")
    stolen_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert not signed_in(client)
    # Replaying the old cookie does not sign anyone in.
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = stolen_cookie
    assert not signed_in(replay)


def test_a_deactivated_user_is_signed_out_on_their_next_request(client, student):
    log_in(client, "student")
    assert signed_in(client)

    student.is_active = False
    student.save()

    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_end_user_sessions_ends_every_session_of_that_user_only(student, other_student):
    laptop, phone, classmate = Client(), Client(), Client()
    log_in(laptop, "student")
    log_in(phone, "student")
    log_in(classmate, "otherstudent")

    assert end_user_sessions(student) == 2

    assert not signed_in(laptop)
    assert not signed_in(phone)
    assert signed_in(classmate)
    assert Session.objects.count() == 1


def test_a_password_change_keeps_this_session_and_ends_the_others(student):
    laptop, phone = Client(), Client()
    log_in(laptop, "student")
    log_in(phone, "student")

    response = laptop.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-passphrase",
            "new_password2": "another-long-passphrase",
        },
    )

    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("another-long-passphrase")
    assert signed_in(laptop)
    assert not signed_in(phone)


def test_an_admin_deactivating_a_student_ends_their_sessions(client, admin, student):
    phone = Client()
    key = log_in(phone, "student")
    client.force_login(admin)
    change = reverse("admin:classroom_user_change", args=[student.pk])
    form = client.get(change).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "username": student.username,
            "role": student.role,
            "date_joined_0": student.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": student.date_joined.strftime("%H:%M:%S"),
            "groups": [],
            "user_permissions": [],
            "enrollments-TOTAL_FORMS": "0",
            "enrollments-INITIAL_FORMS": "0",
        }
    )
    data.pop("is_active", None)  # unchecked box: deactivate
    data = {k: v for k, v in data.items() if not isinstance(v, bool) or v}
    response = client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    student.refresh_from_db()
    assert not student.is_active
    assert not Session.objects.filter(session_key=key).exists()
