import datetime
import json

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from classroom import services
from classroom.models import Response, Submission
from tests import factories


def url(assignment):
    return reverse("classroom:autosave", args=[assignment.pk])


def post(client, assignment, body, **extra):
    return client.post(
        url(assignment),
        data=body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
        **extra,
    )


def test_it_saves_an_answer(client, student, assignment):
    prompt = assignment.prompts.first()
    client.force_login(student)
    response = post(client, assignment, {"prompt": prompt.pk, "text": "Typing…", "revision": 0})
    assert response.status_code == 200
    data = response.json()
    answer = Response.objects.get(prompt=prompt, submission__student=student)
    assert answer.text == "Typing…"
    assert data["revision"] == answer.revision == 1
    assert datetime.datetime.fromisoformat(data["saved_at"]) == answer.saved_at
    assert data["saved_at_display"] == timezone.localtime(answer.saved_at).strftime("%-I:%M %p")
    assert Submission.objects.get(student=student).state == Submission.State.DRAFT


def test_each_save_builds_on_the_last(client, student, assignment):
    prompt = assignment.prompts.first()
    client.force_login(student)
    first = post(client, assignment, {"prompt": prompt.pk, "text": "A", "revision": 0}).json()
    second = post(
        client, assignment, {"prompt": prompt.pk, "text": "AB", "revision": first["revision"]}
    )
    assert second.status_code == 200
    assert second.json()["revision"] == 2
    assert Response.objects.get(prompt=prompt).text == "AB"


def test_a_stale_revision_is_a_conflict(client, student, assignment):
    prompt = assignment.prompts.first()
    services.response_save(
        assignment=assignment,
        student=student,
        prompt=prompt,
        text="Saved in another tab.",
        base_revision=0,
    )
    client.force_login(student)
    response = post(client, assignment, {"prompt": prompt.pk, "text": "Mine.", "revision": 0})
    assert response.status_code == 409
    data = response.json()
    assert data["text"] == "Saved in another tab."
    assert data["revision"] == 1
    assert data["error"]
    assert Response.objects.get(prompt=prompt).text == "Saved in another tab."
    # "Keep mine": the script sends again with the server's revision.
    again = post(client, assignment, {"prompt": prompt.pk, "text": "Mine.", "revision": 1})
    assert again.status_code == 200
    assert Response.objects.get(prompt=prompt).text == "Mine."


def test_it_stores_unicode_byte_for_byte(client, student, assignment):
    prompt = assignment.prompts.first()
    text = "🇰🇵🤝🇨🇳 «مرحبا» וְשָׁלוֹם e\u0301\u0301 a\u030a \ufeffZWJ👨‍👩‍👧 \u202eRTL override"
    client.force_login(student)
    response = post(client, assignment, {"prompt": prompt.pk, "text": text, "revision": 0})
    assert response.status_code == 200
    assert Response.objects.get(prompt=prompt).text.encode() == text.encode()


def test_it_refuses_an_over_long_answer(client, student, assignment, settings):
    settings.ANSWER_MAX_CHARS = 5
    prompt = assignment.prompts.first()
    client.force_login(student)
    response = post(client, assignment, {"prompt": prompt.pk, "text": "123456", "revision": 0})
    assert response.status_code == 400
    assert "the limit is 5" in response.json()["error"]
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        {"text": "No prompt", "revision": 0},
        {"prompt": "abc", "text": "x", "revision": 0},
        {"prompt": "PROMPT", "revision": 0},
        {"prompt": "PROMPT", "text": 5, "revision": 0},
        {"prompt": "PROMPT", "text": "x", "revision": -1},
        {"prompt": "PROMPT", "text": "x", "revision": "many"},
    ],
)
def test_it_refuses_malformed_requests(client, student, assignment, body):
    if isinstance(body, dict) and body.get("prompt") == "PROMPT":
        body = body | {"prompt": assignment.prompts.first().pk}
    client.force_login(student)
    response = post(client, assignment, body)
    assert response.status_code == 400
    assert response.json()["error"]
    assert not Response.objects.exists()


def test_it_refuses_a_prompt_of_another_assignment(client, student, assignment, other_assignment):
    client.force_login(student)
    body = {"prompt": other_assignment.prompts.first().pk, "text": "x", "revision": 0}
    response = post(client, assignment, body)
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_it_refuses_changes_to_turned_in_work(client, student, assignment):
    prompt = assignment.prompts.first()
    services.response_save(
        assignment=assignment, student=student, prompt=prompt, text="Done.", base_revision=0
    )
    services.submission_turn_in(assignment=assignment, student=student)
    client.force_login(student)
    response = post(client, assignment, {"prompt": prompt.pk, "text": "Edit", "revision": 1})
    assert response.status_code == 400
    assert "Unsubmit" in response.json()["error"]
    assert Response.objects.get(prompt=prompt).text == "Done."


