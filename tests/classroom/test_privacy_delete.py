"""Deleting a student and everything stored about them, so that nothing is left behind.

The proof of completeness (``assert_nothing_left``) does not trust a list of known tables: it
walks every model Django knows for relations to the user, and every table in the database for
the student's names and a sentinel answer text, column by column.
"""

import datetime
import json

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from classroom import audit, privacy
from classroom.models import (
    AuditEvent,
    Classroom,
    Enrollment,
    Response,
    ResponseRevision,
    Submission,
    User,
)
from tests import factories

USERNAME = "zq-sentinel-student"
FIRST_NAME = "Zebulonia"
LAST_NAME = "Quillsentinel"
EMAIL = "zq-sentinel@example.org"
ANSWER = "Sentinel answer text zq-5520 about the alliance"
EARLIER = "Sentinel earlier draft zq-5521"
COMMENT = "Sentinel working comment zq-5522"
SENTINELS = [USERNAME, FIRST_NAME, LAST_NAME, EMAIL, ANSWER, EARLIER, COMMENT]

CHANGELIST = reverse("admin:classroom_user_changelist")


def delete_url(user):
    return reverse("admin:classroom_user_delete_data", args=[user.pk])


@pytest.fixture
def doomed(classroom, assignment, teacher, admin):
    """A student with something in every place the app keeps data about a student."""
    student = factories.StudentFactory(
        username=USERNAME, first_name=FIRST_NAME, last_name=LAST_NAME, email=EMAIL
    )
    student.groups.add(Group.objects.create(name="Year 9"))
    student.user_permissions.add(Permission.objects.get(codename="view_lesson"))
    factories.enroll(classroom, student)
    enrollment = Enrollment.objects.get(student=student)
    submission = factories.full_student_record(
        assignment, student, answer=ANSWER, earlier=EARLIER, comment=COMMENT
    )
    audit.record(actor=teacher, action=AuditEvent.Action.VIEW_WORK, student=student, obj=submission)
    audit.record(actor=admin, action=AuditEvent.Action.EXPORT_DATA, student=student, obj=student)
    # The admin's own history: the account, the work, and (as older code wrote it) the class.
    types = ContentType.objects.get_for_models(User, Submission, Classroom)
    for model, obj in [(User, student), (Submission, submission)]:
        LogEntry.objects.create(
            user=admin,
            content_type=types[model],
            object_id=str(obj.pk),
            object_repr=str(obj),
            action_flag=CHANGE,
            change_message=json.dumps([{"changed": {"fields": ["comment"]}}]),
        )
    LogEntry.objects.create(
        user=admin,
        content_type=types[Classroom],
        object_id=str(classroom.pk),
        object_repr=str(classroom),
        action_flag=CHANGE,
        change_message=json.dumps([{"added": {"name": "enrollment", "object": str(enrollment)}}]),
    )
    # Two sessions: one live on a Chromebook, one long expired but still stored.
    Client().force_login(student)
    expired = SessionStore()
    expired[SESSION_KEY] = str(student.pk)
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(days=30)
    )
    if apps.is_installed("axes"):
        from axes.models import AccessAttempt, AccessFailureLog

        fields = {
            "username": USERNAME,
            "ip_address": "10.0.0.7",
            "user_agent": "Chromebook",
            "http_accept": "*/*",
            "path_info": "/accounts/login/",
        }
        AccessAttempt.objects.create(
            **fields,
            get_data="",
            post_data=f"username={USERNAME}\npassword=********************",
            failures_since_start=3,
        )
        AccessFailureLog.objects.create(**fields, locked_out=False)
    return student


@pytest.fixture
def bystander(other_assignment, other_student):
    """Someone else's work, which must survive untouched."""
    factories.full_student_record(other_assignment, other_student, answer="Olive's answer")
    Client().force_login(other_student)
    audit.record(actor=None, action=AuditEvent.Action.VIEW_WORK, student=other_student)
    return other_student


# --- The proof ---


