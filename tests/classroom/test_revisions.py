"""Earlier versions of an answer are kept (the policy in services.response_save's docstring):

(a) at most one kept version every 2 minutes while typing, (b) always the text a "Keep mine"
overwrites, (c) always what was turned in. Empty text and the same revision are never kept twice.
"""

import datetime
import json

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from classroom import services
from classroom.models import Response, ResponseRevision, Submission


@pytest.fixture
def clock(monkeypatch):
    """Time that moves only when the test says so (services and auto_now_add both read it)."""

    class Clock:
        now = timezone.now()

        def advance(self, **delta):
            self.now += datetime.timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def save(assignment, student, text, revision, prompt=None, **kwargs):
    return services.response_save(
        assignment=assignment,
        student=student,
        prompt=prompt or assignment.prompts.first(),
        text=text,
        base_revision=revision,
        **kwargs,
    )


def kept(prompt=None):
    revisions = ResponseRevision.objects.order_by("revision")
    if prompt is not None:
        revisions = revisions.filter(response__prompt=prompt)
    return [(r.revision, r.text) for r in revisions]


# --- (a) a trail while typing, at most every 2 minutes -----------------------------------------


def test_the_first_save_keeps_nothing(assignment, student, clock):
    save(assignment, student, "First words", 0)
    assert kept() == []


def test_the_first_overwrite_keeps_the_replaced_text(assignment, student, clock):
    first = save(assignment, student, "First words", 0)
    clock.advance(seconds=2)
    save(assignment, student, "First words, and more", 1)
    revision = ResponseRevision.objects.get()
    assert (revision.revision, revision.text) == (1, "First words")
    assert revision.saved_at == first.saved_at
    assert revision.response == Response.objects.get()


def test_typing_for_two_minutes_leaves_one_kept_version(assignment, student, clock):
    text = "A"
    save(assignment, student, text, 0)
    # An autosave every 2 seconds for 2 minutes: 60 saves.
    for revision in range(1, 61):
        clock.advance(seconds=2)
        text += "a"
        save(assignment, student, text, revision)
    assert Response.objects.get().revision == 61
    assert kept() == [(1, "A")]


def test_after_more_than_two_minutes_it_keeps_another_version(assignment, student, clock):
    save(assignment, student, "One", 0)
    clock.advance(seconds=2)
    save(assignment, student, "One two", 1)  # keeps "One"
    clock.advance(minutes=2)
    save(assignment, student, "One two three", 2)  # exactly 2 minutes: not more than 2
    assert kept() == [(1, "One")]
    clock.advance(seconds=1)
    save(assignment, student, "One two three four", 3)
    assert kept() == [(1, "One"), (3, "One two three")]
    assert Response.objects.get().text == "One two three four"


def test_each_answer_keeps_its_own_trail(assignment, student, clock):
    first, second, _ = assignment.prompts.all()
    save(assignment, student, "First", 0, prompt=first)
    save(assignment, student, "Second", 0, prompt=second)
    clock.advance(seconds=2)
    save(assignment, student, "First, edited", 1, prompt=first)
    save(assignment, student, "Second, edited", 1, prompt=second)
    assert kept(first) == [(1, "First")]
    assert kept(second) == [(1, "Second")]


def test_it_never_keeps_empty_text(assignment, student, clock):
    save(assignment, student, "Words", 0)
    clock.advance(minutes=3)
    save(assignment, student, "", 1)
    clock.advance(minutes=3)
    save(assignment, student, "New words", 2)
    assert kept() == [(1, "Words")]


def test_a_refused_conflict_keeps_and_changes_nothing(assignment, student, clock):
    save(assignment, student, "From the laptop", 0)
    clock.advance(minutes=5)
    with pytest.raises(services.SaveConflict):
        save(assignment, student, "From the phone", 0)
    assert kept() == []
    assert Response.objects.get().text == "From the laptop"


# --- (b) "Keep mine" keeps the text it overwrites ----------------------------------------------