def test_it_accepts_a_beacon_form_body(student, assignment):
    # navigator.sendBeacon cannot set headers: the CSRF token travels in the body.
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    page = client.get(reverse("classroom:workspace", args=[assignment.pk]))
    token = page.context["csrf_token"]
    prompt = assignment.prompts.first()
    response = client.post(
        url(assignment),
        {"csrfmiddlewaretoken": str(token), "prompt": prompt.pk, "text": "Closing", "revision": 0},
    )
    assert response.status_code == 200
    assert Response.objects.get(prompt=prompt).text == "Closing"


def test_it_is_csrf_protected(student, assignment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    prompt = assignment.prompts.first()
    body = {"prompt": prompt.pk, "text": "x", "revision": 0}
    assert post(client, assignment, body).status_code == 403
    assert not Response.objects.exists()
    page = client.get(reverse("classroom:workspace", args=[assignment.pk]))
    token = str(page.context["csrf_token"])
    assert post(client, assignment, body, headers={"X-CSRFToken": token}).status_code == 200


def test_it_only_accepts_post(client, student, assignment):
    client.force_login(student)
    assert client.get(url(assignment)).status_code == 405


def test_visitors_get_401_json_not_a_redirect(client, assignment):
    prompt = assignment.prompts.first()
    response = post(client, assignment, {"prompt": prompt.pk, "text": "x", "revision": 0})
    assert response.status_code == 401
    assert response.json() == {"error": "login"}
    assert not Response.objects.exists()


def test_teachers_get_403(client, teacher, assignment):
    client.force_login(teacher)
    prompt = assignment.prompts.first()
    response = post(client, assignment, {"prompt": prompt.pk, "text": "x", "revision": 0})
    assert response.status_code == 403
    assert not Response.objects.exists()


def test_students_of_other_classes_get_404(client, other_student, assignment, other_assignment):
    client.force_login(other_student)
    prompt = assignment.prompts.first()
    response = post(client, assignment, {"prompt": prompt.pk, "text": "x", "revision": 0})
    assert response.status_code == 404
    assert response.json()["error"]
    assert not Response.objects.exists()


def test_it_is_404_once_the_class_is_archived(client, student, assignment):
    assignment.classroom.archived = True
    assignment.classroom.save()
    client.force_login(student)
    prompt = assignment.prompts.first()
    response = post(client, assignment, {"prompt": prompt.pk, "text": "x", "revision": 0})
    assert response.status_code == 404
    assert not Response.objects.exists()


# --- Expired sessions: 401, then the kept text arrives after logging in again -------------------


def test_an_expired_session_gets_401_json_not_a_redirect(client, student, assignment):
    prompt = assignment.prompts.first()
    client.force_login(student)
    client.session.flush()  # the session ran out on the server
    Session.objects.all().delete()
    response = post(client, assignment, {"prompt": prompt.pk, "text": "Kept", "revision": 0})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "login"}
    assert not Response.objects.exists()


def test_after_logging_in_again_the_kept_text_is_saved_byte_for_byte(student, assignment):
    prompt = assignment.prompts.first()
    text = "Line one\n  indented «ملاحظة» 漢字 👩🏽‍🔬 e\u0301 \u200dend\n"
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    page = client.get(reverse("classroom:workspace", args=[assignment.pk]))
    old_token = str(page.context["csrf_token"])
    Session.objects.all().delete()  # the session expires while the student types
    expired = post(
        client,
        assignment,
        {"prompt": prompt.pk, "text": text, "revision": 0},
        headers={"X-CSRFToken": old_token},
    )
    assert expired.status_code == 401
    # The student logs in again in another tab; logging in rotates the CSRF token.
    login_page = client.get(reverse("accounts:login"))
    login = client.post(
        reverse("accounts:login"),
        {
            "username": "student",
            "password": factories.PASSWORD,
            "csrfmiddlewaretoken": str(login_page.context["csrf_token"]),
        },
    )
    assert login.status_code == 302
    cookie = django_settings.CSRF_COOKIE_NAME
    body = {"prompt": prompt.pk, "text": text, "revision": 0}
    # The token rendered into the old page is outdated now (the script then reads the cookie
    # or fetches a fresh page token) ...
    assert post(client, assignment, body, headers={"X-CSRFToken": old_token}).status_code == 403
    # ... and with the current one the text the browser kept is saved exactly.
    fresh = client.cookies[cookie].value
    saved = post(client, assignment, body, headers={"X-CSRFToken": fresh})
    assert saved.status_code == 200
    stored = Response.objects.get(prompt=prompt, submission__student=student)
    assert stored.text.encode("utf-8") == text.encode("utf-8")
    assert saved.json()["revision"] == stored.revision == 1


