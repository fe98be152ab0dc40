"""Login throttling (django-axes): a lockout is per username *and* address, so one student's
wrong passwords never lock out a school that shares one IP address."""

import datetime
import logging

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from classroom import limits
from tests.factories import PASSWORD

URL = reverse("accounts:login")
SCHOOL = "203.0.113.10"
HOME = "198.51.100.7"


def try_login(client, username, password, ip=SCHOOL, **extra):
    return client.post(URL, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def lock_out(client, username, ip=SCHOOL):
    responses = [
        try_login(client, username, f"wrong-{n}", ip) for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    return responses[-1]


def logged_in(client):
    return "_auth_user_id" in client.session


def test_the_limits_are_ten_failures_and_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 10
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_a_wrong_password_keeps_the_typed_username(client, student):
    response = try_login(client, "student", "wrong")
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert b'value="student"' in response.content
    assert not logged_in(client)


def test_it_still_lets_a_student_in_one_failure_before_the_limit(client, student):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        try_login(client, "student", f"wrong-{n}")
    response = try_login(client, "student", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_it_locks_the_username_out_at_the_limit_with_a_friendly_page(client, student):
    response = lock_out(client, "student")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Login paused" in page
    assert "<strong>student</strong>" in page
    assert "You can try again at" in page
    assert "your teacher can unlock your login" in page
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    attempt = AccessAttempt.objects.get(username="student", ip_address=SCHOOL)
    assert attempt.failures_since_start == settings.AXES_FAILURE_LIMIT


def test_the_right_password_is_refused_while_locked_out(client, student):
    lock_out(client, "student")
    response = try_login(client, "student", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)


def test_tries_while_locked_out_do_not_push_the_time_back(client, student):
    lock_out(client, "student")
    before = AccessAttempt.objects.get()
    try_login(client, "student", "still-wrong")
    after = AccessAttempt.objects.get()
    assert after.attempt_time == before.attempt_time
    assert after.failures_since_start == settings.AXES_FAILURE_LIMIT


def test_classmates_on_the_same_network_can_still_log_in(client, student, other_student):
    lock_out(client, "student")
    response = try_login(client, "otherstudent", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_the_same_username_from_another_network_can_still_log_in(client, student):
    lock_out(client, "student", ip=SCHOOL)
    response = try_login(client, "student", PASSWORD, ip=HOME)
    assert response.status_code == 302
    assert logged_in(client)


def test_it_lets_the_student_in_again_after_the_cool_off(client, student):
    lock_out(client, "student")
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - settings.AXES_COOLOFF_TIME
        - datetime.timedelta(seconds=1)
    )
    response = try_login(client, "student", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_a_successful_login_clears_the_failures(client, student):
    try_login(client, "student", "wrong")
    assert AccessAttempt.objects.filter(username="student").exists()
    try_login(client, "student", PASSWORD)
    assert not AccessAttempt.objects.filter(username="student").exists()


def test_it_never_records_or_logs_the_password(client, student, caplog):
    caplog.set_level(logging.DEBUG)
    try_login(client, "student", "Typed-Secret-123")
    lock_out(client, "student")
    try_login(client, "student", PASSWORD)
    assert "Typed-Secret-123" not in caplog.text
    assert PASSWORD not in caplog.text
    stored = " ".join(AccessAttempt.objects.values_list("post_data", "get_data").get())
    assert "Typed-Secret-123" not in stored
    assert "wrong-" not in stored
    assert PASSWORD not in stored


def test_the_admin_login_is_throttled_too(client, admin):
    admin_login = reverse("admin:login")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            admin_login, {"username": "admin", "password": f"wrong-{n}"}, REMOTE_ADDR=SCHOOL
        )
    response = client.post(
        admin_login, {"username": "admin", "password": PASSWORD}, REMOTE_ADDR=SCHOOL
    )
    assert response.status_code == 429
    assert not logged_in(client)


# --- Behind a proxy ---------------------------------------------------------------------------


@pytest.fixture
def one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def test_behind_a_proxy_it_locks_out_by_the_forwarded_address(client, student, one_proxy):
    proxy = "10.0.0.2"
    for n in range(settings.AXES_FAILURE_LIMIT):
        try_login(client, "student", f"wrong-{n}", ip=proxy, HTTP_X_FORWARDED_FOR=SCHOOL)
    assert AccessAttempt.objects.get().ip_address == SCHOOL
    # The same username from another network through the same proxy is not locked out.
    response = try_login(client, "student", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=HOME)
    assert response.status_code == 302


def test_behind_a_proxy_a_forged_forwarded_address_is_ignored(client, student, one_proxy):
    # The proxy appends the real address; whatever the client wrote before it is not trusted.
    for n in range(settings.AXES_FAILURE_LIMIT):
        try_login(
            client,
            "student",
            f"wrong-{n}",
            ip="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {SCHOOL}",
        )
    response = try_login(
        client, "student", PASSWORD, ip="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.99, {SCHOOL}"
    )
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("proxies", "meta", "expected"),
    [
        (0, {"REMOTE_ADDR": SCHOOL, "HTTP_X_FORWARDED_FOR": HOME}, SCHOOL),
        (1, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": f"192.0.2.1, {HOME}"}, HOME),
        (2, {"REMOTE_ADDR": "10.0.0.3", "HTTP_X_FORWARDED_FOR": f"{HOME}, 10.0.0.2"}, HOME),
        # Fewer entries than proxies, or garbage: the direct peer, never a guess.
        (2, {"REMOTE_ADDR": "10.0.0.3", "HTTP_X_FORWARDED_FOR": HOME}, "10.0.0.3"),
        (1, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "not-an-ip"}, "10.0.0.2"),
        (0, {"REMOTE_ADDR": ""}, "0.0.0.0"),  # noqa: S104
    ],
)
def test_client_ip_trusts_only_our_own_proxies(rf, settings, proxies, meta, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert limits.client_ip(rf.get("/", **meta)) == expected
