"""The services behind the student pages: joining, saving answers, turning in, unsubmitting."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from classroom import services
from classroom.models import Assignment, Enrollment, Response, Submission
from tests import factories


def save(assignment, student, prompt, text, revision=0):
    return services.response_save(
        assignment=assignment, student=student, prompt=prompt, text=text, base_revision=revision
    )


# --- enrollment_join ---------------------------------------------------------------------------


def test_it_enrolls_a_student_with_a_typed_code(classroom, other_student):
    code = classroom.display_join_code.lower()
    enrollment = services.enrollment_join(student=other_student, code=code)
    assert enrollment.classroom == classroom
    assert Enrollment.objects.filter(classroom=classroom, student=other_student).exists()


def test_it_refuses_a_second_join(classroom, student):
    with pytest.raises(ValidationError, match="already in Period 1 World History"):
        services.enrollment_join(student=student, code=classroom.join_code)
    assert Enrollment.objects.filter(classroom=classroom, student=student).count() == 1


def test_it_refuses_an_unknown_or_archived_code(classroom, other_student):
    with pytest.raises(ValidationError, match="No class has that code"):
        services.enrollment_join(student=other_student, code="ZZZZ-ZZZZ")
    classroom.archived = True
    classroom.save()
    with pytest.raises(ValidationError, match="No class has that code"):
        services.enrollment_join(student=other_student, code=classroom.join_code)
    assert not Enrollment.objects.filter(student=other_student, classroom=classroom).exists()


def test_it_refuses_teachers(classroom, other_teacher):
    with pytest.raises(ValidationError, match="Only student accounts"):
        services.enrollment_join(student=other_teacher, code=classroom.join_code)


# --- response_save -----------------------------------------------------------------------------


def test_it_saves_an_answer_and_counts_revisions(assignment, student):
    prompt = assignment.prompts.first()
    first = save(assignment, student, prompt, "First idea.")
    second = save(assignment, student, prompt, "First idea, improved.", revision=first.revision)
    second.refresh_from_db()
    assert second.text == "First idea, improved."
    assert second.revision == 2
    assert second.saved_at is not None
    assert Submission.objects.get(assignment=assignment, student=student).state == "draft"


def test_it_creates_no_row_for_an_untouched_empty_box(assignment, student):
    response = save(assignment, student, assignment.prompts.first(), "")
    assert response.pk is None
    assert not Response.objects.exists()


def test_it_refuses_a_save_based_on_an_old_revision(assignment, student):
    prompt = assignment.prompts.first()
    save(assignment, student, prompt, "Typed in tab A.")
    with pytest.raises(services.SaveConflict) as conflict:
        save(assignment, student, prompt, "Typed in tab B.", revision=0)
    assert conflict.value.response.text == "Typed in tab A."
    stored = Response.objects.get(prompt=prompt)
    assert stored.text == "Typed in tab A."
    assert stored.revision == 1


def test_it_treats_a_missing_revision_as_stale(assignment, student):
    prompt = assignment.prompts.first()
    save(assignment, student, prompt, "Saved.")
    with pytest.raises(services.SaveConflict):
        save(assignment, student, prompt, "Other.", revision=None)


def test_resending_the_same_text_is_never_a_conflict(assignment, student):
    prompt = assignment.prompts.first()
    save(assignment, student, prompt, "Same.")
    response = save(assignment, student, prompt, "Same.", revision=0)
    assert response.revision == 1


def test_it_stores_unicode_byte_for_byte(assignment, student):
    prompt = assignment.prompts.first()
    text = "Kim 🇰🇵🤝🇨🇳 — «سلام» עברית e\u0301 n\u0303 \u200d👩‍👩‍👧\n\ttab"
    save(assignment, student, prompt, text)
    stored = Response.objects.get(prompt=prompt).text
    assert stored == text
    assert stored.encode() == text.encode()


def test_it_refuses_an_answer_over_the_limit(assignment, student, settings):
    settings.ANSWER_MAX_CHARS = 10
    with pytest.raises(ValidationError, match="the limit is 10"):
        save(assignment, student, assignment.prompts.first(), "x" * 11)
    assert not Response.objects.exists()


def test_it_refuses_null_characters(assignment, student):
    with pytest.raises(ValidationError, match="null character"):
        save(assignment, student, assignment.prompts.first(), "a\x00b")


def test_it_refuses_a_prompt_of_another_assignment(assignment, other_assignment, student):
    with pytest.raises(ValidationError, match="not part of this assignment"):
        save(assignment, student, other_assignment.prompts.first(), "Hi")


def test_it_refuses_changes_to_turned_in_work(assignment, student):
    prompt = assignment.prompts.first()
    save(assignment, student, prompt, "Done.")
    services.submission_turn_in(assignment=assignment, student=student)
    with pytest.raises(ValidationError, match="Unsubmit it"):
        save(assignment, student, prompt, "Changed.", revision=1)
    assert Response.objects.get(prompt=prompt).text == "Done."


def test_it_refuses_changes_once_a_closing_assignment_has_closed(classroom, student):
    now = timezone.now()
    assignment = factories.make_assignment(
        classroom,
        opens_at=now - datetime.timedelta(days=3),
        due_at=now - datetime.timedelta(minutes=1),
        late_policy=Assignment.LatePolicy.CLOSE,
    )
    with pytest.raises(ValidationError, match="closed at its due time"):
        save(assignment, student, assignment.prompts.first(), "Too late.")
    assert not Response.objects.exists()


def test_it_refuses_answers_before_the_assignment_opens(classroom, student):
    now = timezone.now()
    assignment = factories.make_assignment(
        classroom,
        opens_at=now + datetime.timedelta(days=1),
        due_at=now + datetime.timedelta(days=2),
    )
    with pytest.raises(ValidationError, match="not open yet"):
        save(assignment, student, assignment.prompts.first(), "Early.")


# --- submission_turn_in ------------------------------------------------------------------------


def test_it_turns_in_with_a_receipt(assignment, student):
    save(assignment, student, assignment.prompts.first(), "My answer.")
    submission = services.submission_turn_in(assignment=assignment, student=student)
    submission.refresh_from_db()
    assert submission.state == Submission.State.TURNED_IN
    assert submission.turned_in_at is not None
    assert submission.late is False
    assert submission.turn_in_count == 1
    assert submission.receipt == services.receipt_for(submission)
    assert len(submission.receipt) == 9


def test_turning_in_twice_changes_nothing(assignment, student):
    save(assignment, student, assignment.prompts.first(), "My answer.")
    first = services.submission_turn_in(assignment=assignment, student=student)
    second = services.submission_turn_in(
        assignment=assignment, student=student, now=first.turned_in_at + datetime.timedelta(hours=1)
    )
    second.refresh_from_db()
    assert second.turned_in_at == first.turned_in_at
    assert second.turn_in_count == 1


def test_it_marks_work_turned_in_after_the_due_time_late(assignment, student):
    save(assignment, student, assignment.prompts.first(), "My answer.")
    later = assignment.due_at + datetime.timedelta(minutes=1)
    submission = services.submission_turn_in(assignment=assignment, student=student, now=later)
    submission.refresh_from_db()
    assert submission.late is True
    assert submission.turned_in_at == later


def test_it_refuses_to_turn_in_empty_work(assignment, student):
    with pytest.raises(ValidationError, match="at least one answer"):
        services.submission_turn_in(assignment=assignment, student=student)
    assert not Submission.objects.exists()


def test_it_refuses_late_work_when_the_assignment_closes(classroom, student):
    assignment = factories.make_assignment(classroom, late_policy=Assignment.LatePolicy.CLOSE)
    save(assignment, student, assignment.prompts.first(), "My answer.")
    with pytest.raises(ValidationError, match="no longer accepts work"):
        services.submission_turn_in(
            assignment=assignment,
            student=student,
            now=assignment.due_at + datetime.timedelta(minutes=1),
        )
    assert Submission.objects.get().state == Submission.State.DRAFT


def test_the_receipt_changes_with_the_answers(assignment, student):
    prompt = assignment.prompts.first()
    save(assignment, student, prompt, "Version one.")
    submission = Submission.objects.get()
    before = services.receipt_for(submission)
    save(assignment, student, prompt, "Version two.", revision=1)
    assert services.receipt_for(submission) != before


def test_the_receipt_takes_one_query(assignment, student, django_assert_num_queries):
    for prompt in assignment.prompts.all():
        save(assignment, student, prompt, f"Answer {prompt.position}")
    submission = Submission.objects.get()
    with django_assert_num_queries(1):
        services.receipt_for(submission)


# --- submission_unsubmit -----------------------------------------------------------------------


def turned_in(assignment, student, now=None):
    save(assignment, student, assignment.prompts.first(), "My answer.")
    return services.submission_turn_in(assignment=assignment, student=student, now=now)


def test_it_unsubmits_before_the_due_time(assignment, student):
    submission = services.submission_unsubmit(submission=turned_in(assignment, student))
    submission.refresh_from_db()
    assert submission.state == Submission.State.DRAFT
    assert submission.receipt  # the old receipt is kept for the record


def test_it_refuses_to_unsubmit_after_the_due_time(assignment, student):
    submission = turned_in(assignment, student)
    with pytest.raises(ValidationError, match="can no longer be unsubmitted"):
        services.submission_unsubmit(
            submission=submission, now=assignment.due_at + datetime.timedelta(seconds=1)
        )
    submission.refresh_from_db()
    assert submission.state == Submission.State.TURNED_IN


def test_unsubmitting_returned_work_keeps_it_returned(assignment, student):
    submission = turned_in(assignment, student)
    services.submission_return(submission=submission)
    services.submission_turn_in(assignment=assignment, student=student)
    submission = services.submission_unsubmit(submission=submission)
    submission.refresh_from_db()
    assert submission.state == Submission.State.RETURNED
    assert submission.returned_at is not None


def test_unsubmitting_clears_the_late_flag_of_a_draft(assignment, student):
    submission = turned_in(assignment, student, now=assignment.due_at + datetime.timedelta(hours=1))
    assert submission.late
    # The teacher gave more time, so the work can be taken back.
    assignment.due_at += datetime.timedelta(days=2)
    assignment.save()
    services.submission_unsubmit(submission=submission)
    submission.refresh_from_db()
    assert submission.state == Submission.State.DRAFT
    assert submission.late is False


def test_unsubmitting_a_draft_changes_nothing(assignment, student):
    save(assignment, student, assignment.prompts.first(), "Draft.")
    submission = services.submission_unsubmit(submission=Submission.objects.get())
    assert submission.state == Submission.State.DRAFT


def test_it_normalizes_line_endings_and_lone_surrogates_only(assignment, student):
    prompt = assignment.prompts.first()
    save(assignment, student, prompt, "a\r\nb\rc \ud800 e\u0301 👩‍👩‍👧 \u200f")
    assert Response.objects.get().text == "a\nb\nc \ufffd e\u0301 👩‍👩‍👧 \u200f"
