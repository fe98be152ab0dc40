"""The audit trail: who viewed or changed a student's work, exported or deleted their data.

An event names the actor, the student it is about and the object touched, by type and id.
``detail`` is a short, fixed phrase ("prompt 2", "changed comment, points"): never the answer
text, a comment, a password or a session id, so the trail itself never becomes a copy of the
work it protects.
"""

from collections.abc import Iterable

from django.db import models

from classroom.models import AuditEvent, User

Action = AuditEvent.Action

_DETAIL_MAX = AuditEvent._meta.get_field("detail").max_length
_NAME_MAX = AuditEvent._meta.get_field("actor_name").max_length


def actor_name(actor: User | None) -> str:
    """Name and username, so the trail reads (and is searchable) after the account is gone."""
    if actor is None:
        return "system"
    full_name = actor.get_full_name()
    name = f"{full_name} ({actor.username})" if full_name else actor.username
    return name[:_NAME_MAX]


def event(
    *,
    actor: User | None,
    action: str,
    student: User | int | None = None,
    obj: models.Model | None = None,
    detail: str = "",
) -> AuditEvent:
    """An unsaved event; ``student`` may be a user or a user's pk."""
    return AuditEvent(
        actor=actor,
        actor_name=actor_name(actor),
        student_id=getattr(student, "pk", student),
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail[:_DETAIL_MAX],
    )


def record(
    *,
    actor: User | None,
    action: str,
    student: User | int | None = None,
    obj: models.Model | None = None,
    detail: str = "",
) -> AuditEvent:
    """Record one event with one INSERT."""
    audit_event = event(actor=actor, action=action, student=student, obj=obj, detail=detail)
    audit_event.save()
    return audit_event


def record_each(
    *,
    actor: User | None,
    action: str,
    targets: Iterable[tuple[User | int, models.Model | None]],
    detail: str = "",
) -> list[AuditEvent]:
    """Record the same action on several students' work, e.g. every answer on a review-by-prompt
    page, with one INSERT (none when there are no targets)."""
    events = [
        event(actor=actor, action=action, student=student, obj=obj, detail=detail)
        for student, obj in targets
    ]
    return AuditEvent.objects.bulk_create(events) if events else []
