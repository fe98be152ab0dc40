"""Nothing a user types can run in another user's browser.

Every payload in tests/xss_payloads.py goes into every text a user can enter — answers, teacher
comments, class names, people's names, assignment instructions and all the lesson content an
admin edits — and every page that shows it is parsed with the standard library's HTML parser:
no script but the app's own files, no event-handler attributes, no javascript: or data: URLs, no
frames or plugins, and the raw payload never appears unescaped.
"""

import csv
import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib import admin as django_admin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from classroom import services
from classroom.models import Submission, User
from lessons.models import GlossaryTerm, Prompt
from tests import factories
from tests.xss_payloads import (
    CSV_FORMULAS,
    NUL_PAYLOADS,
    PAYLOADS,
    refusing_nul_like_postgresql,
)

STATIC_PREFIX = "/" + settings.STATIC_URL.lstrip("/")
# The app's files, and the admin's translation catalogue (a view, not a static file).
OWN_SCRIPTS = (STATIC_PREFIX, "/admin/jsi18n/")
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "srcdoc",
    "xlink:href",
    "background",
    "poster",
    "cite",
    "ping",
}
# The admin draws its icons as inline <svg>; an <svg> is harmless without handlers or scripts,
# which are caught wherever they are.
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "livescript:", "data:text/html", "data:image/svg")
FORBIDDEN_TAGS = {
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "math",
    "style",
    "template",
    "noscript",
}
HTML_SPECIALS = set("<>\"'&")