def test_keep_mine_keeps_the_overwritten_text_even_within_two_minutes(assignment, student, clock):
    save(assignment, student, "Tab A, first", 0)
    clock.advance(seconds=2)
    save(assignment, student, "Tab A, second", 1)  # keeps "Tab A, first"
    clock.advance(seconds=2)
    with pytest.raises(services.SaveConflict) as conflict:
        save(assignment, student, "Tab B's answer", 1)
    stored = conflict.value.response
    save(assignment, student, "Tab B's answer", stored.revision, resolves_conflict=True)
    assert kept() == [(1, "Tab A, first"), (2, "Tab A, second")]
    assert Response.objects.get().text == "Tab B's answer"


def saved_elsewhere(assignment, student):
    """Two saves from another tab: the first was just kept under (a), so within the next two
    minutes only "Keep mine" keeps anything."""
    save(assignment, student, "Older", 0)
    save(assignment, student, "Saved in the other tab", 1)
    assert kept() == [(1, "Older")]


def autosave(client, assignment, body, **kwargs):
    url = reverse("classroom:autosave", args=[assignment.pk])
    return client.post(url, json.dumps(body), content_type="application/json", **kwargs)


def test_keep_mine_through_autosave_keeps_the_other_tabs_text(client, student, assignment):
    prompt = assignment.prompts.first()
    saved_elsewhere(assignment, student)
    client.force_login(student)
    stale = autosave(client, assignment, {"prompt": prompt.pk, "text": "Mine", "revision": 1})
    assert stale.status_code == 409
    body = {"prompt": prompt.pk, "text": "Mine", "revision": 2, "keep_mine": True}
    assert autosave(client, assignment, body).status_code == 200
    assert Response.objects.get().text == "Mine"
    assert kept() == [(1, "Older"), (2, "Saved in the other tab")]


def test_a_save_without_keep_mine_keeps_nothing_new(client, student, assignment):
    prompt = assignment.prompts.first()
    saved_elsewhere(assignment, student)
    client.force_login(student)
    body = {"prompt": prompt.pk, "text": "Mine", "revision": 2}
    assert autosave(client, assignment, body).status_code == 200
    assert kept() == [(1, "Older")]


@pytest.mark.parametrize("flag", ["yes", 1, "1", False])
def test_only_a_true_keep_mine_counts(client, student, assignment, flag):
    prompt = assignment.prompts.first()
    saved_elsewhere(assignment, student)
    client.force_login(student)
    body = {"prompt": prompt.pk, "text": "Mine", "revision": 2, "keep_mine": flag}
    assert autosave(client, assignment, body).status_code == 200
    assert kept() == [(1, "Older")]


def test_keep_mine_needs_the_current_revision(client, student, assignment):
    # "Keep mine" based on a version that has since changed again is a new conflict.
    prompt = assignment.prompts.first()
    saved_elsewhere(assignment, student)
    client.force_login(student)
    body = {"prompt": prompt.pk, "text": "Mine", "revision": 1, "keep_mine": True}
    response = autosave(client, assignment, body)
    assert response.status_code == 409
    assert response.json()["text"] == "Saved in the other tab"
    assert Response.objects.get().text == "Saved in the other tab"
    assert kept() == [(1, "Older")]


def test_keep_mine_from_a_closing_page_beacon_keeps_the_other_text(client, student, assignment):
    prompt = assignment.prompts.first()
    saved_elsewhere(assignment, student)
    client.force_login(student)
    url = reverse("classroom:autosave", args=[assignment.pk])
    body = {"prompt": prompt.pk, "text": "Mine", "revision": 2, "keep_mine": "true"}
    assert client.post(url, body).status_code == 200
    assert kept() == [(1, "Older"), (2, "Saved in the other tab")]


def test_keep_mine_without_javascript_keeps_the_other_version(client, student, assignment):
    prompt = assignment.prompts.first()
    saved_elsewhere(assignment, student)
    client.force_login(student)
    url = reverse("classroom:workspace", args=[assignment.pk])
    conflict = client.post(url, {f"answer-{prompt.pk}": "Typed here", f"revision-{prompt.pk}": 0})
    assert conflict.status_code == 409
    assert (
        f'<input type="hidden" name="keep-{prompt.pk}" id="keep-{prompt.pk}" value="2">'
        in conflict.content.decode()
    )
    # Saving again from that page posts the revision it showed with the "keep" marker.
    data = {f"answer-{prompt.pk}": "Typed here", f"revision-{prompt.pk}": 2, f"keep-{prompt.pk}": 2}
    assert client.post(url, data).status_code == 302
    assert Response.objects.get().text == "Typed here"
    assert kept() == [(1, "Older"), (2, "Saved in the other tab")]


