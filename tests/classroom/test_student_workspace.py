import datetime

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from classroom import services
from classroom.models import Response, Submission
from lessons import text as services_text
from tests import factories


def url(assignment):
    return reverse("classroom:workspace", args=[assignment.pk])


def save(assignment, student, prompt, text, revision=0):
    return services.response_save(
        assignment=assignment, student=student, prompt=prompt, text=text, base_revision=revision
    )


def turn_in(assignment, student, text="My answer."):
    save(assignment, student, assignment.prompts.first(), text)
    return services.submission_turn_in(assignment=assignment, student=student)


def form(assignment, answers, revisions=None):
    """POST data for the answers form: {prompt: text}, revisions default to 0."""
    revisions = revisions or {}
    data = {}
    for prompt, text in answers.items():
        data[f"answer-{prompt.pk}"] = text
        data[f"revision-{prompt.pk}"] = str(revisions.get(prompt, 0))
    return data


# --- What the page shows -----------------------------------------------------------------------


def test_it_shows_the_reading_glossary_and_prompts(client, student, assignment):
    client.force_login(student)
    response = client.get(url(assignment))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("<h1") == 1
    assert "Read, then answer every prompt." in content  # the teacher's instructions
    assert 'id="why-does-it-matter"' in content  # the reading, with section anchors
    assert 'class="glossary-term" href="#term-sanctions"' in content
    assert "Measures that restrict trade with a country." in content  # the glossary
    for prompt in assignment.prompts.all():
        assert prompt.text in content
        assert f'<label class="form-label fw-semibold" for="answer-{prompt.pk}">' in content
        assert f'name="answer-{prompt.pk}"' in content
        assert f'name="revision-{prompt.pk}"' in content
    assert "Not turned in yet" in content
    assert 'class="state state-not-started"' in content
    assert reverse("classroom:turn-in", args=[assignment.pk]) in content
    assert f'datetime="{timezone.localtime(assignment.due_at):%Y-%m-%dT%H:%M:%S%z}"' in content
    assert "js/workspace.js" in content


def test_it_has_no_inline_script_or_style(client, student, assignment):
    client.force_login(student)
    content = client.get(url(assignment)).content.decode()
    assert "<script>" not in content
    assert 'style="' not in content
    assert " onclick=" not in content and " oninput=" not in content
    assert '<script src="/static/js/workspace.js" defer></script>' in content


def test_it_links_a_prompt_to_its_reading_section(client, student, assignment):
    prompt = assignment.prompts.first()
    prompt.section_anchor = "why-does-it-matter"
    prompt.save()
    client.force_login(student)
    response = client.get(url(assignment))
    assert b'<a href="#why-does-it-matter">' in response.content


def test_a_get_never_creates_rows(client, student, assignment):
    client.force_login(student)
    client.get(url(assignment))
    assert not Submission.objects.exists()
    assert not Response.objects.exists()


def test_it_shows_saved_answers_exactly(client, student, assignment):
    prompt = assignment.prompts.first()
    save(assignment, student, prompt, "\nStarts with a line break <b>not bold</b> & more")
    client.force_login(student)
    response = client.get(url(assignment))
    # The extra newline after <textarea> is eaten by the HTML parser; the answer's own stays.
    assert b'aria-describedby="status-%d">\n\nStarts with a line break' % prompt.pk in (
        response.content
    )
    assert b"&lt;b&gt;not bold&lt;/b&gt; &amp; more" in response.content
    assert b'data-revision="1"' in response.content
    assert b"Saved <time" in response.content


def test_it_never_shows_teacher_notes(client, student, assignment):
    client.force_login(student)
    notes = b"Look for evidence from the text."
    assert notes not in client.get(url(assignment)).content
    submission = turn_in(assignment, student)
    assert notes not in client.get(url(assignment)).content
    services.submission_return(submission=submission)
    assert notes not in client.get(url(assignment)).content


