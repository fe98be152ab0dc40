"""No answer text, password or session id in the logs or in error reports.

The journey runs with every logger at DEBUG, captured. Note: pytest-django runs with
settings.DEBUG False, as production does; django.db.backends only logs SQL (with its parameters,
which include answers and session keys) when DEBUG is True or a query-count test forces the
debug cursor, so a development server with DEBUG on and LOG_LEVEL=DEBUG would print them.

This module is also the URLconf for the forced 500 (ROOT_URLCONF below): the site plus a view
that fails while holding a student's answer.
"""

import logging
import sys
import uuid

import pytest
from django.core import mail
from django.test import Client
from django.urls import path, reverse
from django.views.debug import ExceptionReporter, get_default_exception_reporter_filter

from classroom.logging import ClassroomExceptionReporterFilter
from classroom.urls import handler403, handler404, handler500  # noqa: F401
from classroom.urls import urlpatterns as site_urlpatterns
from tests import factories

# Made at run time: a traceback quotes source lines, so a literal here would be "logged".
PASSWORD = f"Pass-{uuid.uuid4().hex}!"
ANSWER = f"Sentinel answer {uuid.uuid4().hex} about Beijing"
COMMENT = f"Sentinel comment {uuid.uuid4().hex}"
FILTER = "classroom.logging.ClassroomExceptionReporterFilter"


def boom(request):
    answer_text = request.POST.get("answer-1", "")  # noqa: F841 - a local the report would show
    raise RuntimeError("boom while saving")


urlpatterns = [path("boom/", boom), *site_urlpatterns]


@pytest.fixture
def all_logs(caplog):
    """caplog, with every logger (root, django.*, axes, classroom...) at DEBUG and captured."""
    caplog.set_level(logging.DEBUG)  # first, so caplog restores the root's own level last
    names = ["django", "django.request", "django.db.backends", "django.security", "axes"]
    loggers = {logging.getLogger(name) for name in [*names, *logging.root.manager.loggerDict]}
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        if not logger.propagate:
            logger.addHandler(caplog.handler)
    yield caplog
    for logger, level in saved:
        logger.setLevel(level)
        logger.removeHandler(caplog.handler)


@pytest.fixture
def reporting(settings):
    """Error emails on, with the given exception reporter filter."""
    settings.ADMINS = [("Ops", "ops@example.org")]
    settings.ROOT_URLCONF = "tests.classroom.test_logging"
    get_default_exception_reporter_filter.cache_clear()
    yield settings
    get_default_exception_reporter_filter.cache_clear()


def everything_logged(records) -> str:
    formatter = logging.Formatter()
    parts = []
    for record in records:
        parts.append(formatter.format(record))
        parts += [repr(value) for value in vars(record).values()]
    return "\n".join(parts)


def everything_mailed() -> str:
    parts = []
    for message in mail.outbox:
        parts += [message.subject, message.body]
        parts += [content for content, _type in getattr(message, "alternatives", [])]
    return "\n".join(parts)


def run_the_journey(assignment, teacher, student_user):
    """Sign in, type, turn in, get reviewed, hit a 404 and a 500. Returns the session key."""
    student = Client()
    response = student.post(
        reverse("accounts:login"), {"username": student_user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    from django.conf import settings

    session_key = student.cookies[settings.SESSION_COOKIE_NAME].value
    prompt = assignment.prompts.get(position=1)
    response = student.post(
        reverse("classroom:autosave", args=[assignment.pk]),
        {"prompt": prompt.pk, "text": ANSWER, "revision": 0},
        content_type="application/json",
    )
    assert response.status_code == 200
    response = student.post(
        reverse("classroom:turn-in", args=[assignment.pk]),
        {f"answer-{prompt.pk}": ANSWER, f"revision-{prompt.pk}": "1"},
    )
    assert response.status_code == 302

    reviewer = Client()
    reviewer.force_login(teacher)
    review = reverse("classroom:submission-review", args=[assignment.pk, student_user.pk])
    assert reviewer.get(review).status_code == 200
    answer = student_user.submissions.get().responses.get()
    response = reviewer.post(
        review,
        {
            "comment": COMMENT,
            f"comment_{answer.pk}": COMMENT,
            f"points_{answer.pk}": "2",
            "action": "return",
        },
    )
    assert response.status_code == 302

    assert student.get("/no-such-page/").status_code == 404
    crashing = Client(raise_request_exception=False)
    crashing.cookies = student.cookies
    response = crashing.post(
        "/boom/",
        {"answer-1": ANSWER, "comment": COMMENT, "password": PASSWORD, "action": "save"},
    )
    assert response.status_code == 500
    return session_key


@pytest.fixture
def sam(classroom):
    student = factories.StudentFactory(username="sam-logs", first_name="Sam", last_name="Logs")
    student.set_password(PASSWORD)
    student.save()
    factories.enroll(classroom, student)
    return student


def test_no_log_record_holds_a_password_answer_or_session_key(
    all_logs, reporting, assignment, teacher, sam
):
    reporting.DEFAULT_EXCEPTION_REPORTER_FILTER = FILTER

    session_key = run_the_journey(assignment, teacher, sam)

    logged = everything_logged(all_logs.records)
    # The capture works: the 404 and the 500 are in it.
    assert "Not Found: /no-such-page/" in logged
    assert "Internal Server Error: /boom/" in logged
    for secret in [PASSWORD, ANSWER, COMMENT, session_key]:
        assert secret not in logged


def test_the_error_email_holds_no_password_answer_or_session_key(
    all_logs, reporting, assignment, teacher, sam
):
    reporting.DEFAULT_EXCEPTION_REPORTER_FILTER = FILTER

    session_key = run_the_journey(assignment, teacher, sam)

    assert len(mail.outbox) == 1
    mailed = everything_mailed()
    assert "RuntimeError" in mailed
    assert "answer-1 = '********************'" in mailed
    assert "action = 'save'" in mailed  # what the request was about still shows
    for secret in [PASSWORD, ANSWER, COMMENT, session_key]:
        assert secret not in mailed


def test_without_the_filter_the_error_email_would_hold_the_answer(
    all_logs, reporting, assignment, teacher, sam
):
    # Why the setting matters: Django's own filter prints POST data in full.
    reporting.DEFAULT_EXCEPTION_REPORTER_FILTER = "django.views.debug.SafeExceptionReporterFilter"

    run_the_journey(assignment, teacher, sam)

    assert ANSWER in everything_mailed()


def test_the_filter_hides_work_in_frame_variables_of_an_html_report(rf, settings):
    settings.DEBUG = False
    request = rf.post("/work/1/", {"answer-7": ANSWER, "password1": PASSWORD, "action": "save"})
    request.exception_reporter_filter = ClassroomExceptionReporterFilter()

    def save(answer_text, payload):
        raise RuntimeError("boom")

    try:
        save(ANSWER, {"text": ANSWER})
    except RuntimeError:
        exc_info = sys.exc_info()
    html = ExceptionReporter(request, *exc_info, is_email=True).get_traceback_html()

    assert ANSWER not in html
    assert PASSWORD not in html
    assert "answer_text" in html  # the variable is listed, its value hidden
    assert "&#x27;save&#x27;" in html
