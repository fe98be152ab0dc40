"""classroom/reads.py, the student pages' reads written as SQL, finds what the querysets they
replace would: the same rows, in the same order, as the same instances, value for value."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from classroom import reads
from classroom.models import Assignment, AssignmentPrompt, Classroom, Response, Submission
from tests import factories

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAY = datetime.timedelta(days=1)


def values(instance, skip=("content",)):
    """Every field's value with its type: SQLite hands back 0/1 and naive text unless converted."""
    return {
        field.attname: (getattr(instance, field.attname), type(getattr(instance, field.attname)))
        for field in instance._meta.concrete_fields
        if field.name not in skip
    }


@pytest.fixture
def world(student, other_student, teacher, other_teacher, lesson):
    """The student in two active classes and an archived one, beside a class they are not in;
    work open, not yet open, past due, without prompts, with and without their submission."""
    first = factories.ClassroomFactory(teacher=teacher, name="World history")
    second = factories.ClassroomFactory(teacher=other_teacher, name="Civics")
    archived = factories.ClassroomFactory(teacher=teacher, name="Last year")
    outside = factories.ClassroomFactory(teacher=teacher, name="Another period")
    for classroom in (first, second, archived):
        factories.enroll(classroom, student)
    factories.enroll(first, other_student)
    factories.enroll(outside, other_student)

    open_now = factories.make_assignment(first, lesson)
    not_open = factories.make_assignment(first, lesson, opens_at=NOW + DAY, due_at=NOW + 3 * DAY)
    past_due = factories.make_assignment(second, lesson, opens_at=NOW - 3 * DAY, due_at=NOW - DAY)
    no_prompts = factories.make_assignment(second, factories.LessonFactory())
    in_archived = factories.make_assignment(archived, lesson)
    archived.archived = True
    archived.save()
    in_outside = factories.make_assignment(outside, lesson)

    returned = factories.submit_work(
        past_due, student, state="returned", returned_at=NOW, returned_score=Decimal("7.5")
    )
    Response.objects.filter(submission=returned).update(returned_points=Decimal("1.5"))
    factories.submit_work(open_now, student, {1: "Mine.", 3: "Also mine."}, state="draft")
    factories.submit_work(open_now, other_student, {1: "Not yours."}, state="draft")
    factories.submit_work(in_outside, other_student)
    return {
        "assignments": [open_now, not_open, past_due, no_prompts, in_archived, in_outside],
        "open_now": open_now,
    }


def test_classes_are_the_active_classes_the_student_is_in(world, student, other_student):
    for person in (student, other_student):
        expected = list(
            Classroom.objects.active().filter(enrollments__student=person).select_related("teacher")
        )

        found = reads.student_classes(person)

        assert [c.pk for c in found] == [c.pk for c in expected]
        for mine, theirs in zip(found, expected, strict=True):
            assert values(mine) == values(theirs)
            assert values(mine.teacher) == values(theirs.teacher)


def test_work_is_every_assignment_of_those_classes_with_the_students_submission(
    world, student, other_student, django_assert_num_queries
):
    for person in (student, other_student):
        expected = list(
            Assignment.objects.filter(
                classroom__archived=False, classroom__enrollments__student=person
            )
            .select_related("classroom")
            .annotate(total_points=Sum("prompts__points"))
            .order_by("due_at", "pk")
        )
        submissions = {s.assignment_id: s for s in Submission.objects.filter(student=person)}

        with django_assert_num_queries(1):
            found = reads.student_work(person)

        assert [a.pk for a, _ in found] == [a.pk for a in expected]
        for (mine, submission), theirs in zip(found, expected, strict=True):
            assert values(mine) == values(theirs)
            assert values(mine.classroom) == values(theirs.classroom)
            assert mine.total_points == theirs.total_points
            assert type(mine.total_points) is type(theirs.total_points)
            if theirs.pk in submissions:
                assert values(submission) == values(submissions[theirs.pk])
            else:
                assert submission is None
    # The matrix holds every case: no prompts (no total), not yet open, someone else's work.
    by_pk = {a.pk: (a, s) for a, s in reads.student_work(student)}
    open_now = world["open_now"]
    assert by_pk[open_now.pk][1].student_id == student.pk
    assert [a.total_points for a, _ in by_pk.values()].count(None) == 1


def test_the_workspace_opens_exactly_what_the_student_pages_allow(world, student, other_student):
    allowed = 0
    for person in (student, other_student):
        permitted = set(Assignment.objects.open().for_student(person).values_list("pk", flat=True))
        for assignment in world["assignments"]:
            page = reads.workspace(person, assignment.pk)
            assert (page is not None) == (assignment.pk in permitted), (person, assignment)
            allowed += page is not None
            if page is not None:
                expected = Submission.objects.filter(assignment=assignment, student=person).first()
                assert page.submission == expected  # theirs, or None: never a classmate's
    # The student: open, past due and no-prompts work; the other student: open and outside.
    assert allowed == 5


def test_the_workspace_instances_are_the_ones_the_orm_builds(world, student):
    open_now = world["open_now"]
    page = reads.workspace(student, open_now.pk)

    expected = Assignment.objects.select_related("classroom__teacher").get(pk=open_now.pk)
    assert values(page.assignment) == values(expected)
    assert values(page.assignment.classroom) == values(expected.classroom)
    assert values(page.assignment.classroom.teacher) == values(expected.classroom.teacher)
    assert values(page.submission) == values(
        Submission.objects.get(assignment=open_now, student=student)
    )
    # The frozen content is left out, and loads if something asks for it.
    assert "content" in page.assignment.get_deferred_fields()
    assert page.assignment.content == expected.content


def test_ids_too_large_for_the_database_open_nothing(student):
    assert reads.workspace(student, 2**63) is None


def test_prompts_come_in_order_with_the_submissions_own_answers(
    world, student, django_assert_num_queries
):
    open_now = world["open_now"]
    submission = Submission.objects.get(assignment=open_now, student=student)

    with django_assert_num_queries(1):
        pairs = reads.prompts_with_answers(open_now, submission)

    prompts = list(AssignmentPrompt.objects.filter(assignment=open_now).order_by("position"))
    assert [p.pk for p, _ in pairs] == [p.pk for p in prompts]
    answers = {r.prompt_id: r for r in Response.objects.filter(submission=submission)}
    for (prompt, answer), expected in zip(pairs, prompts, strict=True):
        assert values(prompt) == values(expected)
        if expected.pk in answers:
            assert values(answer) == values(answers[expected.pk])
            assert answer.submission is submission
        else:
            assert answer is None
    assert [a.text if a else None for _, a in pairs][:3] == ["Mine.", None, "Also mine."]


def test_without_a_submission_no_prompt_has_an_answer(world, student):
    open_now = world["open_now"]

    pairs = reads.prompts_with_answers(open_now, None)

    assert len(pairs) == open_now.prompts.count()
    assert all(answer is None for _, answer in pairs)


def test_returned_points_and_scores_keep_their_types(world, student):
    past_due = next(a for a in world["assignments"] if a.due_at < NOW)
    page = reads.workspace(student, past_due.pk)

    pairs = reads.prompts_with_answers(page.assignment, page.submission)

    assert page.submission.returned_score == Decimal("7.5")
    assert isinstance(page.submission.returned_score, Decimal)
    assert all(isinstance(a.returned_points, Decimal) for _, a in pairs)
    assert timezone.is_aware(page.submission.returned_at)