def test_it_never_shows_feedback_before_it_is_returned(client, student, assignment):
    submission = turn_in(assignment, student)
    services.feedback_save(
        submission=submission,
        comment="Working overall comment",
        responses={submission.responses.get().pk: ("Working answer comment", 3)},
    )
    client.force_login(student)
    response = client.get(url(assignment))
    assert b"Working overall comment" not in response.content
    assert b"Working answer comment" not in response.content
    assert b"Feedback from your teacher" not in response.content


def test_it_shows_returned_feedback_exactly_as_written(client, student, assignment):
    submission = turn_in(assignment, student)
    answer = submission.responses.get()
    services.feedback_save(
        submission=submission,
        comment="Good work.\n\n  Indented line <i>kept</i>",
        responses={answer.pk: ("Use a quote.\nFrom paragraph 2.", 3)},
    )
    services.submission_return(submission=submission)
    # The teacher keeps editing after returning: the student sees only what was returned.
    services.feedback_save(
        submission=submission,
        comment="Not yet returned edit",
        responses={answer.pk: ("Not yet returned answer edit", 4)},
    )
    client.force_login(student)
    response = client.get(url(assignment))
    content = response.content.decode()
    assert "Returned by your teacher" in content
    assert (
        '<div class="feedback">Good work.\n\n  Indented line &lt;i&gt;kept&lt;/i&gt;</div>'
        in content
    )
    assert '<div class="feedback">Use a quote.\nFrom paragraph 2.</div>' in content
    assert "3 / 4 points" in content
    assert "Score: <strong>3 / 12</strong>" in content
    assert "Not yet returned" not in content
    # Returned work can be revised and turned in again.
    assert "disabled" not in content.split(f'id="answer-{answer.prompt_id}"')[1].split(">")[0]
    assert "Turn in again" in content


def test_turned_in_work_shows_the_receipt_and_read_only_boxes(client, student, assignment):
    submission = turn_in(assignment, student)
    client.force_login(student)
    response = client.get(url(assignment))
    content = response.content.decode()
    assert "Turned in" in content
    assert submission.receipt in content
    assert reverse("classroom:unsubmit", args=[assignment.pk]) in content
    assert ">Unsubmit</button>" in content
    for prompt in assignment.prompts.all():
        assert " disabled>" in content.split(f'id="answer-{prompt.pk}"')[1].split("\n")[0]
    assert reverse("classroom:turn-in", args=[assignment.pk]) not in content


def test_after_the_due_time_it_offers_no_unsubmit(client, student, assignment):
    turn_in(assignment, student)
    assignment.due_at = timezone.now() - datetime.timedelta(minutes=1)
    assignment.save()
    client.force_login(student)
    response = client.get(url(assignment))
    assert b">Unsubmit</button>" not in response.content
    assert b"can no longer be unsubmitted" in response.content


def test_it_shows_late_work_as_late(client, student, assignment):
    save(assignment, student, assignment.prompts.first(), "Late answer.")
    services.submission_turn_in(
        assignment=assignment, student=student, now=assignment.due_at + datetime.timedelta(hours=2)
    )
    client.force_login(student)
    response = client.get(url(assignment))
    assert b"state-late" in response.content
    assert b"so it is marked late" in response.content


def test_a_closed_assignment_is_read_only(client, student, classroom, lesson):
    now = timezone.now()
    assignment = factories.make_assignment(
        classroom,
        lesson,
        opens_at=now - datetime.timedelta(days=2),
        due_at=now - datetime.timedelta(hours=1),
        late_policy="close",
    )
    client.force_login(student)
    response = client.get(url(assignment))
    assert b"closed at its due time" in response.content
    assert reverse("classroom:turn-in", args=[assignment.pk]).encode() not in response.content


# --- Saving without JavaScript -----------------------------------------------------------------


def test_it_saves_every_answer_and_says_so(client, student, assignment):
    first, second, third = assignment.prompts.all()
    client.force_login(student)
    response = client.post(
        url(assignment), form(assignment, {first: "One", second: "Two\r\nlines", third: ""})
    )
    assert response.status_code == 302
    assert response.url == url(assignment)
    stored = {r.prompt_id: r.text for r in Response.objects.all()}
    assert stored == {first.pk: "One", second.pk: "Two\nlines"}
    submission = Submission.objects.get(student=student)
    assert submission.state == Submission.State.DRAFT
    page = client.get(response.url)
    assert b"Draft saved at" in page.content


