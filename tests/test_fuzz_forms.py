"""Whatever is posted to any form, the answer is never a server error.

Hypothesis sends arbitrary text (control characters and NUL included), numbers that are not
numbers, impossible dates and malformed JSON to every form and POST endpoint. The database is
made to refuse NUL as PostgreSQL does, so text that would break a school's server breaks here.
Bad input must get a 4xx answer or the form again with its errors — never a 500.
"""

import datetime
import json
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from classroom.models import User
from tests import factories
from tests.xss_payloads import PAYLOADS, refusing_nul_like_postgresql

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # Nothing is written into the checkout; a failure prints the example to reproduce it.
    database=None,
)

# Values people (and scripts) really send, mixed in with whatever Hypothesis invents.
AWKWARD = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "\t",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "1e309",
    "-1e309",
    "1e-400",
    "-1",
    "-0",
    "0",
    "0.05",
    "3.5",
    "1,5",
    "0x10",
    "9" * 400,
    "9" * 5000,
    "²",
    "٣",
    "１２",
    "Ⅻ",
    "null",
    "true",
    "[]",
    "{}",
    "' OR 1=1 --",
    "2030-01-01T08:00",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2030-02-30T08:00",
    "2030-01-01T25:00",
    "2030-03-10T02:30",  # a time that does not exist in New York (clocks go forward)
    "2030-11-03T01:30",  # a time that exists twice in New York (clocks go back)
    *list(PAYLOADS.values())[:5],
]
text = st.one_of(st.text(), st.text(max_size=5), st.sampled_from(AWKWARD))
# Dates as the browser's picker sends them, across the whole calendar, plus anything at all.
when = st.one_of(
    st.datetimes(
        min_value=datetime.datetime(1, 1, 1), max_value=datetime.datetime(9999, 12, 31)
    ).map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
    text,
)
number = st.one_of(
    text,
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)


@pytest.fixture(autouse=True)
def _clear_rate_limits(db):
    cache.clear()


def post(user, url, data=None, **kwargs):
    """POST as ``user`` (None for a visitor) on a fresh client that answers a crash with a 500
    response instead of raising, with NUL refused by the database."""
    cache.clear()  # rate limits would otherwise answer for the view after a few examples
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    with refusing_nul_like_postgresql():
        return client.post(url, data if data is not None else {}, **kwargs)


def assert_handled(response, sent):
    assert response.status_code < 500, f"{response.status_code} for {sent!r}"


@pytest.fixture
def work(assignment, student):
    """A draft with a saved answer, so saves can conflict and feedback has something to mark."""
    submission = factories.submit_work(assignment, student, state="draft")
    response = submission.responses.order_by("prompt__position").first()
    return {"submission": submission, "response": response, "prompt": response.prompt}


# --- Accounts ---------------------------------------------------------------------------------


@FUZZ
@given(
    first=text,
    last=text,
    username=text,
    email=text,
    password1=text,
    password2=text,
    same=st.booleans(),
)
def test_teacher_signup_never_crashes(db, first, last, username, email, password1, password2, same):
    data = {
        "first_name": first,
        "last_name": last,
        "username": username,
        "email": email,
        "password1": password1,
        "password2": password1 if same else password2,
    }
    assert_handled(post(None, reverse("accounts:signup-teacher"), data), data)


@FUZZ
@given(code=text, real_code=st.booleans(), first=text, last=text, username=text, password=text)
def test_student_signup_never_crashes(classroom, code, real_code, first, last, username, password):
    data = {
        "join_code": classroom.display_join_code if real_code else code,
        "first_name": first,
        "last_name": last,
        "username": username,
        "password1": password,
        "password2": password,
    }
    assert_handled(post(None, reverse("accounts:signup-student"), data), data)


@FUZZ
@given(username=text, password=text, next_url=text, real_user=st.booleans())
def test_login_never_crashes(student, username, password, next_url, real_user):
    data = {
        "username": "student" if real_user else username,
        "password": password,
        "next": next_url,
    }
    url = reverse("accounts:login") + "?" + urlencode({"next": next_url})
    assert_handled(post(None, url, data), data)


