"""A teacher unlocks the login of a student of theirs who typed too many wrong passwords."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from classroom.models import AuditEvent
from tests import factories
from tests.factories import PASSWORD

SCHOOL = "203.0.113.10"


def url(classroom, student):
    return reverse("classroom:class-unlock-student", args=[classroom.pk, student.pk])


def class_page(classroom):
    return reverse("classroom:class-detail", args=[classroom.pk])


def lock_out_by_logging_in(username):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("accounts:login"),
            {"username": username, "password": f"wrong-{n}"},
            REMOTE_ADDR=SCHOOL,
        )
    assert (
        client.post(
            reverse("accounts:login"),
            {"username": username, "password": PASSWORD},
            REMOTE_ADDR=SCHOOL,
        ).status_code
        == 429
    )


def failed_logins(student, failures, ip=SCHOOL, **fields):
    """Failed logins recorded as django-axes records them, without typing them one by one."""
    return AccessAttempt.objects.create(
        username=student.username,
        ip_address=ip,
        user_agent=fields.pop("user_agent", "Chromebook"),
        failures_since_start=failures,
        get_data="",
        post_data="",
        http_accept="text/html",
        path_info="/accounts/login/",
        **fields,
    )


def can_log_in(username):
    client = Client()
    client.post(
        reverse("accounts:login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR=SCHOOL
    )
    return "_auth_user_id" in client.session


# --- Who may unlock ------------------------------------------------------------------------------


def test_it_sends_visitors_to_log_in(client, classroom, student):
    failed_logins(student, settings.AXES_FAILURE_LIMIT)

    response = client.post(url(classroom, student))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert AccessAttempt.objects.filter(username="student").exists()


def test_it_refuses_students(client, classroom, student, other_student):
    factories.enroll(classroom, other_student)
    failed_logins(other_student, settings.AXES_FAILURE_LIMIT)
    client.force_login(student)

    assert client.post(url(classroom, other_student)).status_code == 403
    assert AccessAttempt.objects.filter(username="otherstudent").exists()
    assert not AuditEvent.objects.exists()


def test_it_hides_other_teachers_classes(client, classroom, student, other_teacher):
    failed_logins(student, settings.AXES_FAILURE_LIMIT)
    client.force_login(other_teacher)

    assert client.post(url(classroom, student)).status_code == 404
    assert AccessAttempt.objects.filter(username="student").exists()
    assert not AuditEvent.objects.exists()


def test_it_404s_for_a_student_not_in_the_class(
    client, teacher, classroom, other_classroom, other_student
):
    failed_logins(other_student, settings.AXES_FAILURE_LIMIT)
    client.force_login(teacher)

    assert client.post(url(classroom, other_student)).status_code == 404
    assert AccessAttempt.objects.filter(username="otherstudent").exists()
    assert not AuditEvent.objects.exists()


def test_it_changes_nothing_on_get(client, teacher, classroom, student):
    failed_logins(student, settings.AXES_FAILURE_LIMIT)
    client.force_login(teacher)

    assert client.get(url(classroom, student)).status_code == 405
    assert AccessAttempt.objects.filter(username="student").exists()


# --- Unlocking ---------------------------------------------------------------------------------


def test_it_unlocks_the_student_and_records_who_did_it(client, teacher, classroom, student):
    lock_out_by_logging_in("student")
    failed_logins(student, settings.AXES_FAILURE_LIMIT, ip="198.51.100.7")
    client.force_login(teacher)

    response = client.post(url(classroom, student), follow=True)

    assert response.redirect_chain == [(class_page(classroom), 302)]
    assert not AccessAttempt.objects.filter(username="student").exists()
    event = AuditEvent.objects.get()
    assert event.action == AuditEvent.Action.UNLOCK_LOGIN
    assert event.actor == teacher
    assert "teacher" in event.actor_name
    assert event.student == student
    assert "Unlocked the login of Sam Student" in response.content.decode()
    assert "Locked out" not in response.content.decode()
    assert can_log_in("student")


def test_it_leaves_other_students_locked(client, teacher, classroom, student, other_student):
    factories.enroll(classroom, other_student)
    failed_logins(student, settings.AXES_FAILURE_LIMIT)
    failed_logins(other_student, settings.AXES_FAILURE_LIMIT)
    client.force_login(teacher)

    client.post(url(classroom, student))

    assert not AccessAttempt.objects.filter(username="student").exists()
    assert AccessAttempt.objects.filter(username="otherstudent").exists()
    assert not can_log_in("otherstudent")


def test_it_says_so_when_there_was_nothing_to_unlock(client, teacher, classroom, student):
    client.force_login(teacher)

    response = client.post(url(classroom, student), follow=True)

    assert response.status_code == 200
    assert "Sam Student was not locked out; nothing to unlock." in response.content.decode()


# --- The roster ----------------------------------------------------------------------------------


def test_the_roster_marks_only_locked_out_students(
    client, teacher, classroom, student, other_student
):
    factories.enroll(classroom, other_student)
    failed_logins(student, settings.AXES_FAILURE_LIMIT)
    # Below the limit: not locked, no button.
    failed_logins(other_student, settings.AXES_FAILURE_LIMIT - 1)
    client.force_login(teacher)

    page = client.get(class_page(classroom)).content.decode()

    assert page.count(">Locked out</span>") == 1
    assert page.count("Unlock login<") == 1
    assert f'action="{url(classroom, student)}"' in page
    assert f'action="{url(classroom, other_student)}"' not in page


def test_the_roster_adds_failures_from_several_devices_on_one_network(
    client, teacher, classroom, student
):
    # django-axes counts one username + address across browsers; so does the roster.
    failed_logins(student, settings.AXES_FAILURE_LIMIT - 2, user_agent="Chromebook")
    failed_logins(student, 2, user_agent="Phone")
    client.force_login(teacher)

    page = client.get(class_page(classroom)).content.decode()

    assert ">Locked out</span>" in page
    assert not can_log_in("student")


def test_the_roster_forgets_a_lockout_after_the_cool_off(client, teacher, classroom, student):
    attempt = failed_logins(student, settings.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=attempt.attempt_time
        - settings.AXES_COOLOFF_TIME
        - datetime.timedelta(minutes=1)
    )
    client.force_login(teacher)

    page = client.get(class_page(classroom)).content.decode()

    assert "Locked out" not in page
    assert can_log_in("student")


@pytest.mark.parametrize("size", [5, 30])
def test_the_roster_finds_lockouts_in_one_query(
    client, teacher, django_assert_max_num_queries, size
):
    classroom = factories.ClassroomFactory(teacher=teacher)
    students = factories.StudentFactory.create_batch(size)
    factories.enroll(classroom, *students)
    for student in students[::2]:
        failed_logins(student, settings.AXES_FAILURE_LIMIT)
    client.force_login(teacher)

    with django_assert_max_num_queries(6):
        response = client.get(class_page(classroom))

    assert response.content.decode().count("Unlock login<") == len(students[::2])
