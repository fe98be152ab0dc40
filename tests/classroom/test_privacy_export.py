"""Exporting everything stored about a student, from the admin (classroom.privacy)."""

import json

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from classroom import audit
from classroom.models import AuditEvent, User
from tests import factories

ANSWER = "Sentinel answer <b>bold</b> zq-4410"
EARLIER = "Sentinel earlier draft zq-4411"
WORKING = "Sentinel working comment zq-4412"
RETURNED = "Sentinel returned comment zq-4413"


def page_url(user):
    return reverse("admin:classroom_user_export", args=[user.pk])


def json_url(user):
    return reverse("admin:classroom_user_export_json", args=[user.pk])


@pytest.fixture
def record(assignment, student, teacher, admin):
    submission = factories.full_student_record(
        assignment,
        student,
        answer=ANSWER,
        earlier=EARLIER,
        comment=WORKING,
        returned_comment=RETURNED,
    )
    audit.record(actor=teacher, action=AuditEvent.Action.VIEW_WORK, student=student, obj=submission)
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(student.pk),
        object_repr=str(student),
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"fields": ["Email address"]}}]),
    )
    Client().force_login(student)  # a stored session
    if apps.is_installed("axes"):
        from axes.models import AccessAttempt

        AccessAttempt.objects.create(
            username=student.username,
            ip_address="10.0.0.9",
            user_agent="Chromebook",
            http_accept="*/*",
            path_info="/accounts/login/",
            get_data="",
            post_data="username=student\npassword=********************",
            failures_since_start=2,
        )
    return submission


def exported(client, student):
    response = client.get(json_url(student))
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_json_download_holds_everything_about_the_student(
    client, admin, student, record, assignment
):
    client.force_login(admin)

    response = client.get(json_url(student))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="student-{student.pk}-data.json"'
    )
    data = json.loads(response.content)
    assert data["export"]["format"] == "classroom-student-data"
    assert data["account"]["username"] == "student"
    assert data["account"]["first_name"] == "Sam"
    assert data["account"]["role"] == "student"
    assert [c["name"] for c in data["classes"]] == ["Period 1 World History"]
    (submission,) = data["submissions"]
    assert submission["assignment"]["title"] == assignment.title
    assert submission["state"] == "returned"
    assert submission["receipt"] == "ABCD-1234"
    assert submission["turned_in_at"]
    assert submission["returned_feedback"]["comment"] == RETURNED
    assert submission["returned_feedback"]["score"] == "3.0"
    assert submission["working_feedback"]["comment"] == WORKING
    first = submission["responses"][0]
    assert first["prompt"]["position"] == 1
    assert first["text"] == ANSWER
    assert first["revision"] == 2
    assert first["working_feedback"] == {"comment": WORKING, "points": "4.0"}
    assert first["returned_feedback"] == {"comment": RETURNED, "points": "3.0"}
    assert [v["text"] for v in first["earlier_versions"]] == [EARLIER]
    assert submission["responses"][1]["text"] == "Second answer."
    assert {e["action"] for e in data["audit_events"]} >= {"view_work", "export_data"}
    assert [e["change"] for e in data["admin_history"]] == ["Changed Email address."]
    assert len(data["sessions"]) == 1
    assert "working_feedback" in data["export"]


def test_the_export_leaves_out_the_password_hash_and_session_keys(client, admin, student, record):
    client.force_login(admin)
    student.refresh_from_db()

    content = client.get(json_url(student)).content.decode()

    assert student.password not in content
    assert '"password"' not in content
    from django.contrib.sessions.models import Session

    for key in Session.objects.values_list("session_key", flat=True):
        assert key not in content


def test_the_export_holds_nobody_elses_work(
    client, admin, student, record, other_student, other_assignment
):
    factories.submit_work(other_assignment, other_student, {1: "Olive's own answer"})
    client.force_login(admin)

    content = client.get(json_url(student)).content.decode()

    assert "Olive's own answer" not in content
    assert "otherstudent" not in content


@pytest.mark.skipif(not apps.is_installed("axes"), reason="django-axes is not installed")
def test_the_export_includes_failed_sign_in_records(client, admin, student, record):
    client.force_login(admin)

    data = exported(client, student)

    (attempt,) = data["login_records"]
    assert attempt["ip_address"] == "10.0.0.9"
    assert attempt["failures_since_start"] == 2