@FUZZ
@given(old=text, new1=text, new2=text, real_old=st.booleans())
def test_password_change_never_crashes(student, old, new1, new2, real_old):
    data = {
        "old_password": factories.PASSWORD if real_old else old,
        "new_password1": new1,
        "new_password2": new2,
    }
    assert_handled(post(student, reverse("accounts:password-change"), data), data)


# --- Students ---------------------------------------------------------------------------------


@FUZZ
@given(code=text)
def test_joining_a_class_never_crashes(other_student, classroom, code):
    data = {"join_code": code}
    assert_handled(post(other_student, reverse("classroom:class-join"), data), data)


@FUZZ
@given(answer=text, revision=number, other_answer=text, other_revision=number)
def test_saving_a_draft_never_crashes(
    student, assignment, work, answer, revision, other_answer, other_revision
):
    prompts = list(assignment.prompts.all())
    data = {
        f"answer-{prompts[0].pk}": answer,
        f"revision-{prompts[0].pk}": revision,
        f"answer-{prompts[1].pk}": other_answer,
        f"revision-{prompts[1].pk}": other_revision,
    }
    assert_handled(post(student, reverse("classroom:workspace", args=[assignment.pk]), data), data)


@FUZZ
@given(answer=text, revision=number, extra=st.dictionaries(text, text, max_size=3))
def test_turning_in_never_crashes(student, assignment, work, answer, revision, extra):
    prompt = work["prompt"]
    data = {**extra, f"answer-{prompt.pk}": answer, f"revision-{prompt.pk}": revision}
    assert_handled(post(student, reverse("classroom:turn-in", args=[assignment.pk]), data), data)
    assert_handled(post(student, reverse("classroom:unsubmit", args=[assignment.pk]), extra), extra)


INF, NAN = float("inf"), float("nan")


@FUZZ
@given(
    prompt=st.one_of(
        st.integers(),
        st.integers(min_value=2**63 - 10, max_value=2**80).map(str),
        st.floats(allow_nan=True, allow_infinity=True),
        text,
        json_value,
    ),
    real_prompt=st.booleans(),
    answer=st.one_of(text, json_value),
    revision=st.one_of(
        st.integers(), st.floats(allow_nan=True, allow_infinity=True), text, json_value
    ),
    extra=json_value,
)
# Found before: "²" passes isdigit() but not int(); int(Infinity) overflows.
@example(prompt="²", real_prompt=False, answer="x", revision=1, extra=None)
@example(prompt="9" * 5000, real_prompt=False, answer="x", revision=1, extra=None)
@example(prompt=None, real_prompt=True, answer="x", revision=INF, extra=None)
@example(prompt=None, real_prompt=True, answer="x", revision=-INF, extra=None)
@example(prompt=None, real_prompt=True, answer="x", revision=NAN, extra=None)
@example(prompt=None, real_prompt=True, answer="x", revision=10**400, extra=None)
@example(prompt=None, real_prompt=True, answer="a\x00b", revision=1, extra=None)
def test_autosave_never_crashes_on_json(
    student, assignment, work, prompt, real_prompt, answer, revision, extra
):
    body = {
        "prompt": work["prompt"].pk if real_prompt else prompt,
        "text": answer,
        "revision": revision,
        "extra": extra,
    }
    encoded = json.dumps(body)
    url = reverse("classroom:autosave", args=[assignment.pk])
    response = post(student, url, encoded, content_type="application/json")
    assert_handled(response, encoded)
    assert response["Content-Type"] == "application/json"


@FUZZ
@given(body=json_value)
def test_autosave_never_crashes_on_any_json_value(student, assignment, body):
    encoded = json.dumps(body)
    url = reverse("classroom:autosave", args=[assignment.pk])
    assert_handled(post(student, url, encoded, content_type="application/json"), encoded)


