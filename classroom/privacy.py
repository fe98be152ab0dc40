"""Everything stored about one student: export it, or delete it so that nothing is left behind.

What belongs to a student's record (and so is both exported and deleted):
- the account (every field but the password hash) and its groups;
- classes joined (enrolments), every submission and every answer, with the kept earlier
  versions of each answer (ResponseRevision);
- the feedback they were returned AND the teacher's working comments and points. Working
  feedback is data about the student, held by the school, even while the student cannot see it
  in the app, so a full export includes it, clearly labelled as "working feedback (not yet
  returned)". Teacher notes on a prompt are about the lesson, not the student, and are left out;
- the audit trail of who viewed or changed their work (AuditEvent with student = them);
- the admin's own change history (django.contrib.admin LogEntry) about their account, work and
  enrolments;
- their sign-in sessions (django.contrib.sessions) and, when django-axes is installed, its
  records of their failed sign-ins.

Deletion removes all of it and then records one anonymous event, "user #<pk> deleted".
"""

import json
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from classroom import audit
from classroom.models import (
    AuditEvent,
    Classroom,
    Enrollment,
    Response,
    ResponseRevision,
    Submission,
    User,
)

EXPORT_FORMAT = "classroom-student-data"
EXPORT_VERSION = 1

WORKING_FEEDBACK_NOTE = (
    "Working feedback is the teacher's comment and points as they stand now. The student sees "
    "feedback only when the work is returned (see returned_feedback); working feedback is "
    "included because it is data the school holds about the student."
)

ACCOUNT_FIELDS = [
    "id",
    "username",
    "first_name",
    "last_name",
    "email",
    "role",
    "is_active",
    "is_staff",
    "is_superuser",
    "date_joined",
    "last_login",
]


# --- Where a student's data lives ------------------------------------------------------------


def _session_store_class():
    return import_module(settings.SESSION_ENGINE).SessionStore


def sessions_of(user: User) -> list[tuple[str, object]]:
    """(session key, expiry) of every stored session signed in as ``user``, expired or not.

    Sessions are stored by key, not by user, so this decodes every stored session: one pass
    over the table in chunks, reading two columns. For a school (thousands of sessions, and
    ``clearsessions`` removing expired ones) that is a fraction of a second, and it only runs
    when an admin exports or deletes a student. Signed-cookie and cache-only session engines
    cannot be listed at all; with them a deleted user's sessions die because the user is gone
    (AuthenticationMiddleware finds no such user and treats the browser as signed out).
    """
    store_class = _session_store_class()
    get_model_class = getattr(store_class, "get_model_class", None)
    if get_model_class is None:
        return []
    decoder = store_class()
    user_id = str(user.pk)
    found = []
    rows = get_model_class().objects.values_list("session_key", "session_data", "expire_date")
    for key, data, expire_date in rows.iterator(chunk_size=2000):
        if str(decoder.decode(data).get(SESSION_KEY, "")) == user_id:
            found.append((key, expire_date))
    return found


def _axes_models() -> list:
    """django-axes' tables that record sign-ins by username (attempts, failure and access logs)."""
    if not apps.is_installed("axes"):
        return []
    return [
        model
        for model in apps.get_app_config("axes").get_models()
        if any(field.name == "username" for field in model._meta.concrete_fields)
    ]


def _admin_history(student: User, enrollment_ids, submission_ids, response_ids, revision_ids):
    """The admin's LogEntry rows about the student's account, enrolments and work."""
    types = ContentType.objects.get_for_models(
        User, Enrollment, Submission, Response, ResponseRevision
    )

    def about(model, ids):
        return Q(content_type=types[model], object_id__in=[str(pk) for pk in ids])

    return LogEntry.objects.filter(
        Q(content_type=types[User], object_id=str(student.pk))
        | about(Enrollment, enrollment_ids)
        | about(Submission, submission_ids)
        | about(Response, response_ids)
        | about(ResponseRevision, revision_ids)
        | Q(user=student)
    ).select_related("user", "content_type")


