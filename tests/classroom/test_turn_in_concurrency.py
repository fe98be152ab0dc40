"""Turning in is all-or-nothing and idempotent, even when many requests arrive at once.

These tests use real threads and real transactions (``transaction=True``): on SQLite the test
database is a file in WAL mode, so the threads contend for its write lock as a class does on a
school's server; on PostgreSQL (``DATABASE_URL``) they contend for row locks.
"""

import threading

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.urls import reverse

from classroom import services
from classroom.models import Response, ResponseRevision, Submission
from tests import factories

THREADS = 20


def run_at_once(work, count=THREADS):
    """Run ``work(i)`` in ``count`` threads released together; return results and errors."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def target(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite settings")
@pytest.mark.django_db
def test_the_sqlite_test_database_uses_wal_immediate_transactions_and_a_busy_timeout():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20_000
    assert connection.transaction_mode == "IMMEDIATE"
    assert not connection.is_in_memory_db()


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_turn_ins_through_the_view_make_one(student, assignment):
    first, second, _ = assignment.prompts.all()
    # A double (or twenty-fold) click: every request carries the same typed answers.
    data = {
        f"answer-{first.pk}": "Kim Jong Un 🇰🇵 — 中国 is the ally",
        f"revision-{first.pk}": "0",
        f"answer-{second.pk}": "Sanctions\r\nlimit trade",
        f"revision-{second.pk}": "0",
    }
    clients = []
    for _ in range(THREADS):
        client = Client()
        client.force_login(student)
        clients.append(client)
    url = reverse("classroom:turn-in", args=[assignment.pk])

    results, errors = run_at_once(lambda i: clients[i].post(url, data).status_code)

    assert errors == []
    assert results == [302] * THREADS
    submission = Submission.objects.get(assignment=assignment, student=student)
    assert submission.state == Submission.State.TURNED_IN
    assert submission.turn_in_count == 1
    assert submission.turned_in_at is not None
    assert submission.receipt == services.receipt_for(submission)
    assert Submission.objects.count() == 1
    answers = {r.prompt_id: (r.text, r.revision) for r in Response.objects.all()}
    assert answers == {
        first.pk: ("Kim Jong Un 🇰🇵 — 中国 is the ally", 1),
        second.pk: ("Sanctions\nlimit trade", 1),
    }
    # One kept turned-in version per answer, not one per request.
    assert ResponseRevision.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_service_turn_ins_make_one(student, assignment):
    services.response_save(
        assignment=assignment,
        student=student,
        prompt=assignment.prompts.first(),
        text="Ready.",
        base_revision=0,
    )

    def turn_in(i):
        return services.submission_turn_in(assignment=assignment, student=student).turned_in_at

    results, errors = run_at_once(turn_in)

    assert errors == []
    submission = Submission.objects.get()
    assert submission.state == Submission.State.TURNED_IN
    assert submission.turn_in_count == 1
    # Every caller is told the one and only turn-in time.
    assert set(results) == {submission.turned_in_at}
    assert submission.receipt == services.receipt_for(submission)
    assert ResponseRevision.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_saves_make_one_submission_and_one_answer(student, assignment):
    # Two tabs opened on a fresh assignment both autosave at once: no duplicate rows, no error,
    # and the one that lost the race is told about a conflict rather than overwriting.
    prompt = assignment.prompts.first()

    def first_save(i):
        try:
            services.response_save(
                assignment=assignment,
                student=student,
                prompt=prompt,
                text=f"Tab {i}",
                base_revision=0,
            )
        except services.SaveConflict:
            return "conflict"
        return "saved"

    results, errors = run_at_once(first_save)

    assert errors == []
    assert results.count("saved") == 1
    assert results.count("conflict") == THREADS - 1
    assert Submission.objects.count() == 1
    answer = Response.objects.get()
    assert answer.revision == 1
    assert answer.text == f"Tab {results.index('saved')}"


@pytest.mark.django_db(transaction=True)
def test_a_class_turning_in_at_once_each_get_their_own_turn_in(classroom, lesson):
    assignment = factories.make_assignment(classroom, lesson)
    prompt = assignment.prompts.first()
    students = [factories.StudentFactory() for _ in range(THREADS)]
    factories.enroll(classroom, *students)
    for student in students:
        services.response_save(
            assignment=assignment,
            student=student,
            prompt=prompt,
            text=f"{student.username}: 答え",
            base_revision=0,
        )

    def turn_in(i):
        return services.submission_turn_in(assignment=assignment, student=students[i]).pk

    results, errors = run_at_once(turn_in)

    assert errors == []
    assert len(set(results)) == THREADS
    submissions = Submission.objects.filter(assignment=assignment)
    assert submissions.count() == THREADS
    assert all(s.state == Submission.State.TURNED_IN and s.turn_in_count == 1 for s in submissions)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_a_save_locks_only_its_own_answer_so_classmates_never_wait(student, assignment, classroom):
    """An autosave locks one answer and its submission: not the assignment, its prompts or the
    student, which the models' default orderings would join and FOR UPDATE would lock too."""
    classmate = factories.StudentFactory(username="classmate")
    factories.enroll(classroom, classmate)
    prompt = assignment.prompts.first()
    for person in (student, classmate):
        services.response_save(
            assignment=assignment, student=person, prompt=prompt, text="First.", base_revision=0
        )
    locked, release = threading.Event(), threading.Event()

    def hold_a_save_open():
        # One student's save, inside a transaction that stays open: its locks stay held.
        try:
            with transaction.atomic():
                services.response_save(
                    assignment=assignment,
                    student=student,
                    prompt=prompt,
                    text="Mine, still being saved.",
                    base_revision=1,
                )
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    def save_giving_up_after(lock_timeout, person, text):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{lock_timeout}'")
            services.response_save(
                assignment=assignment, student=person, prompt=prompt, text=text, base_revision=1
            )

    holder = threading.Thread(target=hold_a_save_open)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        # The classmate's save on the same prompt goes through at once rather than waiting.
        save_giving_up_after("2s", classmate, "Theirs, saved meanwhile.")
        # A save of the held answer itself does wait (and here gives up): the lock is real.
        with pytest.raises(OperationalError):
            save_giving_up_after("200ms", student, "Another tab.")
    finally:
        release.set()
        holder.join(timeout=30)
    texts = dict(Response.objects.values_list("submission__student__username", "text"))
    assert texts == {"student": "Mine, still being saved.", "classmate": "Theirs, saved meanwhile."}