@FUZZ
@given(raw=st.one_of(st.binary(max_size=200), text.map(str.encode)), content_type=text)
def test_autosave_never_crashes_on_a_body_that_is_not_json(student, assignment, raw, content_type):
    url = reverse("classroom:autosave", args=[assignment.pk])
    for kind in ["application/json", "text/plain", content_type or "x/y"]:
        assert_handled(post(student, url, raw, content_type=kind), (kind, raw))


@FUZZ
@given(prompt=text, answer=text, revision=text)
def test_autosave_never_crashes_on_a_form_body(student, assignment, work, prompt, answer, revision):
    # navigator.sendBeacon posts form-encoded fields.
    data = {"prompt": prompt, "text": answer, "revision": revision}
    url = reverse("classroom:autosave", args=[assignment.pk])
    assert_handled(post(student, url, data), data)


# --- Teachers ---------------------------------------------------------------------------------


@FUZZ
@given(name=text)
def test_creating_and_renaming_a_class_never_crashes(teacher, classroom, name):
    data = {"name": name}
    assert_handled(post(teacher, reverse("classroom:class-create"), data), data)
    assert_handled(post(teacher, reverse("classroom:class-edit", args=[classroom.pk]), data), data)


@FUZZ
@given(
    lesson_slug=text,
    real_lesson=st.booleans(),
    instructions=text,
    opens_at=when,
    due_at=when,
    late_policy=st.one_of(st.sampled_from(["accept", "close"]), text),
)
# Found before: the evening of 31 Dec 9999 in New York is past the last year in UTC.
@example(
    lesson_slug="",
    real_lesson=True,
    instructions="",
    opens_at="2030-01-01T08:00",
    due_at="9999-12-31T23:59",
    late_policy="accept",
)
def test_assigning_and_editing_never_crash(
    teacher,
    classroom,
    assignment,
    lesson,
    lesson_slug,
    real_lesson,
    instructions,
    opens_at,
    due_at,
    late_policy,
):
    data = {
        "lesson": lesson.slug if real_lesson else lesson_slug,
        "instructions": instructions,
        "opens_at": opens_at,
        "due_at": due_at,
        "late_policy": late_policy,
    }
    url = reverse("classroom:assignment-create", args=[classroom.pk])
    assert_handled(post(teacher, url + "?" + urlencode({"lesson": lesson_slug}), data), data)
    url = reverse("classroom:assignment-edit", args=[assignment.pk])
    assert_handled(post(teacher, url, data), data)


@FUZZ
@given(comment=text, response_comment=text, points=number, action=text, ret=st.booleans())
def test_feedback_never_crashes(
    teacher, student, assignment, work, comment, response_comment, points, action, ret
):
    answer = work["response"]
    data = {
        "comment": comment,
        f"comment_{answer.pk}": response_comment,
        f"points_{answer.pk}": points,
        "action": "return" if ret else action,
    }
    url = reverse("classroom:submission-review", args=[assignment.pk, student.pk])
    assert_handled(post(teacher, url, data), data)


@FUZZ
@given(response_comment=text, points=number, action=text)
def test_review_by_prompt_never_crashes(
    teacher, assignment, work, response_comment, points, action
):
    answer = work["response"]
    data = {
        f"comment_{answer.pk}": response_comment,
        f"points_{answer.pk}": points,
        "action": action,
    }
    url = reverse("classroom:prompt-review", args=[assignment.pk, answer.prompt_id])
    assert_handled(post(teacher, url, data), data)


@FUZZ
@given(next_url=text)
def test_returning_work_never_crashes(teacher, student, assignment, next_url):
    if not assignment.submissions.exists():
        factories.submit_work(assignment, student)
    data = {"next": next_url}
    url = reverse("classroom:submission-return", args=[assignment.pk, student.pk])
    assert_handled(post(teacher, url, data), data)


def test_the_fuzzing_reaches_the_views(teacher, classroom):
    # A guard against a harness that only ever meets a login page or a rate limit.
    response = post(teacher, reverse("classroom:class-create"), {"name": "Fuzzed"})
    assert response.status_code == 302
    assert User.objects.get(pk=teacher.pk).classrooms.filter(name="Fuzzed").exists()
