"""The authentication backend (classroom.backends.UserBackend): Django's ModelBackend, reading
the signed-in user with one SQL statement. Held here to what ModelBackend reads and does."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, authenticate
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.test import Client
from django.urls import reverse

from classroom import backends
from classroom.backends import UserBackend
from classroom.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("classroom:student-dashboard")


def test_it_reads_the_user_modelbackend_reads(student):
    student.refresh_from_db()

    ours, theirs = UserBackend().get_user(student.pk), ModelBackend().get_user(student.pk)

    assert type(ours) is User
    for field in User._meta.concrete_fields:
        mine, expected = getattr(ours, field.attname), getattr(theirs, field.attname)
        assert (mine, type(mine)) == (expected, type(expected)), field.name
    assert ours._state.adding is False
    assert ours.get_session_auth_hash() == theirs.get_session_auth_hash()


def test_it_reads_the_user_in_one_query(student, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert UserBackend().get_user(student.pk) == student


def test_an_inactive_or_unknown_user_is_nobody(student):
    assert UserBackend().get_user(student.pk + 1000) is None
    student.is_active = False
    student.save()

    assert UserBackend().get_user(student.pk) is None


def test_logging_in_names_it_in_the_session(client, student):
    response = client.post(reverse("accounts:login"), {"username": "student", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == backends.PATH
    assert client.get(DASHBOARD).status_code == 200


def test_a_session_signed_in_by_djangos_modelbackend_stays_signed_in(student):
    client = Client()
    client.force_login(student, backend="django.contrib.auth.backends.ModelBackend")

    assert client.session[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"
    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.parametrize("username", ["student", "nobody"])
def test_wrong_credentials_are_checked_once_and_refused(student, username, monkeypatch, rf):
    # ModelBackend checks a password, or hashes one for a name it does not know (so that both
    # take as long); the ModelBackend listed after UserBackend must not do it again.
    hashed = []
    monkeypatch.setattr(User, "check_password", lambda self, raw: hashed.append(raw) and False)
    monkeypatch.setattr(User, "set_password", lambda self, raw: hashed.append(raw))
    failures = []

    def failed(**kwargs):
        failures.append(kwargs["credentials"]["username"])

    user_login_failed.connect(failed)
    try:
        assert authenticate(rf.post("/"), username=username, password="wrong-password") is None
    finally:
        user_login_failed.disconnect(failed)

    assert hashed == ["wrong-password"]
    assert failures == [username]


def test_right_credentials_sign_in_through_it(student, rf):
    user = authenticate(rf.post("/"), username="student", password=PASSWORD)

    assert user == student
    assert user.backend == backends.PATH