def references_to(pk) -> list[str]:
    """Every row of every model that points at user ``pk`` through a relation to User."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if (
                field.is_relation
                and field.concrete
                and field.related_model is User
                and not field.many_to_many  # the auto-created through tables cover M2M
            ):
                rows = model._default_manager.filter(**{field.attname: pk})
                found += [f"{model._meta.label}.{field.name} #{row.pk}" for row in rows]
    return found


def text_in_tables(needles) -> list[str]:
    """Every (table, column) in the whole database whose value contains one of ``needles``."""
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - names from the schema
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = str(value)
                    found += [f"{table}.{column}: {n}" for n in needles if n in text]
    return found


def sessions_of(pk) -> list[str]:
    store = SessionStore()
    return [
        s.session_key
        for s in Session.objects.all()
        if store.decode(s.session_data).get(SESSION_KEY) == str(pk)
    ]


def assert_nothing_left(pk, actor):
    assert not User.objects.filter(pk=pk).exists()
    assert references_to(pk) == []
    assert text_in_tables(SENTINELS) == []
    assert sessions_of(pk) == []
    assert not AuditEvent.objects.filter(student_id=pk).exists()
    # Nothing at all, except one anonymous line saying it happened.
    deletion = AuditEvent.objects.get(action=AuditEvent.Action.DELETE_STUDENT, object_id="")
    assert (deletion.actor, deletion.student, deletion.detail) == (
        actor,
        None,
        f"user #{pk} deleted",
    )


def test_the_proof_finds_the_student_before_deletion(doomed):
    # The checks below could pass by looking in the wrong places; here they must find all of it.
    tables = {hit.split(".")[0] for hit in text_in_tables(SENTINELS)}
    expected = {
        "classroom_user",
        "classroom_response",
        "classroom_responserevision",
        "classroom_submission",
        "django_admin_log",
    }
    if apps.is_installed("axes"):
        expected |= {"axes_accessattempt", "axes_accessfailurelog"}
    assert expected <= tables
    referencing = {ref.split(" ")[0] for ref in references_to(doomed.pk)}
    assert {
        "classroom.Enrollment.student",
        "classroom.Submission.student",
        "classroom.AuditEvent.student",
        "classroom.User_groups.user",
        "classroom.User_user_permissions.user",
    } <= referencing
    assert len(sessions_of(doomed.pk)) == 2


# --- Deleting from the change page ---


def test_the_confirmation_page_counts_what_will_go(client, admin, doomed):
    client.force_login(admin)

    response = client.get(delete_url(doomed))

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("<h1") == 1
    assert "Delete student and all their data" in content
    counts = dict(response.context["students"][0][1])
    assert counts["Class enrolments"] == 1
    assert counts["Submissions"] == 1
    assert counts["Answers (with their feedback)"] == 2
    assert counts["Kept earlier versions of answers"] == 1
    assert counts["Audit events about them"] == 2
    assert counts["Admin history entries"] == 2
    assert counts["Sign-in sessions"] == 2
    if apps.is_installed("axes"):
        assert counts["Sign-in failure records"] == 2
    assert '<th scope="row">Submissions</th><td>1</td>' in content
    assert "cannot be undone" in content
    assert reverse("admin:classroom_user_export", args=[doomed.pk]) in content
    # Looking is not deleting.
    assert User.objects.filter(pk=doomed.pk).exists()


def test_it_deletes_the_student_and_leaves_nothing_behind(client, admin, doomed, bystander):
    pk = doomed.pk
    client.force_login(admin)

    response = client.post(delete_url(doomed), {"post": "yes"}, follow=True)

    assert response.redirect_chain == [(CHANGELIST, 302)]
    assert f"Deleted user #{pk} and everything stored about them.".encode() in response.content
    assert_nothing_left(pk, admin)
    # The class keeps its history of the change, without the name.
    message = LogEntry.objects.get(content_type__model="classroom").change_message
    assert json.loads(message) == [{"added": {"name": "enrollment", "object": "a deleted student"}}]


def test_it_leaves_everyone_else_alone(client, admin, doomed, bystander, assignment, teacher):
    client.force_login(admin)

    client.post(delete_url(doomed), {"post": "yes"})

    assert Submission.objects.filter(student=bystander).count() == 1
    assert Response.objects.filter(submission__student=bystander).count() == 2
    assert ResponseRevision.objects.filter(response__submission__student=bystander).count() == 1
    assert AuditEvent.objects.filter(student=bystander).count() == 1
    assert len(sessions_of(bystander.pk)) == 1
    assert sessions_of(admin.pk)
    assert Classroom.objects.filter(teacher=teacher).count() == 1
    assert assignment.prompts.count() == 3
    assert Group.objects.filter(name="Year 9").exists()


def test_the_deleted_students_browser_is_signed_out(client, admin, doomed):
    chromebook = Client()
    chromebook.force_login(doomed)
    client.force_login(admin)

    client.post(delete_url(doomed), {"post": "yes"})

    response = chromebook.get(reverse("classroom:student-dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_service_does_the_same_without_the_admin(doomed, admin):
    pk = doomed.pk

    counts = dict(privacy.delete_student(student=doomed, actor=admin))

    assert counts["Submissions"] == 1
    assert_nothing_left(pk, admin)


# --- Only students ---


@pytest.mark.parametrize("who", ["teacher", "admin"])
def test_it_refuses_accounts_that_are_not_students(client, admin, teacher, classroom, who):
    target = teacher if who == "teacher" else admin
    client.force_login(admin)

    response = client.post(delete_url(target), {"post": "yes"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "admin:classroom_user_change", args=[target.pk]
    )
    assert b"is not a student account" in response.content
    assert User.objects.filter(pk=target.pk).exists()
    assert Classroom.objects.filter(pk=classroom.pk).exists()
    assert not AuditEvent.objects.exists()


def test_the_service_refuses_a_teacher(teacher, admin):
    with pytest.raises(ValidationError, match="not a student account"):
        privacy.delete_student(student=teacher, actor=admin)

    assert User.objects.filter(pk=teacher.pk).exists()


# --- Who may ---


@pytest.mark.parametrize("who", ["student", "teacher", "other_student"])
def test_people_who_are_not_staff_cannot_delete(client, doomed, request, who):
    client.force_login(request.getfixturevalue(who))

    response = client.post(delete_url(doomed), {"post": "yes"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert User.objects.filter(pk=doomed.pk).exists()


def test_staff_without_the_delete_permission_are_refused(client, doomed):
    clerk = User.objects.create_user("clerk", password="x", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_user"))
    client.force_login(clerk)

    assert client.get(delete_url(doomed)).status_code == 403
    assert client.post(delete_url(doomed), {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=doomed.pk).exists()


def test_django_s_own_delete_is_not_offered_for_students(client, admin, doomed, teacher):
    client.force_login(admin)

    change_page = client.get(reverse("admin:classroom_user_change", args=[doomed.pk]))
    builtin = client.post(reverse("admin:classroom_user_delete", args=[doomed.pk]), {"post": "yes"})
    changelist = client.get(CHANGELIST)

    assert reverse("admin:classroom_user_delete", args=[doomed.pk]).encode() not in (
        change_page.content
    )
    assert delete_url(doomed).encode() in change_page.content
    assert builtin.status_code == 403
    assert User.objects.filter(pk=doomed.pk).exists()
    assert b'value="delete_selected"' not in changelist.content
    assert b'value="delete_students_and_data"' in changelist.content


# --- The list action ---


def test_the_list_action_confirms_then_deletes_several_students(
    client, admin, doomed, other_student
):
    pks = [doomed.pk, other_student.pk]
    client.force_login(admin)
    data = {"action": "delete_students_and_data", "_selected_action": pks}

    confirm = client.post(CHANGELIST, data)

    assert confirm.status_code == 200
    assert b"these 2 students" in confirm.content
    assert User.objects.filter(pk__in=pks).count() == 2

    done = client.post(CHANGELIST, data | {"post": "yes"}, follow=True)

    assert b"Deleted 2 student(s) and everything stored about them." in done.content
    assert not User.objects.filter(pk__in=pks).exists()
    assert sorted(
        AuditEvent.objects.filter(action=AuditEvent.Action.DELETE_STUDENT).values_list(
            "detail", flat=True
        )
    ) == sorted(f"user #{pk} deleted" for pk in pks)
    assert text_in_tables(SENTINELS) == []


def test_the_list_action_deletes_nobody_when_a_teacher_is_selected(client, admin, doomed, teacher):
    client.force_login(admin)

    response = client.post(
        CHANGELIST,
        {
            "action": "delete_students_and_data",
            "_selected_action": [doomed.pk, teacher.pk],
            "post": "yes",
        },
        follow=True,
    )

    assert b"Not students: teacher. Nothing was done." in response.content
    assert User.objects.filter(pk__in=[doomed.pk, teacher.pk]).count() == 2


def test_admin_history_of_an_added_student_goes_too(client, admin, doomed):
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(doomed.pk),
        object_repr=USERNAME,
        action_flag=ADDITION,
        change_message="[]",
    )
    client.force_login(admin)

    client.post(delete_url(doomed), {"post": "yes"})

    assert not LogEntry.objects.filter(object_repr__contains=USERNAME).exists()
