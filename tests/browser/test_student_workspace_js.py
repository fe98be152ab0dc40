"""The workspace script in a real browser: autosave, the local copy, offline, an expired session,
two tabs, a refused answer, and leaving the page or logging out with unsaved text.

Each test checks what the student sees and what the database holds. The browser and logged-in
profiles come from tests/browser/conftest.py.
"""

import json
import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from classroom import services
from classroom.models import Response, ResponseRevision
from tests import factories
from tests.browser.support import expect, session_cookie, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "Kim 🇰🇵🤝🇨🇳 «مرحبا» 中国 e\u0301 👩🏽‍🚀\nsecond line"
SAVED = 8000  # ms to wait for a save the script makes 2 s after typing


@pytest.fixture
def context(new_context, student):
    """A browser profile in which ``student`` is logged in."""
    return new_context(student)


def open_workspace(context, assignment):
    page = context.new_page()
    page.goto(reverse("classroom:workspace", args=[assignment.pk]))
    return page


def box(page, prompt):
    return page.locator(f"#answer-{prompt.pk}")


def status(page, prompt):
    return page.locator(f"#status-{prompt.pk}")


def local_copies(page, student, assignment, prompt):
    prefix = f"workspace:{student.pk}:{assignment.pk}:{prompt.pk}:"
    return page.evaluate(
        """(prefix) => Object.keys(localStorage)
            .filter((key) => key.startsWith(prefix))
            .map((key) => JSON.parse(localStorage.getItem(key)))""",
        prefix,
    )


def stored(prompt):
    response = Response.objects.filter(prompt=prompt).first()
    return response.text if response else None


def wait_for_text(page, prompt, text, timeout=SAVED):
    """Poll the database (the browser saves in the background) until the answer is ``text``."""
    wait_for(page, lambda: stored(prompt) == text, timeout, f"the answer {text!r}")
    assert stored(prompt) == text


def test_typing_saves_after_a_pause_and_shows_the_time(context, student, assignment):
    prompt = assignment.prompts.first()
    page = open_workspace(context, assignment)
    box(page, prompt).fill(TEXT)
    expect(status(page, prompt)).to_have_text("Not saved yet…")
    assert local_copies(page, student, assignment, prompt)[0]["text"] == TEXT
    expect(status(page, prompt)).to_have_text(
        re.compile(r"^Saved \d{1,2}:\d\d [AP]M$"), timeout=SAVED
    )
    assert stored(prompt).encode() == TEXT.encode()
    # Confirmed by the server: the device copy is gone.
    assert local_copies(page, student, assignment, prompt) == []


def test_offline_text_is_kept_on_the_device_and_saved_when_back_online(
    context, student, assignment
):
    prompt = assignment.prompts.first()
    page = open_workspace(context, assignment)
    context.set_offline(True)
    box(page, prompt).fill(TEXT)
    box(page, prompt).blur()
    expect(status(page, prompt)).to_contain_text("Offline — kept on this device", timeout=SAVED)
    assert local_copies(page, student, assignment, prompt)[0]["text"] == TEXT
    assert stored(prompt) is None
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(status(page, prompt)).to_contain_text("Saved", timeout=SAVED)
    assert stored(prompt).encode() == TEXT.encode()
    assert local_copies(page, student, assignment, prompt) == []


def seed_copy(page, student, assignment, prompt, text, base):
    key = f"workspace:{student.pk}:{assignment.pk}:{prompt.pk}:crashed-tab"
    value = json.dumps({"text": text, "base": base, "at": "2030-01-01T00:00:00Z"})
    page.evaluate("([key, value]) => localStorage.setItem(key, value)", [key, value])


def test_after_a_crash_the_kept_text_is_restored_and_saved(context, student, assignment):
    prompt = assignment.prompts.first()
    page = open_workspace(context, assignment)
    seed_copy(page, student, assignment, prompt, TEXT, 0)  # left behind by a crashed tab
    page.reload()
    expect(box(page, prompt)).to_have_value(TEXT)
    wait_for_text(page, prompt, TEXT)
    expect(status(page, prompt)).to_contain_text("Saved", timeout=SAVED)
    assert local_copies(page, student, assignment, prompt) == []


def test_a_kept_copy_older_than_the_saved_answer_offers_both(context, student, assignment):
    prompt = assignment.prompts.first()
    page = open_workspace(context, assignment)
    seed_copy(page, student, assignment, prompt, "Typed offline on this laptop", 0)
    # Two saves from the phone; the second keeps the first, so for the next two minutes only
    # "Keep mine" keeps anything more.
    for revision, text in enumerate(["Phone draft", "Saved later from the phone"]):
        services.response_save(
            assignment=assignment, student=student, prompt=prompt, text=text, base_revision=revision
        )
    page.reload()
    panel = page.locator(f"#prompt-{prompt.pk} .answer-conflict")
    expect(panel).to_contain_text("Saved later from the phone")
    expect(box(page, prompt)).to_have_value("Typed offline on this laptop")
    expect(status(page, prompt)).to_have_text("Not saved: choose which version to keep.")
    page.wait_for_timeout(2500)
    assert stored(prompt) == "Saved later from the phone"  # nothing overwritten unasked
    panel.get_by_role("button", name="Keep mine").click()
    wait_for_text(page, prompt, "Typed offline on this laptop")
    assert ResponseRevision.objects.filter(text="Saved later from the phone").exists()


