"""Join-code guessing is limited (django-ratelimit): codes that did not work count per network
address (sign-up and join) and per student (join); past a limit the page answers 429."""

import time
from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.conf import settings
from django.urls import reverse

from classroom.models import Enrollment, User

SIGNUP = reverse("accounts:signup-student")
JOIN = reverse("classroom:class-join")
SCHOOL = "203.0.113.10"
HOME = "198.51.100.7"
WRONG = "ZZZZ-9999"


@pytest.fixture(autouse=True)
def frozen_window(monkeypatch):
    # Every request in a test falls in the same rate-limit window, so a test never straddles
    # the turn of a minute.
    now = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: now))


def signup_data(code, username="kaikim"):
    return {
        "join_code": code,
        "first_name": "Kai",
        "last_name": "Kim",
        "username": username,
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
    }


def sign_up(client, code, ip=SCHOOL, **kwargs):
    return client.post(SIGNUP, signup_data(code, **kwargs), REMOTE_ADDR=ip)


def join(client, code, ip=SCHOOL):
    return client.post(JOIN, {"join_code": code}, REMOTE_ADDR=ip)


def test_the_limits_are_the_documented_ones():
    assert settings.JOIN_CODE_LIMITS_PER_IP == ["20/m", "100/h"]
    assert settings.JOIN_CODE_LIMITS_PER_USER == ["10/m", "50/h"]


# --- Student sign-up: per network address ----------------------------------------------------------


def test_signup_answers_429_after_twenty_wrong_codes_from_one_address(client, classroom):
    for _ in range(20):
        assert sign_up(client, WRONG).status_code == 200

    response = sign_up(client, WRONG)

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    page = response.content.decode()
    assert "joining a class is paused for a while" in page
    assert "Try again in about 1 minute" in page
    assert not User.objects.filter(username="kaikim").exists()


def test_signup_keeps_what_was_typed_but_never_the_password(client, classroom):
    for _ in range(20):
        sign_up(client, WRONG)

    page = sign_up(client, "abcd-1234", username="kai.k").content.decode()

    assert 'value="abcd-1234"' in page
    assert 'value="Kai"' in page
    assert 'value="Kim"' in page
    assert 'value="kai.k"' in page
    assert "a-long-unusual-passphrase" not in page
    # The limited page does not check the code, so it cannot tell a guesser it was right.
    assert "No class has that code" not in page


def test_signup_refuses_even_the_right_code_while_limited(client, classroom):
    for _ in range(20):
        sign_up(client, WRONG)

    response = sign_up(client, classroom.display_join_code)

    assert response.status_code == 429
    assert not User.objects.filter(username="kaikim").exists()


def test_signup_from_another_address_is_not_affected(client, classroom):
    for _ in range(21):
        sign_up(client, WRONG, ip=SCHOOL)

    response = sign_up(client, classroom.display_join_code, ip=HOME)

    assert response.status_code == 302
    assert Enrollment.objects.filter(classroom=classroom, student__username="kaikim").exists()


def test_a_class_signing_up_together_never_uses_up_the_limit(client, classroom):
    for n in range(25):
        client.logout()
        response = sign_up(client, classroom.display_join_code, username=f"pupil{n}")
        assert response.status_code == 302
    assert Enrollment.objects.filter(classroom=classroom).count() == 26


def test_other_mistakes_on_the_signup_form_do_not_count(client, classroom):
    for _ in range(25):
        data = signup_data(classroom.display_join_code) | {"password2": "does-not-match"}
        assert client.post(SIGNUP, data, REMOTE_ADDR=SCHOOL).status_code == 200

    assert sign_up(client, classroom.display_join_code).status_code == 302


def test_signup_has_an_hourly_limit_too(client, classroom, settings):
    settings.JOIN_CODE_LIMITS_PER_IP = ["100/m", "3/h"]
    for _ in range(3):
        assert sign_up(client, WRONG).status_code == 200

    assert sign_up(client, WRONG).status_code == 429


# --- Joining a class: per student and per network address --------------------------------------


def test_join_answers_429_after_ten_wrong_codes_from_one_student(client, other_student, classroom):
    client.force_login(other_student)
    for _ in range(10):
        assert join(client, WRONG).status_code == 200

    response = join(client, WRONG)

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    page = response.content.decode()
    assert "joining a class is paused for a while" in page
    assert f'value="{WRONG}"' in page
    assert "<h1" in page and "Join a class" in page


def test_join_refuses_even_the_right_code_while_limited(client, other_student, classroom):
    client.force_login(other_student)
    for _ in range(10):
        join(client, WRONG)

    response = join(client, classroom.display_join_code)

    assert response.status_code == 429
    assert not Enrollment.objects.filter(classroom=classroom, student=other_student).exists()


def test_another_student_on_the_same_network_is_not_affected(
    client, student, other_student, other_classroom, classroom
):
    client.force_login(student)
    for _ in range(11):
        join(client, WRONG, ip=SCHOOL)
    assert join(client, WRONG, ip=SCHOOL).status_code == 429

    client.force_login(other_student)
    response = join(client, classroom.display_join_code, ip=SCHOOL)

    assert response.status_code == 302
    assert Enrollment.objects.filter(classroom=classroom, student=other_student).exists()


def test_the_network_limit_holds_across_students_and_sign_up(
    client, settings, student, other_student, classroom
):
    settings.JOIN_CODE_LIMITS_PER_IP = ["4/m"]
    sign_up(client, WRONG)
    sign_up(client, WRONG)
    client.force_login(student)
    join(client, WRONG)
    client.force_login(other_student)
    join(client, WRONG)

    assert join(client, classroom.display_join_code).status_code == 429
    assert join(client, classroom.display_join_code, ip=HOME).status_code == 302


def test_join_has_an_hourly_limit_per_student_too(client, settings, other_student):
    settings.JOIN_CODE_LIMITS_PER_USER = ["100/m", "3/h"]
    client.force_login(other_student)
    for _ in range(3):
        assert join(client, WRONG).status_code == 200

    assert join(client, WRONG).status_code == 429


def test_joining_the_right_class_does_not_count(client, other_student, classroom, settings):
    settings.JOIN_CODE_LIMITS_PER_USER = ["1/m"]
    client.force_login(other_student)

    assert join(client, classroom.display_join_code).status_code == 302
    assert join(client, WRONG).status_code == 200
    assert join(client, WRONG).status_code == 429


def test_looking_at_the_join_page_never_counts(client, other_student):
    client.force_login(other_student)
    for _ in range(15):
        assert client.get(JOIN, REMOTE_ADDR=SCHOOL).status_code == 200
    assert join(client, WRONG).status_code == 200