def _ids(student: User) -> dict[str, list[int]]:
    return {
        "enrollment_ids": list(
            Enrollment.objects.filter(student=student).values_list("pk", flat=True)
        ),
        "submission_ids": list(
            Submission.objects.filter(student=student).values_list("pk", flat=True)
        ),
        "response_ids": list(
            Response.objects.filter(submission__student=student).values_list("pk", flat=True)
        ),
        "revision_ids": list(
            ResponseRevision.objects.filter(response__submission__student=student).values_list(
                "pk", flat=True
            )
        ),
    }


# --- Export ----------------------------------------------------------------------------------


def export_data(student: User) -> dict:
    """Everything stored about ``student`` as plain data (datetimes and decimals as objects;
    encode with DjangoJSONEncoder). The same dict feeds the JSON download and the HTML page."""
    responses = Response.objects.select_related("prompt").prefetch_related(
        Prefetch("revisions", queryset=ResponseRevision.objects.order_by("revision"))
    )
    submissions = (
        Submission.objects.filter(student=student)
        .select_related("assignment__classroom__teacher")
        .prefetch_related(Prefetch("responses", queryset=responses))
        .order_by("created_at", "pk")
    )
    enrollments = (
        Enrollment.objects.filter(student=student)
        .select_related("classroom__teacher")
        .order_by("joined_at", "pk")
    )
    ids = _ids(student)
    return {
        "export": {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": timezone.now(),
            "time_zone": "UTC in JSON; the school's time zone on the readable page",
            "working_feedback": WORKING_FEEDBACK_NOTE,
        },
        "account": {
            **{name: getattr(student, name) for name in ACCOUNT_FIELDS},
            "role_label": student.get_role_display(),
            "groups": list(student.groups.values_list("name", flat=True)),
        },
        "classes": [
            {
                "id": enrollment.classroom_id,
                "name": enrollment.classroom.name,
                "teacher": str(enrollment.classroom.teacher),
                "archived": enrollment.classroom.archived,
                "joined_at": enrollment.joined_at,
            }
            for enrollment in enrollments
        ],
        "submissions": [_submission_data(submission) for submission in submissions],
        "audit_events": [
            {
                "at": event.at,
                "actor": event.actor_name,
                "action": event.action,
                "action_label": event.get_action_display(),
                "object_type": event.object_type,
                "object_id": event.object_id,
                "detail": event.detail,
            }
            for event in AuditEvent.objects.filter(student=student).order_by("at", "pk")
        ],
        "admin_history": [
            {
                "at": entry.action_time,
                "by": str(entry.user),
                "action": ["", "added", "changed", "deleted"][entry.action_flag],
                "object_type": entry.content_type.model if entry.content_type else "",
                "object": entry.object_repr,
                "change": entry.get_change_message(),
            }
            for entry in _admin_history(student, **ids).order_by("action_time", "pk")
        ],
        "sessions": [{"expires_at": expire_date} for _key, expire_date in sessions_of(student)],
        "login_records": [
            {
                "kind": str(model._meta.verbose_name),
                **{
                    field.name: getattr(row, field.attname)
                    for field in model._meta.concrete_fields
                    if not field.primary_key and not field.is_relation
                },
            }
            for model in _axes_models()
            for row in model.objects.filter(username=student.username)
        ],
    }


def _submission_data(submission: Submission) -> dict:
    assignment = submission.assignment
    return {
        "id": submission.pk,
        "assignment": {
            "id": assignment.pk,
            "title": assignment.title,
            "class": assignment.classroom.name,
            "teacher": str(assignment.classroom.teacher),
            "due_at": assignment.due_at,
        },
        "state": submission.state,
        "state_label": submission.get_state_display(),
        "created_at": submission.created_at,
        "updated_at": submission.updated_at,
        "turned_in_at": submission.turned_in_at,
        "late": submission.late,
        "turn_in_count": submission.turn_in_count,
        "receipt": submission.receipt,
        "returned_feedback": {
            "returned_at": submission.returned_at,
            "comment": submission.returned_comment,
            "score": submission.returned_score,
        },
        "working_feedback": {"comment": submission.comment},
        "responses": [
            {
                "id": response.pk,
                "prompt": {
                    "position": response.prompt.position,
                    "text": response.prompt.text,
                    "points": response.prompt.points,
                },
                "text": response.text,
                "revision": response.revision,
                "saved_at": response.saved_at,
                "returned_feedback": {
                    "comment": response.returned_comment,
                    "points": response.returned_points,
                },
                "working_feedback": {"comment": response.comment, "points": response.points},
                "earlier_versions": [
                    {
                        "revision": kept.revision,
                        "text": kept.text,
                        "saved_at": kept.saved_at,
                        "kept_at": kept.created_at,
                    }
                    for kept in response.revisions.all()
                ],
            }
            for response in submission.responses.all()
        ],
    }