def test_two_tabs_never_overwrite_each_other(context, student, assignment):
    prompt = assignment.prompts.first()
    services.response_save(
        assignment=assignment, student=student, prompt=prompt, text="Older", base_revision=0
    )
    tab_a = open_workspace(context, assignment)
    tab_b = open_workspace(context, assignment)
    box(tab_a, prompt).fill("From tab A")
    box(tab_a, prompt).blur()
    wait_for_text(tab_a, prompt, "From tab A")
    assert list(ResponseRevision.objects.values_list("text", flat=True)) == ["Older"]
    box(tab_b, prompt).fill("From tab B")
    box(tab_b, prompt).blur()
    panel = tab_b.locator(f"#prompt-{prompt.pk} .answer-conflict")
    expect(panel).to_contain_text("From tab A", timeout=SAVED)
    expect(status(tab_b, prompt)).to_have_text("Not saved: choose which version to keep.")
    assert stored(prompt) == "From tab A"
    # Tab A's copy and tab B's copy are both on the device until each is settled.
    texts = {c["text"] for c in local_copies(tab_b, student, assignment, prompt)}
    assert "From tab B" in texts
    panel.get_by_role("button", name="Keep mine").click()
    wait_for_text(tab_b, prompt, "From tab B")
    assert ResponseRevision.objects.filter(text="From tab A").exists()


@pytest.mark.parametrize("httponly", [False, True])
def test_after_the_session_expires_the_text_is_saved_once_logged_in_again(
    context, log_in, student, assignment, settings, httponly
):
    settings.CSRF_COOKIE_HTTPONLY = httponly  # then the script fetches a fresh page token
    prompt = assignment.prompts.first()
    page = open_workspace(context, assignment)
    Session.objects.all().delete()
    box(page, prompt).fill(TEXT)
    box(page, prompt).blur()
    expect(status(page, prompt)).to_contain_text("Your session ended", timeout=SAVED)
    expect(status(page, prompt).get_by_role("link")).to_have_text("Log in (opens a new tab)")
    assert local_copies(page, student, assignment, prompt)[0]["text"] == TEXT
    assert stored(prompt) is None
    # Log in again in another tab (this rotates the CSRF token).
    log_in(context.new_page(), student.username, factories.PASSWORD)
    assert Session.objects.exists()
    page.bring_to_front()
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    wait_for_text(page, prompt, TEXT)
    assert stored(prompt).encode() == TEXT.encode()
    expect(status(page, prompt)).to_contain_text("Saved", timeout=SAVED)
    assert local_copies(page, student, assignment, prompt) == []


def test_an_over_long_answer_shows_why_and_stays_on_the_device(
    context, student, assignment, settings
):
    settings.ANSWER_MAX_CHARS = 20
    prompt = assignment.prompts.first()
    page = open_workspace(context, assignment)
    box(page, prompt).fill("This answer is much too long")
    box(page, prompt).blur()
    expect(status(page, prompt)).to_contain_text("the limit is 20", timeout=SAVED)
    expect(status(page, prompt)).to_contain_text("kept on this device")
    expect(box(page, prompt)).to_have_value("This answer is much too long")
    copies = local_copies(page, student, assignment, prompt)
    assert copies[0]["text"] == "This answer is much too long"
    assert stored(prompt) is None


def test_logging_out_saves_unsaved_text_first(context, student, assignment):
    prompt = assignment.prompts.first()
    page = open_workspace(context, assignment)
    box(page, prompt).fill(TEXT)
    # Straight to "Log out", before the 2 s pause has passed (and without leaving the box,
    # which would save it anyway).
    page.evaluate("document.querySelector('form[action$=\"/accounts/logout/\"]').requestSubmit()")
    page.wait_for_url("**/accounts/login/**")
    assert stored(prompt).encode() == TEXT.encode()
    # Confirmed saved, so nothing of this student's is left on the shared device.
    assert local_copies(page, student, assignment, prompt) == []


def test_leaving_the_page_saves_unsaved_text(context, student, assignment):
    prompt = assignment.prompts.first()
    page = open_workspace(context, assignment)
    box(page, prompt).fill(TEXT)
    page.goto(reverse("classroom:student-dashboard"))
    wait_for_text(page, prompt, TEXT)


def test_unsaved_text_is_retried_every_few_seconds_without_any_event(
    context, live_server, student, assignment
):
    prompt = assignment.prompts.first()
    page = context.new_page()
    page.clock.install()  # the page's timers run only when the test moves its clock
    page.goto(reverse("classroom:workspace", args=[assignment.pk]))
    Session.objects.all().delete()
    box(page, prompt).fill(TEXT)
    page.clock.run_for(2500)
    expect(status(page, prompt)).to_contain_text("Your session ended", timeout=SAVED)
    # Logged in again without opening another page: a page switching focus would send it at once
    # (the script retries on focus), and this test is about the timer alone.
    context.add_cookies([session_cookie(live_server, student)])
    page.clock.run_for(10_000)
    page.wait_for_timeout(500)
    assert stored(prompt) is None  # not yet: the retry comes every 15 s
    page.clock.run_for(6_000)
    wait_for_text(page, prompt, TEXT)
