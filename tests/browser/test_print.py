"""Paper: the lesson plan, the student handout and a student's workspace printed to PDF by
Chromium on A4 and Letter, read back with pypdf. Each must fit a sane number of pages, hold its
content (and only its content: no navigation, buttons, footer or expanded links), keep every
prompt whole on one page and never end a page on a heading."""

import io
import re
import unicodedata

import pytest
from django.core.management import call_command
from django.urls import reverse

from classroom.models import Submission
from lessons.models import Lesson
from tests import factories

pypdf = pytest.importorskip("pypdf")

pytestmark = pytest.mark.django_db(transaction=True)

PAPERS = ["A4", "Letter"]
# Words that only the site's chrome and on-screen controls use.
CHROME = [
    "Skip to main content",
    "Lesson library",
    "Log out",
    "Password",
    "times shown in",
    "Preview as students see it",
    "Reading settings",
    "Read aloud",
    "Save draft",
    "Print",
]


@pytest.fixture
def article(transactional_db):
    """The article lesson, exactly as `loaddata north-korea-lesson` puts it in the library."""
    call_command("loaddata", "north-korea-lesson", verbosity=0)
    return Lesson.objects.prefetch_related("prompts", "readings", "terms", "steps").get(
        slug="north-korea-only-ally"
    )


