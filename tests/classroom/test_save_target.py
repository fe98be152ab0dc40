"""services.save_target, the autosave's one read written as SQL, finds what the ORM would:
the same access rule as every student page, and the same instances, value for value."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from classroom import services
from classroom.models import Assignment, AssignmentPrompt, Response, ResponseRevision
from tests import factories


def orm_allows(student, assignment_id, prompt_id) -> bool:
    """The rule as the student pages write it, in the ORM."""
    return AssignmentPrompt.objects.filter(
        assignment__in=Assignment.objects.open().for_student(student),
        pk=prompt_id,
        assignment=assignment_id,
    ).exists()


def test_it_finds_exactly_what_the_student_pages_allow(
    student, other_student, classroom, assignment, other_assignment, lesson
):
    not_open = factories.make_assignment(
        classroom, lesson, opens_at=timezone.now() + datetime.timedelta(hours=1)
    )
    archived_class = factories.ClassroomFactory(teacher=classroom.teacher, name="Last year")
    factories.enroll(archived_class, student)
    in_archived = factories.make_assignment(archived_class, lesson)
    archived_class.archived = True
    archived_class.save()
    past_due = factories.make_assignment(
        classroom,
        lesson,
        opens_at=timezone.now() - datetime.timedelta(days=3),
        due_at=timezone.now() - datetime.timedelta(days=1),
    )
    assignments = [assignment, other_assignment, not_open, in_archived, past_due]
    prompts = [prompt for a in assignments for prompt in a.prompts.all()]

    allowed = 0
    for person in (student, other_student):
        for a in assignments:
            for prompt in prompts:  # every prompt against every assignment, mismatches too
                expected = orm_allows(person, a.pk, prompt.pk)
                target = services.save_target(person, a.pk, prompt.pk)
                assert (target is not None) == expected, (person, a, prompt)
                allowed += expected
                if target is not None:
                    assert (target.prompt, target.prompt.assignment) == (prompt, a)
    # The matrix holds both answers: the student's own open and past-due assignments, the
    # other student's one; every other pair is refused.
    per_assignment = assignment.prompts.count()
    assert allowed == 3 * per_assignment


def test_ids_too_large_for_the_database_find_nothing(student, assignment):
    prompt = assignment.prompts.first()
    assert services.save_target(student, 2**63, prompt.pk) is None
    assert services.save_target(student, assignment.pk, 10**30) is None


def test_no_answer_yet(student, assignment):
    prompt = assignment.prompts.first()
    target = services.save_target(student, assignment.pk, prompt.pk)
    assert target.answer is None  # no submission at all

    factories.submit_work(assignment, student, {2: "Only the second."}, state="draft")
    assert services.save_target(student, assignment.pk, prompt.pk).answer is None


def test_the_instances_are_the_ones_the_orm_builds(student, assignment):
    submission = factories.full_student_record(assignment, student)
    answer = Response.objects.get(submission=submission, prompt__position=1)
    answer.points, answer.returned_points = Decimal("2.5"), Decimal("3.0")
    answer.saved_at = timezone.now()
    answer.save()

    target = services.save_target(student, assignment.pk, answer.prompt_id)

    def values(instance, skip=()):
        return {
            field.attname: getattr(instance, field.attname)
            for field in instance._meta.concrete_fields
            if field.name not in skip
        }

    loaded = target.answer
    assert values(loaded) == values(Response.objects.get(pk=answer.pk))
    assert values(loaded.submission) == values(submission.__class__.objects.get(pk=submission.pk))
    assert values(target.prompt) == values(AssignmentPrompt.objects.get(pk=answer.prompt_id))
    assert values(target.prompt.assignment, skip=("content",)) == values(
        assignment.__class__.objects.get(pk=assignment.pk), skip=("content",)
    )
    # Types, not just equality: SQLite hands back 0/1 and naive text for these.
    assert loaded.submission.late is False
    assert timezone.is_aware(loaded.saved_at) and timezone.is_aware(loaded.submission.updated_at)
    assert isinstance(loaded.returned_points, Decimal)
    assert isinstance(loaded.submission.returned_score, Decimal)
    # The frozen content is left out, and loads if something asks for it.
    assert "content" in target.prompt.assignment.get_deferred_fields()
    assert target.prompt.assignment.content == assignment.content


def test_kept_recently_says_whether_a_version_was_kept_in_the_last_two_minutes(student, assignment):
    submission = factories.submit_work(assignment, student, {1: "Words."}, state="draft")
    answer = submission.responses.get()
    target = lambda: services.save_target(student, assignment.pk, answer.prompt_id)  # noqa: E731

    assert target().answer.kept_recently is False
    kept = ResponseRevision.objects.create(
        response=answer, revision=1, text="Words.", saved_at=timezone.now()
    )
    assert target().answer.kept_recently is True
    ResponseRevision.objects.filter(pk=kept.pk).update(
        created_at=timezone.now() - services.REVISION_INTERVAL - datetime.timedelta(seconds=1)
    )
    assert target().answer.kept_recently is False


@pytest.mark.parametrize("keeps_a_version", [False, True])
def test_a_usual_autosave_is_four_queries(client, student, assignment, keeps_a_version):
    """Session, user, save_target, UPDATE; and when an earlier version is due, its INSERT (with
    the BEGIN and COMMIT Django puts around a bulk insert where the driver reports them)."""
    submission = factories.submit_work(assignment, student, {1: "First words."}, state="draft")
    answer = submission.responses.get()
    if not keeps_a_version:
        ResponseRevision.objects.create(
            response=answer, revision=0, text="Kept.", saved_at=timezone.now()
        )
    client.force_login(student)
    url = reverse("classroom:autosave", args=[assignment.pk])

    with CaptureQueriesContext(connection) as queries:
        reply = client.post(
            url,
            {"prompt": answer.prompt_id, "text": "First words, and more.", "revision": 1},
            content_type="application/json",
        )

    assert reply.status_code == 200, reply.content
    answer.refresh_from_db()
    assert (answer.text, answer.revision) == ("First words, and more.", 2)
    assert ResponseRevision.objects.filter(response=answer, revision=1).exists() is keeps_a_version
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    writes = [s for s in statements if s in ("INSERT", "UPDATE")]
    assert statements[:3] == ["SELECT", "SELECT", "SELECT"]
    assert writes == (["INSERT", "UPDATE"] if keeps_a_version else ["UPDATE"])
    assert len([s for s in statements if s not in ("BEGIN", "COMMIT")]) == 4 + keeps_a_version
