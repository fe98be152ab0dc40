"""A whole class writing at once, minutes before the due time, against a real HTTP server.

Thirty students each autosave every answer several times and then turn in, all within a few
seconds, through the live server (one thread per request, one database connection each). Every
answer must arrive intact, every student must be turned in exactly once, and no request may fail
with a server error or "database is locked".
"""

import http.client
import json
import logging
import re
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from classroom import services
from classroom.models import Response, Submission
from tests import factories

STUDENTS = 30
SAVES_PER_ANSWER = 3
TOKEN_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """Just enough of a browser: keeps cookies, sends the CSRF token like the page script."""

    def __init__(self, base_url, cookies):
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies = dict(cookies)
        self.token = ""
        self.reconnects = 0

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(1, 6):
            # The test server accepts only a short queue of new connections (a real one, like
            # gunicorn, queues thousands): a refused connection never reached the app, so try
            # again as a browser would. Every save and turn-in is safe to resend anyway.
            connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                content = response.read()
                break
            except (ConnectionResetError, ConnectionRefusedError):
                self.reconnects += 1
                if attempt == 5:
                    raise
                time.sleep(0.05 * attempt)
            finally:
                connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, content

    def open_workspace(self, path):
        status, content = self.request("GET", path)
        match = TOKEN_INPUT.search(content.decode())
        self.token = match.group(1) if match else ""
        return status, content

    def autosave(self, path, prompt, text, revision):
        body = json.dumps({"prompt": prompt, "text": text, "revision": revision}).encode()
        return self.request(
            "POST",
            path,
            body,
            {"Content-Type": "application/json", "X-CSRFToken": self.token},
        )

    def post_form(self, path, data):
        body = urllib.parse.urlencode(data | {"csrfmiddlewaretoken": self.token}).encode()
        return self.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )


def answer_text(student_number, prompt_number, save_number):
    # Every kind of text a class writes: emoji with joiners, right-to-left, combining marks,
    # CJK, line breaks and trailing spaces — growing with each save, as typing does.
    parts = [
        f"Student {student_number}, question {prompt_number}:",
        "朝鲜的盟友 👩🏽‍🎓 «مرحبا» e\u0301\u0301",
        "line two\n\tindented  ",
        "x" * (40 * save_number),
    ]
    return "\n".join(parts[: 1 + save_number] if save_number < 3 else parts)


@pytest.mark.django_db(transaction=True)
def test_a_class_autosaving_and_turning_in_at_once_loses_nothing(
    live_server, classroom, lesson, caplog
):
    caplog.set_level(logging.WARNING)
    assignment = factories.make_assignment(classroom, lesson)
    prompts = list(assignment.prompts.all())
    students = [factories.StudentFactory() for _ in range(STUDENTS)]
    factories.enroll(classroom, *students)
    sessions = []
    for student in students:
        client = Client()
        client.force_login(student)
        sessions.append(
            {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
        )
    workspace = reverse("classroom:workspace", args=[assignment.pk])
    autosave = reverse("classroom:autosave", args=[assignment.pk])
    turn_in = reverse("classroom:turn-in", args=[assignment.pk])

    barrier = threading.Barrier(STUDENTS)
    statuses, bodies, errors = [], [], []
    lock = threading.Lock()

    def record(status, content):
        with lock:
            statuses.append(status)
            if status >= 500 or b"database is locked" in content:
                bodies.append(content[:500])

    def student_work(number):
        try:
            browser = Browser(live_server.url, sessions[number])
            record(*browser.open_workspace(workspace))
            barrier.wait(timeout=60)  # everyone starts typing at the same moment
            final = {}
            for save_number in range(1, SAVES_PER_ANSWER + 1):
                for position, prompt in enumerate(prompts, start=1):
                    text = answer_text(number, position, save_number)
                    revision = save_number - 1
                    status, content = browser.autosave(autosave, prompt.pk, text, revision)
                    record(status, content)
                    if status == 200:
                        assert json.loads(content)["revision"] == save_number
                    final[prompt.pk] = text
            form = {}
            for prompt in prompts:
                form[f"answer-{prompt.pk}"] = final[prompt.pk]
                form[f"revision-{prompt.pk}"] = str(SAVES_PER_ANSWER)
            record(*browser.post_form(turn_in, form))
        except Exception as error:  # reported by the test
            with lock:
                errors.append(repr(error))

    threads = [threading.Thread(target=student_work, args=(n,)) for n in range(STUDENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert bodies == []
    # Per student: one page, every autosave, one turn-in (a redirect back to the workspace).
    expected = STUDENTS * (1 + SAVES_PER_ANSWER * len(prompts) + 1)
    assert len(statuses) == expected
    assert statuses.count(200) == STUDENTS * (1 + SAVES_PER_ANSWER * len(prompts))
    assert statuses.count(302) == STUDENTS
    for record_ in caplog.records:
        assert "database is locked" not in record_.getMessage()
        assert record_.levelno < logging.ERROR, record_.getMessage()

    # The database holds exactly what each student last typed, byte for byte.
    submissions = {s.student_id: s for s in Submission.objects.filter(assignment=assignment)}
    assert len(submissions) == STUDENTS
    for number, student in enumerate(students):
        submission = submissions[student.pk]
        assert submission.state == Submission.State.TURNED_IN
        assert submission.turn_in_count == 1
        assert submission.receipt == services.receipt_for(submission)
        stored = {
            r.prompt_id: (r.text, r.revision)
            for r in Response.objects.filter(submission=submission)
        }
        assert stored == {
            prompt.pk: (answer_text(number, position, SAVES_PER_ANSWER), SAVES_PER_ANSWER)
            for position, prompt in enumerate(prompts, start=1)
        }
        for prompt_pk, (text, _) in stored.items():
            position = next(p.position for p in prompts if p.pk == prompt_pk)
            expected_text = answer_text(number, position, SAVES_PER_ANSWER)
            assert text.encode("utf-8") == expected_text.encode("utf-8")