def flat(text: str) -> str:
    """Text with every run of white space (line breaks from the PDF layout) as one space, and
    the typesetter's ligatures (ﬁ, ﬀ) as plain letters."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


class Printed:
    def __init__(self, data: bytes):
        assert data.startswith(b"%PDF-")
        self.reader = pypdf.PdfReader(io.BytesIO(data))
        self.pages = [page.extract_text() or "" for page in self.reader.pages]
        self.text = flat(" ".join(self.pages))

    def __len__(self):
        return len(self.pages)

    def page_of(self, snippet: str) -> list[int]:
        return [n for n, page in enumerate(self.pages, start=1) if flat(snippet) in flat(page)]

    def last_line(self, number: int) -> str:
        lines = [line.strip() for line in self.pages[number - 1].splitlines() if line.strip()]
        return lines[-1] if lines else ""


def print_page(context, url, paper) -> Printed:
    page = context.new_page()
    page.goto(url)
    page.emulate_media(media="print")
    return Printed(page.pdf(format=paper))


def assert_no_chrome(printed: Printed):
    for words in CHROME:
        assert words not in printed.text, f"the printed page shows {words!r}"
    # Links print as their words, never followed by the address.
    assert "http" not in printed.text
    assert "(/" not in printed.text


def assert_no_page_ends_on_a_heading(printed: Printed, headings):
    for number in range(1, len(printed)):
        last = printed.last_line(number)
        assert last not in headings, f"page {number} ends on the heading {last!r}"


def section_headings(lesson):
    return {
        line.strip().lstrip("#").strip()
        for reading in lesson.readings.all()
        for line in reading.body.splitlines()
        if line.startswith("#")
    }


@pytest.mark.parametrize("paper", PAPERS)
def test_the_lesson_plan_prints_with_objectives_steps_notes_and_glossary(
    new_context, teacher, article, paper
):
    context = new_context(teacher)

    printed = print_page(context, reverse("classroom:lesson-plan", args=[article.slug]), paper)

    assert 2 <= len(printed) <= 6, f"{len(printed)} pages"
    assert article.title in printed.text
    assert "Objectives" in printed.text
    assert flat(article.objective_list()[0]) in printed.text
    for step in article.steps.all():
        assert flat(step.title) in printed.text
    assert "0–5 min" in printed.text  # the running time of the first step
    for prompt in article.prompts.all():
        assert flat(prompt.teacher_notes)[:60] in printed.text
    for term in article.terms.all():
        assert term.term in printed.text
    assert_no_chrome(printed)
    assert_no_page_ends_on_a_heading(
        printed, {"Objectives", "Procedure", "Reading", "Glossary"} | section_headings(article)
    )
    # Each prompt with its notes stays whole on one page.
    for prompt in article.prompts.all():
        pages = printed.page_of(prompt.text)
        assert len(pages) == 1, prompt.text[:50]
        assert printed.page_of(prompt.teacher_notes) == pages, prompt.text[:50]


@pytest.mark.parametrize("paper", PAPERS)
def test_the_student_handout_prints_the_reading_glossary_and_prompts_without_notes(
    new_context, teacher, article, paper
):
    context = new_context(teacher)

    printed = print_page(context, reverse("classroom:lesson-handout", args=[article.slug]), paper)

    assert 2 <= len(printed) <= 8, f"{len(printed)} pages"
    assert article.title in printed.text
    assert "Name" in printed.text and "Date" in printed.text
    reading = article.readings.get()
    first_paragraph = reading.body.strip().split("\n\n")[0]
    assert flat(first_paragraph)[:120] in printed.text
    assert flat(reading.body.strip().split("\n\n")[-1])[-80:] in printed.text
    for term in article.terms.all():
        assert flat(term.definition)[:50] in printed.text
    for prompt in article.prompts.all():
        assert flat(prompt.text) in printed.text
        # No teacher notes on the students' paper.
        assert flat(prompt.teacher_notes)[:40] not in printed.text
        # A prompt is never split across pages (its answer lines go with it: see below).
        assert len(printed.page_of(prompt.text)) == 1, prompt.text[:50]
    assert "What a strong answer includes" not in printed.text
    assert_no_chrome(printed)
    assert_no_page_ends_on_a_heading(printed, {"Glossary", "Questions"} | section_headings(article))


def test_the_handout_prompts_have_lines_to_write_on(new_context, teacher, article):
    page = new_context(teacher).new_page()
    page.goto(reverse("classroom:lesson-handout", args=[article.slug]))
    page.emulate_media(media="print")

    lines = page.eval_on_selector_all(
        ".handout-prompt",
        "items => items.map(item => item.querySelectorAll('.answer-line').length)",
    )
    heights = page.eval_on_selector_all(
        ".answer-line", "lines => lines.map(line => line.getBoundingClientRect().height)"
    )

    breaks = page.eval_on_selector_all(
        ".handout-prompt", "items => items.map(item => getComputedStyle(item).breakInside)"
    )

    kinds = [prompt.kind for prompt in article.prompts.all()]
    assert lines == [12 if kind == "extended" else 5 for kind in kinds]
    assert min(heights) >= 28  # 8 mm: room for handwriting
    # A prompt keeps its lines with it on one page.
    assert set(breaks) == {"avoid"}


@pytest.mark.parametrize("paper", PAPERS)
def test_a_student_prints_the_reading_with_their_answers(
    new_context, teacher, student, article, paper
):
    classroom = factories.ClassroomFactory(teacher=teacher, name="Period 2")
    factories.enroll(classroom, student)
    assignment = factories.make_assignment(classroom, article)
    factories.submit_work(
        assignment,
        student,
        {1: "It started in the Korean War,\nwhen China fought beside the North."},
        state=Submission.State.DRAFT,
    )
    page = new_context(student).new_page()
    page.goto(reverse("classroom:workspace", args=[assignment.pk]))
    second = assignment.prompts.all()[1]
    # Typed and not yet saved: the paper still shows it.
    page.locator(f"#answer-{second.pk}").fill("Security and trade, typed just now.")
    page.emulate_media(media="print")

    printed = Printed(page.pdf(format=paper))

    assert 2 <= len(printed) <= 10, f"{len(printed)} pages"
    assert assignment.title in printed.text
    assert flat(assignment.readings[0]["body"].split("\n\n")[0])[:120] in printed.text
    assert "It started in the Korean War, when China fought beside the North." in printed.text
    assert "Security and trade, typed just now." in printed.text
    assert "(No answer yet)" in printed.text
    for prompt in assignment.prompts.all():
        assert flat(prompt.text)[:60] in printed.text
    assert_no_chrome(printed)
