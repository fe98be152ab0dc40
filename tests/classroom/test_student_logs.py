"""Student pages never put the text of an answer into logs, printed output or error reports.

Every path that handles answer text runs here with a recognisable answer, logging at DEBUG: saves
that work, conflicts, refusals, expired sessions and database failures (whose 503s Django logs at
ERROR and mails to the admins, with the request attached).
"""

import ast
import json
import logging
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import OperationalError
from django.urls import reverse
from django.utils.log import AdminEmailHandler

from classroom import services
from classroom.models import Response, Submission

SECRET = "Zebra-ANSWER-7f3a 🦓 سر"
STUDENT_CODE = ["classroom/views/student.py", "classroom/services.py"]


def leaks(text):
    return SECRET in text or SECRET.encode("unicode_escape").decode() in text


def autosave(client, assignment, prompt, text, revision):
    return client.post(
        reverse("classroom:autosave", args=[assignment.pk]),
        json.dumps({"prompt": prompt.pk, "text": text, "revision": revision}),
        content_type="application/json",
    )


def fail_once(monkeypatch, owner, name):
    original = getattr(owner, name)
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, flaky)


def every_path(client, student, assignment, monkeypatch, settings):
    first, second, _ = assignment.prompts.all()
    workspace = reverse("classroom:workspace", args=[assignment.pk])
    turn_in = reverse("classroom:turn-in", args=[assignment.pk])
    client.force_login(student)
    statuses = []
    # Autosave: saved, conflict, too long, database error.
    statuses.append(autosave(client, assignment, first, SECRET, 0).status_code)
    statuses.append(autosave(client, assignment, first, SECRET + " stale", 0).status_code)
    settings.ANSWER_MAX_CHARS = 30
    statuses.append(autosave(client, assignment, first, SECRET * 3, 1).status_code)
    settings.ANSWER_MAX_CHARS = 50_000
    fail_once(monkeypatch, Response, "save")
    statuses.append(autosave(client, assignment, second, SECRET, 0).status_code)
    monkeypatch.undo()
    # The form: conflict, database error, then a save that works.
    form = {f"answer-{first.pk}": SECRET + " form", f"revision-{first.pk}": "0"}
    statuses.append(client.post(workspace, form).status_code)
    fail_once(monkeypatch, Response, "save")
    form = {f"answer-{second.pk}": SECRET + " second", f"revision-{second.pk}": "0"}
    statuses.append(client.post(workspace, form).status_code)
    monkeypatch.undo()
    statuses.append(client.post(workspace, form).status_code)
    # Turn in: database error, then for real; the page; unsubmit; turned-in edits refused.
    fail_once(monkeypatch, services, "receipt_for")
    statuses.append(client.post(turn_in, form | {f"revision-{second.pk}": "1"}).status_code)
    monkeypatch.undo()
    statuses.append(client.post(turn_in, form | {f"revision-{second.pk}": "1"}).status_code)
    statuses.append(client.get(workspace).status_code)
    statuses.append(autosave(client, assignment, first, SECRET + " edit", 1).status_code)
    statuses.append(client.post(reverse("classroom:unsubmit", args=[assignment.pk])).status_code)
    # The session runs out while typing.
    Session.objects.all().delete()
    statuses.append(autosave(client, assignment, first, SECRET + " later", 1).status_code)
    return statuses


def test_no_answer_text_reaches_the_logs_or_the_console(
    client, student, assignment, monkeypatch, settings, caplog, capsys
):
    caplog.set_level(logging.DEBUG)
    statuses = every_path(client, student, assignment, monkeypatch, settings)
    # Every path really ran: saved, conflict, refused, server error, ..., expired session.
    assert statuses == [200, 409, 400, 503, 409, 503, 302, 503, 302, 200, 400, 302, 401]
    assert Submission.objects.get().state == Submission.State.DRAFT
    assert caplog.records  # the 4xx and 5xx responses were logged
    for record in caplog.records:
        assert not leaks(record.getMessage()), record.getMessage()
        assert not leaks(repr(record.args))
        assert not leaks(record.exc_text or "")
    out, err = capsys.readouterr()
    assert not leaks(out) and not leaks(err)


def test_error_reports_mailed_to_admins_hide_the_answers(
    client, student, assignment, monkeypatch, settings, caplog
):
    settings.ADMINS = [("Admin", "admin@example.com")]
    caplog.set_level(logging.DEBUG)
    every_path(client, student, assignment, monkeypatch, settings)
    reported = [r for r in caplog.records if r.levelno >= logging.ERROR and hasattr(r, "request")]
    # The three 503s: autosave, save draft and turn in, each with its request attached.
    assert len(reported) == 3
    # Whatever LOGGING mailed already, plus the full HTML report of each, built here.
    mailed = len(mail.outbox)
    handler = AdminEmailHandler(include_html=True)
    for record in reported:
        handler.emit(record)
    assert len(mail.outbox) == mailed + 3
    for message in mail.outbox:
        assert not leaks(message.body)
        for html, _ in message.alternatives:
            assert not leaks(html)


@pytest.mark.parametrize("path", STUDENT_CODE)
def test_student_code_neither_prints_nor_logs_text(path):
    tree = ast.parse(Path(path).read_text())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        assert not (isinstance(func, ast.Name) and func.id == "print"), f"print() in {path}"
        if isinstance(func, ast.Attribute) and func.attr in {
            "debug",
            "info",
            "warning",
            "error",
            "exception",
            "critical",
            "log",
        }:
            names = {n.id for arg in node.args for n in ast.walk(arg) if isinstance(n, ast.Name)}
            assert not names & {"text", "answer", "posted", "payload", "body"}, (
                f"{path}:{node.lineno} logs answer text"
            )