def test_an_ordinary_save_is_not_keep_mine(client, student, assignment, clock):
    prompt = assignment.prompts.first()
    save(assignment, student, "First", 0)
    clock.advance(seconds=2)
    save(assignment, student, "Second", 1)  # keeps "First"
    client.force_login(student)
    url = reverse("classroom:workspace", args=[assignment.pk])
    # A "keep" marker for another revision than the one posted means nothing.
    data = {f"answer-{prompt.pk}": "Third", f"revision-{prompt.pk}": 2, f"keep-{prompt.pk}": 7}
    assert client.post(url, data).status_code == 302
    assert kept() == [(1, "First")]


# --- (c) what was turned in is kept ------------------------------------------------------------


def test_turning_in_keeps_every_answer_as_turned_in(assignment, student, clock):
    first, second, third = assignment.prompts.all()
    save(assignment, student, "Answer one", 0, prompt=first)
    save(assignment, student, "Answer two", 0, prompt=second)
    services.submission_turn_in(assignment=assignment, student=student)
    assert kept(first) == [(1, "Answer one")]
    assert kept(second) == [(1, "Answer two")]
    assert kept(third) == []  # never answered
    # Turning in twice keeps nothing more.
    services.submission_turn_in(assignment=assignment, student=student)
    assert ResponseRevision.objects.count() == 2


def turn_in_then_take_back(assignment, student, text):
    """A first answer, turned in (which keeps it), then unsubmitted to edit again."""
    save(assignment, student, text, 0)
    submission = services.submission_turn_in(assignment=assignment, student=student)
    services.submission_unsubmit(submission=submission)


def test_every_turned_in_version_is_kept(assignment, student, clock):
    turn_in_then_take_back(assignment, student, "Version one")
    clock.advance(seconds=5)
    # The first overwrite after turning in finds the turned-in text already kept.
    save(assignment, student, "Version two", 1)
    assert kept() == [(1, "Version one")]
    services.submission_turn_in(assignment=assignment, student=student)
    assert kept() == [(1, "Version one"), (2, "Version two")]
    assert Submission.objects.get().turn_in_count == 2


def test_editing_work_turned_in_long_ago_keeps_its_text_once(assignment, student, clock):
    turn_in_then_take_back(assignment, student, "Version one")
    clock.advance(minutes=30)
    # Over 2 minutes since anything was kept, but this very text was kept when turned in.
    save(assignment, student, "Version two", 1)
    assert kept() == [(1, "Version one")]
    clock.advance(minutes=3)
    save(assignment, student, "Version three", 2)
    assert kept() == [(1, "Version one"), (2, "Version two")]


def test_the_turn_in_view_keeps_the_answers_it_saved(client, student, assignment):
    prompt = assignment.prompts.first()
    client.force_login(student)
    url = reverse("classroom:turn-in", args=[assignment.pk])
    data = {f"answer-{prompt.pk}": "Typed and turned in", f"revision-{prompt.pk}": 0}
    assert client.post(url, data).status_code == 302
    assert kept() == [(1, "Typed and turned in")]


def test_a_failed_turn_in_keeps_no_version(assignment, student, monkeypatch):
    save(assignment, student, "Draft", 0)

    def broken(submission):
        raise DatabaseError("simulated")

    monkeypatch.setattr(services, "receipt_for", broken)
    with pytest.raises(DatabaseError):
        services.submission_turn_in(assignment=assignment, student=student)
    assert kept() == []
    assert Submission.objects.get().state == Submission.State.DRAFT


def test_deleting_an_answer_deletes_its_kept_versions(assignment, student, clock):
    save(assignment, student, "One", 0)
    save(assignment, student, "Two", 1)
    Response.objects.all().delete()
    assert not ResponseRevision.objects.exists()