def export_json(student: User) -> str:
    return json.dumps(export_data(student), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


# --- Deletion --------------------------------------------------------------------------------


def check_deletable(user: User) -> None:
    """Only students: a teacher's account takes their classes, and everyone's work in them."""
    if not user.is_student or user.is_staff or user.is_superuser:
        raise ValidationError(
            f"{user.username} is not a student account. Only students can be deleted with all "
            "their data; deleting a teacher would delete their classes and every student's "
            "work in them."
        )


def deletion_counts(student: User) -> list[tuple[str, int]]:
    """What deleting ``student`` removes, as (label, count) rows for the confirmation page."""
    ids = _ids(student)
    counts = Submission.objects.filter(student=student).aggregate(
        answers=Count("responses", distinct=True),
        versions=Count("responses__revisions", distinct=True),
    )
    return [
        ("Account", 1),
        ("Class enrolments", len(ids["enrollment_ids"])),
        ("Submissions", len(ids["submission_ids"])),
        ("Answers (with their feedback)", counts["answers"]),
        ("Kept earlier versions of answers", counts["versions"]),
        ("Audit events about them", AuditEvent.objects.filter(student=student).count()),
        ("Admin history entries", _admin_history(student, **ids).count()),
        ("Sign-in sessions", len(sessions_of(student))),
        (
            "Sign-in failure records",
            sum(
                model.objects.filter(username=student.username).count() for model in _axes_models()
            ),
        ),
    ]


def _scrub_class_histories(student: User) -> None:
    """Adding a student to a class in the admin logs a change to the class whose message names
    the enrolment ("Sam Student in Period 1"). The class's history stays; the name goes."""
    enrollments = Enrollment.objects.filter(student=student).select_related("classroom", "student")
    names = {str(enrollment) for enrollment in enrollments}
    if not names:
        return
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Classroom),
        object_id__in=[str(enrollment.classroom_id) for enrollment in enrollments],
    )
    for entry in entries:
        try:
            message = json.loads(entry.change_message)
        except ValueError:
            continue
        changed = False
        for item in message if isinstance(message, list) else []:
            for value in item.values() if isinstance(item, dict) else []:
                if isinstance(value, dict) and value.get("object") in names:
                    value["object"] = "a deleted student"
                    changed = True
        if changed:
            entry.change_message = json.dumps(message)
            entry.save(update_fields=["change_message"])


def _delete_sign_in_records(student: User) -> None:
    if not _axes_models():
        return
    # axes' own reset also clears its cache handler's keys when that handler is configured.
    from axes.utils import reset

    reset(username=student.username)
    for model in _axes_models():
        model.objects.filter(username=student.username).delete()


def delete_student(*, student: User, actor: User) -> list[tuple[str, int]]:
    """Delete a student and everything stored about them; record one anonymous event.

    Removes, in one transaction: the admin's history about them, their name in class histories,
    their sessions, axes' sign-in records for their username, then the account, which cascades
    to enrolments, submissions, answers, kept versions and the audit events about them. Events
    they caused as actor (none expected of a student) keep the row but lose the name. The app
    keeps nothing about a student in the cache (the join-code rate limits are keyed by hashes
    and expire within the hour), and cached_db sessions are cleared through the session store.
    """
    check_deletable(student)
    with transaction.atomic():
        counts = deletion_counts(student)
        pk = student.pk
        _admin_history(student, **_ids(student)).delete()
        _scrub_class_histories(student)
        store_class = _session_store_class()
        for key, _expiry in sessions_of(student):
            store_class(session_key=key).delete()
        _delete_sign_in_records(student)
        AuditEvent.objects.filter(actor=student).update(
            actor=None, actor_name=f"deleted user #{pk}"
        )
        student.delete()
        audit.record(
            actor=actor,
            action=AuditEvent.Action.DELETE_STUDENT,
            student=None,
            detail=f"user #{pk} deleted",
        )
    return counts
