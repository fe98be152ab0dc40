import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from classroom.models import (
    JOIN_CODE_ALPHABET,
    Assignment,
    Enrollment,
    Submission,
    new_join_code,
    normalize_join_code,
)
from tests import factories


def test_join_codes_carry_forty_random_bits():
    code = new_join_code()
    assert len(code) == 8
    assert set(code) <= set(JOIN_CODE_ALPHABET)
    assert len(JOIN_CODE_ALPHABET) ** len(code) >= 2**40
    assert len({new_join_code() for _ in range(200)}) == 200


def test_join_codes_are_normalized_as_students_type_them():
    assert normalize_join_code(" abcd-efgh ") == "ABCDEFGH"
    assert normalize_join_code("oil1-0000") == "0111" + "0000"


def test_a_classroom_can_reset_its_code(classroom):
    old = classroom.join_code
    classroom.reset_join_code()
    classroom.save()
    classroom.refresh_from_db()
    assert classroom.join_code != old
    assert classroom.display_join_code == f"{classroom.join_code[:4]}-{classroom.join_code[4:]}"


def test_a_student_is_enrolled_once(classroom, student):
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(classroom=classroom, student=student)


def test_the_due_time_must_follow_the_opening(classroom, lesson):
    now = timezone.now()
    assignment = Assignment(classroom=classroom, lesson=lesson, title="x", opens_at=now, due_at=now)
    with pytest.raises(ValidationError, match="due time must be after"):
        assignment.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        assignment.save()


def test_a_turned_in_submission_has_a_time(assignment, student):
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(
            assignment=assignment, student=student, state=Submission.State.TURNED_IN
        )


def test_one_submission_per_student_and_assignment(assignment, student):
    Submission.objects.create(assignment=assignment, student=student)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(assignment=assignment, student=student)


def test_an_assignment_lists_for_enrolled_students_only(assignment, student, other_student):
    assert list(Assignment.objects.for_student(student)) == [assignment]
    assert list(Assignment.objects.for_student(other_student)) == []


def test_open_hides_assignments_that_open_later(classroom, lesson):
    later = factories.make_assignment(
        classroom,
        lesson,
        opens_at=timezone.now() + datetime.timedelta(days=1),
        due_at=timezone.now() + datetime.timedelta(days=2),
    )
    assert later not in Assignment.objects.open()


def test_every_model_reads_well_as_text(assignment, student):
    submission = Submission.objects.create(assignment=assignment, student=student)
    prompt = assignment.prompts.first()
    response = submission.responses.create(prompt=prompt, text="x")
    for obj in [assignment, assignment.classroom, student, submission, prompt, response]:
        assert str(obj).strip()
    assert str(student) == "Sam Student"
