"""Every page of both roles, as requests against one seeded class: what P1 counts the queries of.

Shared by the benchmark (``python -m bench``) and tests/test_query_counts.py, so both check the
same list. Each page is fetched the way a browser would, with the Django test client signed in
as the page's user; the counts include the session and user lookups every request makes.
"""

import json
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from classroom.models import Classroom, Submission

# P1's ceiling: no page of either role needs more queries than this, whatever the class size.
MAX_QUERIES = 12

PAGE_NAMES = [
    "teacher dashboard",
    "lesson library",
    "lesson preview",
    "lesson plan",
    "class page",
    "assign form",
    "progress",
    "review one student",
    "review by prompt",
    "CSV export",
    "student dashboard",
    "workspace",
    "autosave POST",
    "turn-in POST",
]


@dataclass
class Page:
    name: str
    user: object = field(repr=False)
    path: str
    method: str = "get"
    data: dict | None = field(default=None, repr=False)
    content_type: str | None = None
    expect: int = 200


def _pick(classroom: Classroom):
    """The assignment, students and prompts the pages show, chosen the same way in any class:
    the oldest assignment (returned work to review) and the newest (drafts to write)."""
    assignments = list(classroom.assignments.order_by("due_at", "pk"))
    past, current = assignments[0], assignments[-1]
    reviewed = (
        Submission.objects.filter(assignment=past, state=Submission.State.RETURNED)
        .select_related("student")
        .order_by("student__username")
        .first()
    )
    drafts = list(
        Submission.objects.filter(assignment=current, state=Submission.State.DRAFT)
        .select_related("student")
        .order_by("student__username")[:2]
    )
    if reviewed is None or len(drafts) < 2:
        raise ValueError(f"{classroom} needs returned work and two drafts to show every page")
    return past, current, reviewed, drafts


def _turn_in_form(submission: Submission) -> dict:
    """What the workspace form posts on Turn in: every box as shown, answers already autosaved."""
    responses = {r.prompt_id: r for r in submission.responses.all()}
    data = {}
    for prompt in submission.assignment.prompts.all():
        response = responses.get(prompt.pk)
        data[f"answer-{prompt.pk}"] = response.text if response else ""
        data[f"revision-{prompt.pk}"] = str(response.revision if response else 0)
    return data


def pages_for(classroom: Classroom) -> list[Page]:
    """Every page of a teacher and a student of this class. The two POSTs change data, so run
    the list once per class."""
    past, current, reviewed, (writer, turner) = _pick(classroom)
    teacher, student = classroom.teacher, writer.student
    lesson_slug = past.lesson.slug
    first_prompt = past.prompts.order_by("position").first()
    answered = writer.responses.select_related("prompt").order_by("prompt__position").first()
    return [
        Page("teacher dashboard", teacher, reverse("classroom:teacher-dashboard")),
        Page("lesson library", teacher, reverse("classroom:lesson-list")),
        Page("lesson preview", teacher, reverse("classroom:lesson-detail", args=[lesson_slug])),
        Page("lesson plan", teacher, reverse("classroom:lesson-plan", args=[lesson_slug])),
        Page("class page", teacher, reverse("classroom:class-detail", args=[classroom.pk])),
        Page("assign form", teacher, reverse("classroom:assignment-create", args=[classroom.pk])),
        Page("progress", teacher, reverse("classroom:assignment-detail", args=[past.pk])),
        Page(
            "review one student",
            teacher,
            reverse("classroom:submission-review", args=[past.pk, reviewed.student_id]),
        ),
        Page(
            "review by prompt",
            teacher,
            reverse("classroom:prompt-review", args=[past.pk, first_prompt.pk]),
        ),
        Page("CSV export", teacher, reverse("classroom:assignment-export", args=[past.pk])),
        Page("student dashboard", student, reverse("classroom:student-dashboard")),
        Page("workspace", student, reverse("classroom:workspace", args=[current.pk])),
        Page(
            "autosave POST",
            student,
            reverse("classroom:autosave", args=[current.pk]),
            method="post",
            data={
                "prompt": answered.prompt_id,
                "text": answered.text + " One more sentence.",
                "revision": answered.revision,
            },
            content_type="application/json",
        ),
        Page(
            "turn-in POST",
            turner.student,
            reverse("classroom:turn-in", args=[current.pk]),
            method="post",
            data=_turn_in_form(turner),
            expect=302,
        ),
    ]


def count_queries(page: Page) -> tuple[int, int]:
    """(queries, status) for one request of the page, signed in as its user."""
    # As localhost, a name every configuration allows (the bench runs with LOCAL_HTTP).
    client = Client(HTTP_HOST="localhost")
    client.force_login(page.user)
    kwargs = {}
    data = page.data
    if page.content_type == "application/json":
        data = json.dumps(data)
        kwargs["content_type"] = page.content_type
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, page.method)(page.path, data, **kwargs)
    return len(queries), response.status_code


def measure(classrooms: list[Classroom]) -> dict[str, dict[int, int]]:
    """{page name: {class size: queries}} for each class; raises if a page does not answer as
    expected (a query count of an error page proves nothing)."""
    counts: dict[str, dict[int, int]] = {}
    for classroom in classrooms:
        size = classroom.enrollments.count()
        for page in pages_for(classroom):
            queries, status = count_queries(page)
            if status != page.expect:
                raise AssertionError(f"{page.name}: status {status}, expected {page.expect}")
            counts.setdefault(page.name, {})[size] = queries
    return counts


def seeded_classrooms(sizes: list[int]) -> list[Classroom]:
    """Seed one class per size (with its own teacher) and return them, smallest first."""
    from bench import seed

    made = seed.seed(class_sizes=sizes)
    by_pk = Classroom.objects.select_related("teacher").in_bulk(made.classroom_ids)
    return [by_pk[pk] for pk in made.classroom_ids]
