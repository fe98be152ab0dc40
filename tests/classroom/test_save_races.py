"""An autosave racing another tab or a turn-in never overwrites what it did not see, and never
changes an answer after the turn-in has read it.

An ordinary save (an answer saved before, no earlier version due to be kept) reads the answer
without a transaction and writes it with one conditional UPDATE
(services._save_in_one_statement). The tests here put another tab's save or a turn-in between
that read and that write, deterministically and with real threads, on SQLite and PostgreSQL.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext

from classroom import services
from classroom.models import Response, ResponseRevision, Submission
from tests import factories
from tests.classroom.test_turn_in_concurrency import THREADS, run_at_once

READ_BY = {"by": "save_target"}


@pytest.fixture(autouse=True, params=["save_target", "response_save"])
def _read_by(request):
    """Every race twice: the answer read by services.save_target, as the autosave reads it,
    and by response_save itself, as turning in and the demo data save."""
    READ_BY["by"] = request.param


def save(assignment, student, prompt, text, revision):
    answer = services.UNREAD
    if READ_BY["by"] == "save_target":
        answer = services.save_target(student, assignment.pk, prompt.pk).answer
    return services.response_save(
        assignment=assignment,
        student=student,
        prompt=prompt,
        text=text,
        base_revision=revision,
        answer=answer,
    )


@pytest.fixture
def between_read_and_write(monkeypatch):
    """Runs ``then()`` once, after the save has read the answer and before it writes."""

    def arrange(then):
        check, done = services._check_editable, []

        def check_then_interfere(submission, now=None):
            check(submission, now)
            if not done:
                done.append(True)
                then()

        monkeypatch.setattr(services, "_check_editable", check_then_interfere)

    return arrange


def test_an_ordinary_save_is_one_update_outside_any_transaction(student, assignment):
    prompt = assignment.prompts.first()
    save(assignment, student, prompt, "First words.", 0)
    save(assignment, student, prompt, "First words, kept.", 1)  # keeps the first version

    with CaptureQueriesContext(connection) as queries:
        saved = save(assignment, student, prompt, "First words, kept, and more.", 2)

    sql = [query["sql"] for query in queries.captured_queries]
    assert not any("SAVEPOINT" in statement for statement in sql)
    assert [statement.split()[0] for statement in sql] == ["SELECT", "UPDATE"]
    answer = Response.objects.get()
    assert (answer.text, answer.revision) == ("First words, kept, and more.", 3)
    assert (saved.text, saved.revision, saved.saved_at) == (
        answer.text,
        answer.revision,
        answer.saved_at,
    )


def test_a_save_that_keeps_an_earlier_version_needs_no_transaction_either(student, assignment):
    prompt = assignment.prompts.first()
    save(assignment, student, prompt, "First words.", 0)

    with CaptureQueriesContext(connection) as queries:
        save(assignment, student, prompt, "First words, and more.", 1)

    sql = [query["sql"] for query in queries.captured_queries]
    assert not any("SAVEPOINT" in statement for statement in sql)
    assert [statement.split()[0] for statement in sql] == ["SELECT", "INSERT", "UPDATE"]
    assert list(ResponseRevision.objects.values_list("revision", "text")) == [(1, "First words.")]
    assert Response.objects.get().text == "First words, and more."


def test_a_turn_in_between_the_read_and_the_write_refuses_the_save(
    student, assignment, between_read_and_write
):
    prompt = assignment.prompts.first()
    save(assignment, student, prompt, "Draft.", 0)
    save(assignment, student, prompt, "Draft, finished.", 1)
    between_read_and_write(
        lambda: services.submission_turn_in(assignment=assignment, student=student)
    )

    with pytest.raises(ValidationError, match="You have turned this in"):
        save(assignment, student, prompt, "Typed after the bell.", 2)

    answer = Response.objects.get()
    assert (answer.text, answer.revision) == ("Draft, finished.", 2)
    submission = Submission.objects.get()
    assert submission.state == Submission.State.TURNED_IN
    assert submission.receipt == services.receipt_for(submission)


def test_another_tabs_save_between_the_read_and_the_write_is_a_conflict(
    student, assignment, between_read_and_write
):
    prompt = assignment.prompts.first()
    save(assignment, student, prompt, "Draft.", 0)
    save(assignment, student, prompt, "Draft, both tabs saw this.", 1)
    between_read_and_write(lambda: save(assignment, student, prompt, "The other tab.", 2))

    with pytest.raises(services.SaveConflict) as conflict:
        save(assignment, student, prompt, "This tab.", 2)

    assert (conflict.value.response.text, conflict.value.response.revision) == (
        "The other tab.",
        3,
    )
    answer = Response.objects.get()
    assert (answer.text, answer.revision) == ("The other tab.", 3)


def test_a_save_falling_back_after_a_race_still_keeps_what_is_due(
    student, assignment, between_read_and_write
):
    """When the one-statement write finds the answer changed, the save is decided again by the
    general path: here it is turned-in work taken back meanwhile, so the save goes through."""
    prompt = assignment.prompts.first()
    save(assignment, student, prompt, "Draft.", 0)
    save(assignment, student, prompt, "Draft, finished.", 1)

    def turn_in_and_take_back():
        submission = services.submission_turn_in(assignment=assignment, student=student)
        services.submission_unsubmit(submission=submission)

    between_read_and_write(turn_in_and_take_back)

    saved = save(assignment, student, prompt, "Draft, finished, then improved.", 2)

    answer = Response.objects.get()
    assert (answer.text, answer.revision) == ("Draft, finished, then improved.", 3)
    assert saved.revision == 3
    assert Submission.objects.get().state == Submission.State.DRAFT
    # Turning in kept revision 2; nothing is kept twice.
    assert list(ResponseRevision.objects.values_list("revision", "text")) == [
        (2, "Draft, finished."),
        (1, "Draft."),
    ]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_of_one_answer_let_exactly_one_through(student, assignment):
    prompt = assignment.prompts.first()
    save(assignment, student, prompt, "Draft.", 0)
    save(assignment, student, prompt, "Every tab saw this.", 1)

    def save_from_tab(i):
        try:
            save(assignment, student, prompt, f"Tab {i}", 2)
        except services.SaveConflict:
            return "conflict"
        return "saved"

    results, errors = run_at_once(save_from_tab)

    assert errors == []
    assert results.count("saved") == 1
    answer = Response.objects.get()
    assert (answer.text, answer.revision) == (f"Tab {results.index('saved')}", 3)


@pytest.mark.django_db(transaction=True)
def test_saves_racing_a_turn_in_land_before_it_or_not_at_all(classroom, lesson):
    """One thread turns in while the others save: whatever was saved is what the turn-in kept
    and fingerprinted; a save after it is refused, never stored behind its back."""
    assignment = factories.make_assignment(classroom, lesson)
    student = classroom.enrollments.get().student
    prompts = list(assignment.prompts.all())
    for prompt in prompts:
        save(assignment, student, prompt, f"Draft of {prompt.position}.", 0)
        save(assignment, student, prompt, f"Draft of {prompt.position}, finished.", 1)

    def work(i):
        if i == THREADS // 2:
            services.submission_turn_in(assignment=assignment, student=student)
            return "turned in"
        prompt = prompts[i % len(prompts)]
        try:
            save(assignment, student, prompt, f"Tab {i} on {prompt.position}.", 2)
        except services.SaveConflict:
            return "conflict"
        except ValidationError:
            return "refused"
        return "saved"

    results, errors = run_at_once(work)

    assert errors == []
    submission = Submission.objects.get()
    assert submission.state == Submission.State.TURNED_IN
    assert submission.receipt == services.receipt_for(submission)
    for answer in Response.objects.all():
        as_turned_in = answer.revisions.get(revision=answer.revision)
        assert as_turned_in.text == answer.text
    # At most one save per answer got through; the rest were conflicts or came too late.
    assert results.count("saved") <= len(prompts)
    assert results.count("saved") + results.count("conflict") + results.count("refused") == (
        THREADS - 1
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_a_save_waits_for_a_turn_in_in_progress_then_is_refused(student, assignment):
    """The one-statement save reads the submission FOR SHARE: while a turn-in holds it, the
    save waits (here it gives up), and once the turn-in has committed the save is refused."""
    prompt = assignment.prompts.first()
    save(assignment, student, prompt, "Draft.", 0)
    save(assignment, student, prompt, "Draft, finished.", 1)
    turned_in, release = threading.Event(), threading.Event()

    def turn_in_held_open():
        try:
            with transaction.atomic():
                services.submission_turn_in(assignment=assignment, student=student)
                turned_in.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=turn_in_held_open)
    holder.start()
    try:
        assert turned_in.wait(timeout=30)
        with pytest.raises(OperationalError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
            save(assignment, student, prompt, "Typed while the turn-in was saving.", 2)
    finally:
        release.set()
        holder.join(timeout=30)

    with pytest.raises(ValidationError, match="You have turned this in"):
        save(assignment, student, prompt, "Typed after the bell.", 2)
    answer = Response.objects.get()
    assert (answer.text, answer.revision) == ("Draft, finished.", 2)
    assert Submission.objects.get().receipt == services.receipt_for(Submission.objects.get())