class LiveMarkupFinder(HTMLParser):
    """Collects every element or attribute on a page that a browser would act on and the app
    did not put there itself."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self._json_script = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> element")
        if tag == "script":
            src = values.get("src") or ""
            if values.get("type") == "application/json" and not src:
                self._json_script = []  # data from json_script: checked when it closes
            elif not src.startswith(OWN_SCRIPTS):
                self.problems.append(f"<script src={src!r}> is not one of the app's scripts")
        if tag == "link" and not (values.get("href") or "").startswith(STATIC_PREFIX):
            self.problems.append(f"<link href={values.get('href')!r}>")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            # Browsers ignore whitespace and control characters inside a URL's scheme.
            squeezed = "".join(ch for ch in value if ch > " ").lower()
            if name in URL_ATTRIBUTES and squeezed.startswith(DANGEROUS_SCHEMES):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and urlsplit(squeezed).netloc not in ("", "testserver"):
                self.problems.append(f"<{tag} {name}={value!r}> points to another site")
            if name == "style" and any(
                bad in squeezed for bad in ("expression(", "javascript:", "url(")
            ):
                self.problems.append(f"<{tag} style={value!r}>")

    def handle_endtag(self, tag):
        if tag == "script" and self._json_script is not None:
            data = "".join(self._json_script)
            json.loads(data)  # a broken-out payload would not parse
            if "<" in data:
                self.problems.append("json_script data with a raw <")
            self._json_script = None

    def handle_data(self, data):
        if self._json_script is not None:
            self._json_script.append(data)
        else:
            self.text.append(data)


def scan(response, payloads) -> tuple[list[str], str]:
    """What on an HTML page would let any of ``payloads`` act as markup, and the page's text
    as a reader sees it."""
    content = response.content.decode()
    finder = LiveMarkupFinder()
    finder.feed(content)
    finder.close()
    problems = list(finder.problems)
    # One payload escaped can read exactly as another typed raw ("<b>" becomes "&lt;b&gt;"):
    # that one is checked on its own pages instead.
    ambiguous = {p for p in payloads if any(p in escape(q) for q in payloads if q != p)}
    for payload in set(payloads) - ambiguous:
        # Stored whole or cut to a field's length: with < > " ' or & in it, either way it
        # must never be on the page as it was typed.
        for stored in {payload[:n] for n in (50, 100, 150, 200)} | {payload, payload.strip()}:
            if HTML_SPECIALS & set(stored) and stored in content:
                problems.append(f"the raw text {stored!r} is on the page unescaped")
    if settings.SECRET_KEY in content:
        problems.append("the SECRET_KEY is on the page")
    return problems, "".join(finder.text)


@pytest.fixture(autouse=True)
def _clear_rate_limits(db):
    cache.clear()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _username(payload: str, fallback: str) -> str:
    try:
        UnicodeUsernameValidator()(payload[:150])
    except ValidationError:
        return fallback
    return payload[:150]


# --- One payload everywhere, on every page of the app ------------------------------------------


def build_payload_world(payload: str) -> dict:
    """Everything a teacher, a student or an admin can type, set to ``payload``. The lesson is
    written before it is assigned, so the assignment's frozen copy carries the payload too; the
    work is answered, commented on and returned, so every page has something to show."""
    teacher = factories.TeacherFactory(
        username="teacher", first_name=payload[:150], last_name=payload[:150]
    )
    student = factories.StudentFactory(
        username=_username(payload, "student"), first_name=payload[:150], last_name=payload[:150]
    )
    classmate = factories.StudentFactory(username="classmate", first_name="Cal", last_name="Mate")
    lesson = factories.LessonFactory(
        title=payload[:200],
        slug="payload-lesson",
        summary=payload,
        subject=payload[:100],
        grade_band=payload[:50],
        objectives=f"{payload}\nExplain {payload}",
    )
    factories.LessonStepFactory(lesson=lesson, title=payload[:200], instructions=payload)
    factories.ReadingFactory(
        lesson=lesson,
        title=payload[:200],
        source=payload[:200],
        body=f"{payload}\n\n## {payload}\n\nSanctions are {payload} and so on.\n",
    )
    factories.GlossaryTermFactory(
        lesson=lesson, term=payload[:100], definition=payload, variants=payload[:300]
    )
    factories.GlossaryTermFactory(lesson=lesson, term="Sanctions", definition=payload)
    for _ in range(2):
        factories.PromptFactory(lesson=lesson, text=payload, teacher_notes=payload)
    classroom = factories.ClassroomFactory(teacher=teacher, name=payload[:100])
    factories.enroll(classroom, student, classmate)
    assignment = factories.make_assignment(classroom, lesson, instructions=payload)
    submission = factories.submit_work(
        assignment, student, {1: payload, 2: f"{payload}\n{payload}"}
    )
    factories.submit_work(assignment, classmate, {1: "Plain answer."})
    services.feedback_save(
        submission=submission,
        comment=payload,
        responses={r.pk: (payload, None) for r in submission.responses.all()},
    )
    services.submission_return(submission=submission)
    return {
        "teacher": teacher,
        "student": student,
        "lesson": lesson,
        "classroom": classroom,
        "assignment": assignment,
        "submission": submission,
    }


def app_pages(w: dict, payload: str) -> list[tuple[str, str, int]]:
    """(role, url, status) of every page of the app that shows something of the world, with
    the payload in every query parameter a page reads as well."""
    assignment, classroom = w["assignment"], w["classroom"]
    query = "?" + urlencode({"q": payload, "code": payload, "lesson": payload, "next": payload})
    teacher = [
        reverse("classroom:teacher-dashboard"),
        reverse("classroom:lesson-list") + query,
        reverse("classroom:lesson-detail", args=[w["lesson"].slug]),
        reverse("classroom:lesson-plan", args=[w["lesson"].slug]),
        reverse("classroom:lesson-handout", args=[w["lesson"].slug]),
        reverse("classroom:class-detail", args=[classroom.pk]),
        reverse("classroom:class-edit", args=[classroom.pk]),
        reverse("classroom:assignment-create", args=[classroom.pk]) + query,
        reverse("classroom:assignment-detail", args=[assignment.pk]),
        reverse("classroom:assignment-edit", args=[assignment.pk]),
        reverse("classroom:submission-review", args=[assignment.pk, w["student"].pk]),
        reverse("classroom:prompt-review", args=[assignment.pk, assignment.prompts.first().pk]),
    ]
    student = [
        reverse("classroom:student-dashboard"),
        reverse("classroom:workspace", args=[assignment.pk]),
        # The reading-settings form sends the page's own address (query included) back.
        reverse("classroom:workspace", args=[assignment.pk]) + query,
        reverse("classroom:class-join") + query,
    ]
    visitor = [
        reverse("accounts:login") + query,
        reverse("accounts:signup"),
        reverse("accounts:signup-teacher") + query,
        reverse("accounts:signup-student") + query,
    ]
    return (
        [("teacher", url, 200) for url in teacher]
        + [("student", url, 200) for url in student]
        + [("anonymous", url, 200) for url in visitor]
        + [("anonymous", "/no-such-page/" + quote(payload, safe="") + "/", 404)]
    )


def payload_groups(limit: int = 95) -> list[tuple[str, list[str]]]:
    """The payloads in small groups that fit, joined by spaces, in every text field (a class
    name holds 100 characters): one world per group keeps this file quick, and every member is
    still checked on its own — a group fails when any one of its payloads leaks."""
    groups, names, members = [], [], []
    for name, payload in PAYLOADS.items():
        if members and len(" ".join([*members, payload])) > limit:
            groups.append(("+".join(names), members))
            names, members = [], []
        names.append(name)
        members.append(payload)
    groups.append(("+".join(names), members))
    return groups


GROUPS = [pytest.param(members, id=name) for name, members in payload_groups()]


def test_every_payload_is_in_a_group_that_fits_every_field():
    grouped = [payload for _, members in payload_groups() for payload in members]
    assert grouped == list(PAYLOADS.values())
    assert len(PAYLOADS) >= 30
    assert all(len(" ".join(members)) <= 100 for _, members in payload_groups())


@pytest.mark.parametrize("payloads", GROUPS)
def test_payloads_stay_text_on_every_page(payloads):
    typed = " ".join(payloads)
    w = build_payload_world(typed)
    clients = {
        "teacher": logged_in(w["teacher"]),
        "student": logged_in(w["student"]),
        "anonymous": Client(),
    }
    problems, shown_on = [], []
    for role, url, status in app_pages(w, typed):
        response = clients[role].get(url)
        assert response.status_code == status, (role, url, response.status_code)
        page_problems, text = scan(response, [*payloads, typed])
        problems += [f"{role} GET {url}: {problem}" for problem in page_problems]
        if typed.strip() in text:
            shown_on.append(url)
    assert problems == []
    # It is there to read, exactly as typed: not dropped, not evaluated ({{ 7*7 }} stays).
    assert len(shown_on) >= 10, shown_on
    # The CSV export holds the same text: a download, never a page a browser would render.
    export = clients["teacher"].get(
        reverse("classroom:assignment-export", args=[w["assignment"].pk])
    )
    assert export["Content-Type"].startswith("text/csv")
    assert export["Content-Disposition"].startswith("attachment")
    assert export["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("payloads", GROUPS)
def test_typed_payloads_come_back_as_text(payloads):
    """Through the real forms: what was typed is stored as typed and shown back as text, in
    the confirmation message after a save and in the form when it comes back with an error."""
    payload = " ".join(payloads)
    w = build_payload_world(payload)
    teacher, student = logged_in(w["teacher"]), logged_in(w["student"])
    answer = w["submission"].responses.order_by("prompt__position").first()
    posts = [
        # Saved: the class page with "Created <name>" at the top.
        (teacher, reverse("classroom:class-create"), {"name": payload}, 200),
        # Refused, and shown again in the form.
        (
            teacher,
            reverse("classroom:assignment-create", args=[w["classroom"].pk]),
            {"lesson": w["lesson"].slug, "instructions": payload, "due_at": payload},
            200,
        ),
        (
            teacher,
            reverse("classroom:submission-review", args=[w["assignment"].pk, w["student"].pk]),
            {"comment": payload, f"comment_{answer.pk}": payload, f"points_{answer.pk}": payload},
            200,
        ),
        (
            student,
            reverse("classroom:workspace", args=[w["assignment"].pk]),
            # Based on an old revision: the conflict shows both versions side by side.
            {f"answer-{answer.prompt_id}": f"Mine: {payload}", f"revision-{answer.prompt_id}": "0"},
            409,
        ),
        (student, reverse("classroom:class-join"), {"join_code": payload}, 200),
        (
            Client(),
            reverse("accounts:signup-teacher"),
            {
                "first_name": payload,
                "last_name": payload,
                "username": payload,
                "email": payload,
                "password1": "Lantern-Quarry-4829!",
                "password2": "something else",
            },
            200,
        ),
        (Client(), reverse("accounts:login"), {"username": payload, "password": "wrong"}, 200),
    ]
    problems = []
    for client, url, data, status in posts:
        response = client.post(url, data, follow=True)
        assert response.status_code == status, (url, response.status_code)
        page_problems, _ = scan(response, [*payloads, payload])
        problems += [f"POST {url}: {problem}" for problem in page_problems]
    assert problems == []
    assert w["teacher"].classrooms.filter(name=payload.strip()).exists()
    # The autosave script gets the stored version back as JSON data, never as a page.
    response = student.post(
        reverse("classroom:autosave", args=[w["assignment"].pk]),
        json.dumps({"prompt": answer.prompt_id, "text": f"Mine: {payload}", "revision": 0}),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.json()["text"] == payload


def test_template_syntax_in_text_is_never_evaluated(db):
    w = build_payload_world("{{ 7*7 }} {% now 'Y' %} {{ settings.SECRET_KEY }}")
    response = logged_in(w["student"]).get(
        reverse("classroom:workspace", args=[w["assignment"].pk])
    )
    _, text = scan(response, [])
    assert "{{ 7*7 }} {% now 'Y' %} {{ settings.SECRET_KEY }}" in text
    assert not re.search(r"\b49 20\d\d\b", text)


# --- Every payload at once in the admin ---------------------------------------------------------


def build_admin_world(texts: list[str]) -> dict:
    """One of everything an admin edits, holding every payload: each inline row, person and
    class carries one group of payloads, and every long text field holds them all."""
    joined = "\n".join(texts)
    admin_user = User.objects.create_superuser(username="admin", password=factories.PASSWORD)
    teacher = factories.TeacherFactory(username="teacher", first_name=texts[0])
    lesson = factories.LessonFactory(
        title=texts[0], slug="everything", summary=joined, objectives=joined
    )
    students = []
    for n, text in enumerate(texts):
        factories.LessonStepFactory(lesson=lesson, title=text, instructions=text)
        factories.ReadingFactory(lesson=lesson, title=text, source=text, body=text)
        factories.GlossaryTermFactory(
            lesson=lesson, term=f"{text[:90]} {n}", definition=text, variants=text
        )
        factories.PromptFactory(lesson=lesson, text=text, teacher_notes=text)
        factories.LessonFactory(title=text, slug=f"lesson-{n}", summary=text)
        factories.ClassroomFactory(teacher=teacher, name=text)
        students.append(
            factories.StudentFactory(
                username=_username(text, f"student-{n}"), first_name=text, last_name=text
            )
        )
    classroom = factories.ClassroomFactory(teacher=teacher, name="Everyone")
    factories.enroll(classroom, *students)
    assignment = factories.make_assignment(classroom, lesson, instructions=joined)
    submission = factories.submit_work(assignment, students[0], dict(enumerate(texts, start=1)))
    services.feedback_save(
        submission=submission,
        comment=joined,
        responses={r.pk: (r.text, None) for r in submission.responses.all()},
    )
    services.submission_return(submission=submission)
    return {
        "admin": admin_user,
        "objects": [
            lesson,
            lesson.prompts.first(),
            lesson.terms.first(),
            students[0],
            teacher,
            classroom,
            assignment,
            submission,
        ],
    }


def admin_pages(w: dict, texts: list[str]) -> list[str]:
    urls = [reverse("admin:index")]
    chosen = {type(obj): obj for obj in w["objects"]}
    for n, model in enumerate(django_admin.site._registry):
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        # The search box shows what was searched for: a different group on each list.
        urls += [changelist, changelist + "?" + urlencode({"q": texts[n % len(texts)]})]
        shown = [chosen[model]] if model in chosen else list(model._default_manager.all()[:1])
        urls += [
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            for obj in shown
        ]
    urls += [
        reverse("admin:classroom_user_change", args=[obj.pk])
        for obj in w["objects"]
        if isinstance(obj, User)
    ]
    return urls


def test_every_payload_stays_text_in_the_admin(db):
    texts = [" ".join(members) for _, members in payload_groups()]
    w = build_admin_world(texts)
    client = logged_in(w["admin"])
    problems = []
    for url in admin_pages(w, texts):
        response = client.get(url)
        assert response.status_code == 200, url
        page_problems, _ = scan(response, [*PAYLOADS.values(), *texts])
        problems += [f"GET {url}: {problem}" for problem in page_problems]
    assert problems == []


def test_the_admin_stores_lesson_text_exactly_as_typed(db, lesson):
    client = logged_in(User.objects.create_superuser(username="admin", password="x"))
    joined = "\n".join(PAYLOADS.values())
    response = client.post(
        reverse("admin:lessons_prompt_add"),
        {
            "lesson": lesson.pk,
            "order": 9,
            "text": joined,
            "kind": "short",
            "points": 2,
            "teacher_notes": joined,
            "section_anchor": "",
        },
    )
    assert response.status_code == 302
    # Forms trim surrounding whitespace (the line separators at the end); nothing else changes.
    assert Prompt.objects.filter(text=joined.strip(), teacher_notes=joined.strip()).exists()
    for _, members in payload_groups():
        text = " ".join(members)
        response = client.post(
            reverse("admin:lessons_glossaryterm_add"),
            {"lesson": lesson.pk, "term": text, "definition": text, "variants": text},
        )
        assert response.status_code == 302, text
        assert GlossaryTerm.objects.filter(term=text.strip(), definition=text.strip()).exists()


# --- The CSV export, text that PostgreSQL refuses, and links out of the app --------------------


def test_the_csv_export_never_starts_a_cell_with_a_formula(client, teacher, lesson):
    classroom = factories.ClassroomFactory(teacher=teacher, name='=HYPERLINK("x")')
    for n, formula in enumerate(CSV_FORMULAS.values()):
        factories.enroll(
            classroom,
            factories.StudentFactory(
                username=_username(formula, f"s{n}"), first_name=formula, last_name=formula
            ),
        )
    assignment = factories.make_assignment(classroom, lesson)
    client.force_login(teacher)

    response = client.get(reverse("classroom:assignment-export", args=[assignment.pk]))

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert len(rows) == 1 + len(CSV_FORMULAS)
    assert [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")] == []
    for formula in CSV_FORMULAS.values():
        assert "'" + formula in cells


@pytest.mark.parametrize("payload", [pytest.param(p, id=n) for n, p in NUL_PAYLOADS.items()])
def test_text_with_a_nul_character_is_refused_not_a_server_error(
    payload, teacher, student, assignment, lesson, classroom
):
    """PostgreSQL cannot store NUL: every form refuses it as bad input (never a server error)
    and nothing reaches the database."""
    submission = factories.submit_work(assignment, student, state="draft")
    response_pk = submission.responses.first().pk
    prompt_pk = submission.responses.first().prompt_id
    admin_user = User.objects.create_superuser(username="admin", password="x")

    def as_user(user):
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        return client

    work = reverse("classroom:workspace", args=[assignment.pk])
    autosave = reverse("classroom:autosave", args=[assignment.pk])
    review = reverse("classroom:submission-review", args=[assignment.pk, student.pk])
    requests = [
        (None, "post", reverse("accounts:login"), {"username": payload, "password": payload}),
        (
            None,
            "post",
            reverse("accounts:signup-teacher"),
            {
                "first_name": payload,
                "last_name": payload,
                "username": payload,
                "email": "t@example.com",
                "password1": payload,
                "password2": payload,
            },
        ),
        (
            None,
            "post",
            reverse("accounts:signup-student"),
            {
                "join_code": payload,
                "first_name": payload,
                "username": "nul-kid",
                "password1": "Lantern-Quarry-4829!",
                "password2": "Lantern-Quarry-4829!",
            },
        ),
        (None, "get", reverse("accounts:login"), {"next": payload}),
        (None, "get", reverse("accounts:signup-student"), {"code": payload}),
        (teacher, "post", reverse("classroom:class-create"), {"name": payload}),
        (teacher, "post", reverse("classroom:class-edit", args=[classroom.pk]), {"name": payload}),
        (
            teacher,
            "post",
            reverse("classroom:assignment-create", args=[classroom.pk]),
            {
                "lesson": lesson.slug,
                "instructions": payload,
                "opens_at": "2030-01-01T08:00",
                "due_at": "2030-01-02T08:00",
                "late_policy": "accept",
            },
        ),
        (
            teacher,
            "post",
            reverse("classroom:assignment-edit", args=[assignment.pk]),
            {
                "instructions": payload,
                "opens_at": "2020-01-01T08:00",
                "due_at": "2030-01-02T08:00",
                "late_policy": "accept",
            },
        ),
        (teacher, "post", review, {"comment": payload, f"comment_{response_pk}": payload}),
        (
            teacher,
            "post",
            reverse("classroom:prompt-review", args=[assignment.pk, prompt_pk]),
            {f"comment_{response_pk}": payload, f"points_{response_pk}": payload},
        ),
        (teacher, "get", reverse("classroom:lesson-list"), {"q": payload}),
        (
            teacher,
            "get",
            reverse("classroom:assignment-create", args=[classroom.pk]),
            {"lesson": payload},
        ),
        (student, "post", work, {f"answer-{prompt_pk}": payload, f"revision-{prompt_pk}": "1"}),
        (
            student,
            "post",
            reverse("classroom:turn-in", args=[assignment.pk]),
            {f"answer-{prompt_pk}": payload, f"revision-{prompt_pk}": "1"},
        ),
        (student, "post", autosave, {"prompt": prompt_pk, "text": payload, "revision": 1}),
        (student, "post", reverse("classroom:class-join"), {"join_code": payload}),
        (student, "get", reverse("classroom:class-join"), {"code": payload}),
        (
            student,
            "post",
            reverse("accounts:password-change"),
            {"old_password": payload, "new_password1": payload, "new_password2": payload},
        ),
        (
            admin_user,
            "post",
            reverse("admin:lessons_prompt_add"),
            {"lesson": lesson.pk, "order": 1, "text": payload, "kind": "short", "points": 1},
        ),
        (admin_user, "get", reverse("admin:lessons_lesson_changelist"), {"q": payload}),
    ]
    problems = []
    with refusing_nul_like_postgresql():
        for user, method, url, data in requests:
            cache.clear()
            response = getattr(as_user(user), method)(url, data)
            if response.status_code >= 500:
                problems.append(f"{method.upper()} {url} {data}: {response.status_code}")
            elif method == "post" and response.status_code == 302:
                problems.append(f"POST {url} {data}: accepted")
        response = as_user(student).post(
            autosave,
            json.dumps({"prompt": prompt_pk, "text": payload, "revision": 1}),
            content_type="application/json",
        )
        if response.status_code != 400:
            problems.append(f"autosave JSON: {response.status_code}")
    assert problems == []
    submission.refresh_from_db()
    assert submission.state == Submission.State.DRAFT


def test_links_out_of_the_app_are_refused(client, teacher, student, assignment):
    """A crafted ?next= never sends someone to another site or runs script after logging in or
    returning work."""
    factories.submit_work(assignment, student)
    review = reverse("classroom:submission-review", args=[assignment.pk, student.pk])
    outside = [
        "javascript:alert(1)",
        " javascript:alert(1)",
        "//evil.example/",
        "https://evil.example/",
        "\\\\evil.example",
        "/\\evil.example",
        "data:text/html,<script>alert(1)</script>",
    ]
    for target in outside:
        response = Client().post(
            reverse("accounts:login") + "?" + urlencode({"next": target}),
            {"username": "teacher", "password": factories.PASSWORD, "next": target},
        )
        assert response.status_code == 302, target
        assert response["Location"] == reverse("home"), target

        teacher_client = logged_in(teacher)
        response = teacher_client.post(
            reverse("classroom:submission-return", args=[assignment.pk, student.pk]),
            {"next": target},
        )
        assert response.status_code == 302, target
        assert response["Location"] == review, target