def test_it_stores_unicode_byte_for_byte(client, student, assignment):
    prompt = assignment.prompts.first()
    text = "😀👩🏽‍🚀 مرحبا بالعالم שלום Ame\u0301lie n\u0303 Z\u0351\u0324a\u0306lgo 𝔘𝔫𝔦"
    client.force_login(student)
    client.post(url(assignment), form(assignment, {prompt: text}))
    answer = Response.objects.get(prompt=prompt)
    assert answer.text.encode("utf-8") == text.encode("utf-8")
    assert text.encode() in client.get(url(assignment)).content


def test_it_refuses_an_over_long_answer_and_keeps_all_the_text(
    client, student, assignment, settings
):
    settings.ANSWER_MAX_CHARS = 20
    first, second, _ = assignment.prompts.all()
    client.force_login(student)
    too_long = "This answer is far too long to keep"
    response = client.post(url(assignment), form(assignment, {first: too_long, second: "Fine"}))
    assert response.status_code == 400
    content = response.content.decode()
    assert f"\n{too_long}</textarea>" in content
    assert "\nFine</textarea>" in content
    assert "the limit is 20" in content
    assert f'id="error-{first.pk}"' in content
    assert f'data-unsaved="true" aria-describedby="status-{first.pk} error-{first.pk}"' in content
    assert not Response.objects.filter(prompt=first).exists()
    # The other answer was fine, so it was saved.
    assert Response.objects.get(prompt=second).text == "Fine"


def test_it_refuses_to_overwrite_work_saved_elsewhere(client, student, assignment):
    prompt = assignment.prompts.first()
    save(assignment, student, prompt, "Saved in the other tab.")
    client.force_login(student)
    response = client.post(url(assignment), form(assignment, {prompt: "Typed in this tab."}))
    assert response.status_code == 409
    content = response.content.decode()
    assert "\nTyped in this tab.</textarea>" in content
    assert "Saved in the other tab." in content
    assert "Saved elsewhere" in content
    assert f'name="revision-{prompt.pk}" id="revision-{prompt.pk}" value="1"' in content
    assert Response.objects.get(prompt=prompt).text == "Saved in the other tab."
    # Saving again from the re-rendered page is the student's choice to keep their version.
    response = client.post(
        url(assignment), form(assignment, {prompt: "Typed in this tab."}, {prompt: 1})
    )
    assert response.status_code == 302
    assert Response.objects.get(prompt=prompt).text == "Typed in this tab."


def test_it_refuses_changes_to_turned_in_work(client, student, assignment):
    turn_in(assignment, student, text="Turned in text.")
    prompt = assignment.prompts.first()
    client.force_login(student)
    response = client.post(url(assignment), form(assignment, {prompt: "Sneaky edit."}, {prompt: 1}))
    assert response.status_code == 400
    assert b"Unsubmit it to make changes" in response.content
    assert b"\nSneaky edit.</textarea>" in response.content
    assert Response.objects.get(prompt=prompt).text == "Turned in text."


def test_saving_unchanged_answers_says_nothing_changed(client, student, assignment):
    prompt = assignment.prompts.first()
    save(assignment, student, prompt, "Same.")
    client.force_login(student)
    response = client.post(
        url(assignment), form(assignment, {prompt: "Same."}, {prompt: 1}), follow=True
    )
    assert b"No changes to save" in response.content
    assert Response.objects.get(prompt=prompt).revision == 1


# --- Who may see it ----------------------------------------------------------------------------


def test_visitors_are_sent_to_log_in(client, assignment):
    response = client.get(url(assignment))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_teachers_get_403(client, teacher, assignment):
    client.force_login(teacher)
    assert client.get(url(assignment)).status_code == 403


def test_students_of_other_classes_get_404(client, other_student, assignment, other_assignment):
    client.force_login(other_student)
    assert client.get(url(assignment)).status_code == 404
    response = client.post(url(assignment), form(assignment, {assignment.prompts.first(): "x"}))
    assert response.status_code == 404
    assert not Response.objects.exists()
    assert client.get(url(other_assignment)).status_code == 200