def test_the_page_tells_the_script_the_csrf_cookie_name(client, student, assignment):
    client.force_login(student)
    response = client.get(reverse("classroom:workspace", args=[assignment.pk]))
    assert f'data-csrf-cookie="{django_settings.CSRF_COOKIE_NAME}"' in response.content.decode()


# --- Exact text --------------------------------------------------------------------------------


def test_it_stores_cjk_and_joined_emoji_exactly(client, student, assignment):
    prompt = assignment.prompts.first()
    text = "朝鲜的唯一盟友是中国。北朝鮮の同盟国。북한 👨‍👩‍👧‍👦 🏳️‍🌈 ‏עברית‎ a\u0301\u0327"
    client.force_login(student)
    response = post(client, assignment, {"prompt": prompt.pk, "text": text, "revision": 0})
    assert response.status_code == 200
    assert Response.objects.get().text.encode("utf-8") == text.encode("utf-8")


def test_it_stores_line_endings_as_newlines(client, student, assignment):
    # Documented in services.normalize_answer: CRLF and a lone CR become LF; nothing else changes.
    prompt = assignment.prompts.first()
    client.force_login(student)
    body = {"prompt": prompt.pk, "text": "a\r\nb\rc\n\td  ", "revision": 0}
    assert post(client, assignment, body).status_code == 200
    assert Response.objects.get().text == "a\nb\nc\n\td  "


def test_resending_saved_text_to_turned_in_work_is_harmless(client, student, assignment):
    # A save still in flight when the student pressed "Turn in" arrives after it.
    prompt = assignment.prompts.first()
    services.response_save(
        assignment=assignment, student=student, prompt=prompt, text="Done.", base_revision=0
    )
    services.submission_turn_in(assignment=assignment, student=student)
    client.force_login(student)
    response = post(client, assignment, {"prompt": prompt.pk, "text": "Done.", "revision": 1})
    assert response.status_code == 200
    assert response.json()["revision"] == 1
    assert Submission.objects.get().state == Submission.State.TURNED_IN


def test_an_over_long_answer_is_refused_with_a_message_the_script_shows(
    client, student, assignment, settings
):
    settings.ANSWER_MAX_CHARS = 10
    prompt = assignment.prompts.first()
    services.response_save(
        assignment=assignment, student=student, prompt=prompt, text="Short.", base_revision=0
    )
    client.force_login(student)
    body = {"prompt": prompt.pk, "text": "Far too long now", "revision": 1}
    response = post(client, assignment, body)
    assert response.status_code == 400
    assert response.json()["error"] == (
        "This answer is 16 characters long; the limit is 10. Shorten it and save again — "
        "your text is still in the box."
    )
    stored = Response.objects.get()
    assert (stored.text, stored.revision) == ("Short.", 1)


# --- Database errors ---------------------------------------------------------------------------


def test_a_database_error_is_a_503_json_and_a_retry_saves(client, student, assignment, monkeypatch):
    prompt = assignment.prompts.first()
    original = Response.save
    calls = []

    def flaky(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Response, "save", flaky)
    client.force_login(student)
    body = {"prompt": prompt.pk, "text": "Wait for me", "revision": 0}
    response = post(client, assignment, body)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert "trying again" in response.json()["error"]
    assert not Response.objects.exists()
    again = post(client, assignment, body)
    assert again.status_code == 200
    assert Response.objects.get().text == "Wait for me"


def test_half_an_emoji_is_stored_as_a_replacement_character_not_a_500(client, student, assignment):
    # JSON can carry a lone UTF-16 surrogate (a script's string cut mid-emoji); no database can
    # store one. A whole emoji written as an escaped pair stays the emoji.
    prompt = assignment.prompts.first()
    client.force_login(student)
    text = r'"cut \ud83d | whole \ud83d\ude00"'
    body = f'{{"prompt": {prompt.pk}, "text": {text}, "revision": 0}}'
    response = post(client, assignment, body)
    assert response.status_code == 200
    assert Response.objects.get().text == "cut \ufffd | whole 😀"