def test_exporting_is_recorded_in_the_students_trail(client, admin, student, record):
    client.force_login(admin)

    client.get(json_url(student))
    client.get(page_url(student))

    events = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_DATA).order_by("pk")
    assert [(e.actor, e.student, e.detail) for e in events] == [
        (admin, student, "JSON download"),
        (admin, student, "readable page"),
    ]


def test_the_readable_page_shows_the_same_data(client, admin, student, record):
    client.force_login(admin)

    response = client.get(page_url(student))

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("<h1") == 1
    assert "Everything stored about Sam Student" in content
    assert "Sentinel answer &lt;b&gt;bold&lt;/b&gt; zq-4410" in content
    assert "<b>bold</b>" not in content
    assert EARLIER in content
    assert WORKING in content
    assert "Working comment (not yet returned)" in content
    assert RETURNED in content
    assert "Period 1 World History" in content
    assert "ABCD-1234" in content
    assert "1 stored session" in content
    assert json_url(student) in content
    assert " style=" not in content
    assert "<script>" not in content


def test_an_empty_record_says_so(client, admin):
    newcomer = factories.StudentFactory(username="newcomer")
    client.force_login(admin)

    content = client.get(page_url(newcomer)).content.decode()

    assert "Not in any class." in content
    assert "No work stored." in content


def test_the_change_page_offers_the_export(client, admin, student, teacher):
    client.force_login(admin)

    page = client.get(reverse("admin:classroom_user_change", args=[student.pk]))
    teacher_page = client.get(reverse("admin:classroom_user_change", args=[teacher.pk]))

    assert page_url(student).encode() in page.content
    assert b"Export data" in page.content
    assert page_url(teacher).encode() not in teacher_page.content


def test_teachers_are_not_exported_as_students(client, admin, teacher):
    client.force_login(admin)

    response = client.get(page_url(teacher), follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "admin:classroom_user_change", args=[teacher.pk]
    )
    assert b"is not a student account" in response.content
    assert client.get(json_url(teacher)).status_code == 404
    assert not AuditEvent.objects.exists()


def test_an_unknown_user_is_a_404(client, admin):
    client.force_login(admin)

    assert client.get(reverse("admin:classroom_user_export", args=[9999])).status_code == 404


@pytest.mark.parametrize("who", ["student", "other_student", "teacher"])
@pytest.mark.parametrize("url", [page_url, json_url])
def test_people_who_are_not_staff_cannot_reach_it(client, student, record, request, who, url):
    client.force_login(request.getfixturevalue(who))

    response = client.get(url(student))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_DATA).exists()


def test_anonymous_visitors_are_sent_to_log_in(client, student):
    response = client.get(json_url(student))

    # LoginRequiredMiddleware sends them to the site's login before the admin's own check.
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_staff_without_the_view_permission_are_refused(client, student, record):
    clerk = User.objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(clerk)

    assert client.get(page_url(student)).status_code == 403
    assert client.get(json_url(student)).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_DATA).exists()


def test_staff_with_the_view_permission_may_export(client, student, record):
    clerk = User.objects.create_user("clerk", password="x", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_user"))
    client.force_login(clerk)

    assert client.get(json_url(student)).status_code == 200


# --- The list action ---

CHANGELIST = reverse("admin:classroom_user_changelist")


def test_the_list_action_opens_one_students_export(client, admin, student):
    client.force_login(admin)

    response = client.post(
        CHANGELIST, {"action": "export_student_data", "_selected_action": [student.pk]}
    )

    assert response.status_code == 302
    assert response.url == page_url(student)


def test_the_list_action_downloads_several_students_at_once(
    client, admin, student, other_student, record
):
    client.force_login(admin)

    response = client.post(
        CHANGELIST,
        {"action": "export_student_data", "_selected_action": [student.pk, other_student.pk]},
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="2-students-data.json"'
    data = json.loads(response.content)
    assert sorted(s["account"]["username"] for s in data["students"]) == [
        "otherstudent",
        "student",
    ]
    assert set(
        AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_DATA).values_list(
            "student__username", flat=True
        )
    ) == {"student", "otherstudent"}


def test_the_list_action_refuses_a_selection_with_a_teacher(client, admin, student, teacher):
    client.force_login(admin)

    response = client.post(
        CHANGELIST,
        {"action": "export_student_data", "_selected_action": [student.pk, teacher.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert b"Not students: teacher. Nothing was done." in response.content
    assert not AuditEvent.objects.exists()