def test_a_student_in_no_class_gets_404(client, assignment):
    client.force_login(factories.StudentFactory())
    assert client.get(url(assignment)).status_code == 404


@pytest.mark.parametrize("change", ["archived", "not_open", "removed"])
def test_it_is_404_when_the_class_is_archived_the_work_not_open_or_the_student_removed(
    client, student, assignment, change
):
    if change == "archived":
        assignment.classroom.archived = True
        assignment.classroom.save()
    elif change == "not_open":
        assignment.opens_at = timezone.now() + datetime.timedelta(hours=1)
        assignment.due_at = timezone.now() + datetime.timedelta(days=1)
        assignment.save()
    else:
        assignment.classroom.enrollments.filter(student=student).delete()
    client.force_login(student)
    assert client.get(url(assignment)).status_code == 404


def test_it_stores_line_endings_as_newlines(client, student, assignment):
    # Browsers post CRLF; a pasted lone CR is a line break too. Both are stored as LF.
    prompt = assignment.prompts.first()
    client.force_login(student)
    client.post(url(assignment), form(assignment, {prompt: "one\r\ntwo\rthree"}))
    assert Response.objects.get(prompt=prompt).text == "one\ntwo\nthree"


def test_a_database_error_keeps_every_answer_in_its_box_with_503(
    client, student, assignment, monkeypatch
):
    first, second, _ = assignment.prompts.all()
    original = Response.save
    calls = []

    def flaky(self, *args, **kwargs):
        calls.append(self.prompt_id)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Response, "save", flaky)
    client.force_login(student)
    answers = {first: "First — kept 🙂", second: "Second answer"}
    response = client.post(url(assignment), form(assignment, answers))
    assert response.status_code == 503
    content = response.content.decode()
    assert "Some answers were not saved" in content
    assert "Press Save draft again in a moment" in content
    assert "The server could not save this answer just now" in content
    for text in answers.values():
        assert f"\n{text}</textarea>" in content
    # The failed answer is marked unsaved, so the script keeps a copy and saves it later.
    assert f'data-unsaved="true" aria-describedby="status-{first.pk} error-{first.pk}"' in content
    assert not Response.objects.filter(prompt=first).exists()
    assert Response.objects.get(prompt=second).text == "Second answer"
    # Saving again works.
    again = client.post(url(assignment), form(assignment, answers, {second: 1}))
    assert again.status_code == 302
    assert {r.prompt_id: r.text for r in Response.objects.all()} == {
        p.pk: t for p, t in answers.items()
    }


# --- The rendered reading is kept (the "fragments" cache) --------------------------------------


def test_each_assignment_shows_its_own_reading_and_glossary_when_they_are_kept(
    client, student, classroom, monkeypatch
):
    """The reading and glossary HTML is kept per assignment, never shown for another."""
    lessons = []
    for title, term in [("Alliances in Asia", "Buffer zone"), ("Trade and aid", "Tariff")]:
        lesson = factories.LessonFactory(title=title)
        factories.ReadingFactory(lesson=lesson, title=title, body=f"Read about the {term}.")
        factories.GlossaryTermFactory(lesson=lesson, term=term, definition=f"{term} explained.")
        factories.PromptFactory(lesson=lesson)
        lessons.append(lesson)
    first, second = (factories.make_assignment(classroom, lesson) for lesson in lessons)
    client.force_login(student)
    prepared = []
    original = services_text.display_readings
    monkeypatch.setattr(
        services_text, "display_readings", lambda c: prepared.append(c) or original(c)
    )

    for _ in range(2):
        pages = [client.get(url(a)).content.decode() for a in (first, second)]

        assert "Alliances in Asia" in pages[0] and "Trade and aid" not in pages[0]
        assert "Buffer zone explained." in pages[0] and "Tariff explained." not in pages[0]
        assert "Trade and aid" in pages[1] and "Alliances in Asia" not in pages[1]
        assert "Tariff explained." in pages[1] and "Buffer zone explained." not in pages[1]
    # Prepared once per assignment; the second visits were served from the kept HTML.
    assert len(prepared) == 2
