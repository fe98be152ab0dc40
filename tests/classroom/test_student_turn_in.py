import datetime

import pytest
from django.db import DatabaseError, OperationalError
from django.urls import reverse
from django.utils import timezone

from classroom import services
from classroom.models import Response, ResponseRevision, Submission
from tests import factories


def url(assignment):
    return reverse("classroom:turn-in", args=[assignment.pk])


def workspace(assignment):
    return reverse("classroom:workspace", args=[assignment.pk])


def save(assignment, student, text="Saved answer."):
    services.response_save(
        assignment=assignment,
        student=student,
        prompt=assignment.prompts.first(),
        text=text,
        base_revision=0,
    )


def form(answers, revisions=None):
    revisions = revisions or {}
    data = {}
    for prompt, text in answers.items():
        data[f"answer-{prompt.pk}"] = text
        data[f"revision-{prompt.pk}"] = str(revisions.get(prompt, 0))
    return data


def test_it_turns_in_a_draft_with_a_receipt(client, student, assignment):
    save(assignment, student)
    client.force_login(student)
    response = client.post(url(assignment), follow=True)
    assert response.redirect_chain == [(workspace(assignment), 302)]
    submission = Submission.objects.get(student=student, assignment=assignment)
    assert submission.state == Submission.State.TURNED_IN
    assert submission.turned_in_at is not None
    assert submission.late is False
    content = response.content.decode()
    assert f"Your receipt code is {submission.receipt}" in content
    assert timezone.localtime(submission.turned_in_at).strftime("%-I:%M %p") in content
    assert 'class="receipt' in content


def test_it_saves_the_answers_posted_with_it_first(client, student, assignment):
    first, second, _ = assignment.prompts.all()
    client.force_login(student)
    response = client.post(url(assignment), form({first: "Answer one", second: "Answer two"}))
    assert response.status_code == 302
    submission = Submission.objects.get(student=student)
    assert submission.state == Submission.State.TURNED_IN
    assert {r.prompt_id: r.text for r in submission.responses.all()} == {
        first.pk: "Answer one",
        second.pk: "Answer two",
    }
    assert submission.receipt == services.receipt_for(submission)


def test_turning_in_twice_is_harmless(client, student, assignment):
    prompt = assignment.prompts.first()
    client.force_login(student)
    client.post(url(assignment), form({prompt: "Final answer."}))
    first = Submission.objects.get(student=student)
    # A double click sends the same form again.
    response = client.post(url(assignment), form({prompt: "Final answer."}), follow=True)
    assert response.status_code == 200
    second = Submission.objects.get(student=student)
    assert second.turned_in_at == first.turned_in_at
    assert second.turn_in_count == 1
    assert second.receipt == first.receipt
    assert b"already turned in" in response.content
    assert b"alert-danger" not in response.content


def test_it_is_all_or_nothing_when_an_answer_is_refused(client, student, assignment, settings):
    settings.ANSWER_MAX_CHARS = 10
    first, second, _ = assignment.prompts.all()
    client.force_login(student)
    response = client.post(url(assignment), form({first: "Short", second: "Much too long here"}))
    assert response.status_code == 400
    assert b"Not turned in" in response.content
    assert b"\nShort</textarea>" in response.content
    assert b"\nMuch too long here</textarea>" in response.content
    assert b"the limit is 10" in response.content
    assert not Response.objects.exists()
    assert not Submission.objects.filter(state=Submission.State.TURNED_IN).exists()


def test_it_does_not_turn_in_over_a_conflict(client, student, assignment):
    prompt = assignment.prompts.first()
    save(assignment, student, "From my phone.")
    client.force_login(student)
    response = client.post(url(assignment), form({prompt: "From the laptop."}))
    assert response.status_code == 409
    assert b"From my phone." in response.content
    assert b"\nFrom the laptop.</textarea>" in response.content
    submission = Submission.objects.get(student=student)
    assert submission.state == Submission.State.DRAFT
    assert submission.responses.get().text == "From my phone."


def test_it_refuses_empty_work_with_a_message(client, student, assignment):
    client.force_login(student)
    response = client.post(url(assignment), follow=True)
    assert response.redirect_chain == [(workspace(assignment), 302)]
    assert b"Write at least one answer before turning in" in response.content
    assert not Submission.objects.exists()


def test_it_marks_work_late_after_the_due_time(client, student, classroom, lesson):
    now = timezone.now()
    assignment = factories.make_assignment(
        classroom,
        lesson,
        opens_at=now - datetime.timedelta(days=3),
        due_at=now - datetime.timedelta(minutes=5),
    )
    client.force_login(student)
    response = client.post(
        url(assignment), form({assignment.prompts.first(): "Late."}), follow=True
    )
    submission = Submission.objects.get(student=student)
    assert submission.state == Submission.State.TURNED_IN
    assert submission.late is True
    assert b"marked late" in response.content


def test_it_refuses_work_after_a_closing_due_time(client, student, classroom, lesson):
    now = timezone.now()
    assignment = factories.make_assignment(
        classroom,
        lesson,
        opens_at=now - datetime.timedelta(days=3),
        due_at=now - datetime.timedelta(minutes=5),
        late_policy="close",
    )
    client.force_login(student)
    response = client.post(url(assignment), follow=True)
    assert b"no longer accepts work" in response.content
    assert not Submission.objects.filter(state=Submission.State.TURNED_IN).exists()


def test_returned_work_can_be_turned_in_again(client, student, assignment):
    save(assignment, student)
    submission = services.submission_turn_in(assignment=assignment, student=student)
    services.submission_return(submission=submission)
    client.force_login(student)
    prompt = assignment.prompts.first()
    client.post(url(assignment), form({prompt: "Revised answer."}, {prompt: 1}))
    submission.refresh_from_db()
    assert submission.state == Submission.State.TURNED_IN
    assert submission.turn_in_count == 2
    assert submission.responses.get().text == "Revised answer."


def test_it_only_accepts_post(client, student, assignment):
    client.force_login(student)
    assert client.get(url(assignment)).status_code == 405
    assert not Submission.objects.exists()


def test_visitors_are_sent_to_log_in(client, student, assignment):
    save(assignment, student)
    response = client.post(url(assignment))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert Submission.objects.get().state == Submission.State.DRAFT


def test_teachers_get_403(client, teacher, assignment):
    client.force_login(teacher)
    assert client.post(url(assignment)).status_code == 403


def test_students_of_other_classes_get_404(client, student, other_student, assignment):
    save(assignment, student)
    client.force_login(other_student)
    assert client.post(url(assignment)).status_code == 404
    assert Submission.objects.get().state == Submission.State.DRAFT
    assert not Submission.objects.filter(student=other_student).exists()


# --- A database error in the middle of turning in ----------------------------------------------


def fail_once(monkeypatch, owner, name, error):
    """Make ``owner.name`` raise ``error`` on its first call only, like a passing outage."""
    original = getattr(owner, name)
    calls = []

    def flaky(*args, **kwargs):
        calls.append(name)
        if len(calls) == 1:
            raise error
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, flaky)
    return calls


@pytest.mark.parametrize(
    ("owner", "name", "error"),
    [
        (Submission, "save", OperationalError("database is locked")),
        (services, "receipt_for", DatabaseError("connection lost")),
    ],
)
@pytest.mark.parametrize("typed_more", [True, False])
def test_a_database_error_changes_nothing_keeps_the_text_and_a_retry_works(
    client, student, assignment, monkeypatch, owner, name, error, typed_more
):
    first, second, _ = assignment.prompts.all()
    save(assignment, student, "Saved draft.")
    answers = {first: "Saved draft."}
    if typed_more:
        answers = {first: "Typed since — 改 🙂", second: "A new answer"}
    calls = fail_once(monkeypatch, owner, name, error)
    client.force_login(student)

    response = client.post(url(assignment), form(answers, {first: 1}))

    assert calls  # the failure really happened
    assert response.status_code == 503
    content = response.content.decode()
    assert "Not turned in: the server had a problem saving your work" in content
    assert "Press Turn in again in a moment" in content
    for text in answers.values():
        assert f"\n{text}</textarea>" in content
    submission = Submission.objects.get(student=student)
    submission.refresh_from_db()
    assert submission.state == Submission.State.DRAFT
    assert submission.turn_in_count == 0
    assert submission.turned_in_at is None
    assert submission.receipt == ""
    assert {r.prompt_id: (r.text, r.revision) for r in submission.responses.all()} == {
        first.pk: ("Saved draft.", 1)
    }
    assert not ResponseRevision.objects.exists()

    # The outage has passed: the same form again turns the work in.
    retry = client.post(url(assignment), form(answers, {first: 1}), follow=True)
    assert retry.redirect_chain == [(workspace(assignment), 302)]
    submission.refresh_from_db()
    assert submission.state == Submission.State.TURNED_IN
    assert submission.turn_in_count == 1
    assert {r.prompt_id: r.text for r in submission.responses.all()} == {
        prompt.pk: text for prompt, text in answers.items()
    }
    assert f"Your receipt code is {submission.receipt}" in retry.content.decode()


# --- The receipt -------------------------------------------------------------------------------


def test_the_receipt_is_the_same_for_the_same_answers(assignment, student, other_student):
    factories.enroll(assignment.classroom, other_student)
    first, second, _ = assignment.prompts.all()
    for who in (student, other_student):
        for prompt, text in ((first, "Same words 🙂"), (second, "Also the same")):
            services.response_save(
                assignment=assignment, student=who, prompt=prompt, text=text, base_revision=0
            )
    mine = services.submission_turn_in(assignment=assignment, student=student)
    theirs = services.submission_turn_in(assignment=assignment, student=other_student)
    # Different people, times and revisions; the same content gives the same fingerprint.
    assert mine.receipt == theirs.receipt
    assert len(mine.receipt) == 9 and mine.receipt[4] == "-"


def test_the_receipt_changes_when_any_answer_changes(client, student, assignment):
    first, second, _ = assignment.prompts.all()
    client.force_login(student)
    client.post(url(assignment), form({first: "One", second: "Two"}))
    submission = Submission.objects.get(student=student)
    original = submission.receipt
    client.post(reverse("classroom:unsubmit", args=[assignment.pk]))
    client.post(url(assignment), form({first: "One", second: "Two."}, {first: 1, second: 1}))
    submission.refresh_from_db()
    assert submission.turn_in_count == 2
    assert submission.receipt != original
    # Back to the original words: the original receipt again.
    client.post(reverse("classroom:unsubmit", args=[assignment.pk]))
    client.post(url(assignment), form({first: "One", second: "Two"}, {first: 1, second: 2}))
    submission.refresh_from_db()
    assert submission.turn_in_count == 3
    assert submission.receipt == original
    page = client.get(workspace(assignment)).content.decode()
    assert f'<strong class="receipt-code">{original}</strong>' in page
    assert f'datetime="{timezone.localtime(submission.turned_in_at):%Y-%m-%dT%H:%M:%S%z}"' in page
