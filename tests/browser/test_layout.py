"""Every key page fits the screen it is on: nothing makes a phone (360 px) or a laptop (1280 px)
scroll sideways. Wide tables scroll inside their own box; the page itself never does.

Found by looking at the screenshots: the progress page scrolled to 1132 px on a phone (visually
hidden text escaped its scrolled table), the roster to 383 px, and the admin's lesson page to
1641 px on a laptop (a 48em textarea in the glossary table).
"""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [360, 1280]

# The page's width, and the elements that stick out past the right edge (to say what to fix).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const rect = el.getBoundingClientRect();
    if (rect.width > 0 && rect.right > width + 1) {
      out.push(`${el.tagName.toLowerCase()}.${String(el.className).split(" ").join(".")}`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, out: out.slice(-3)};
}"""


@pytest.fixture
def work(assignment, student, other_student, classroom):
    """The cast's class with a second, long-named student and returned work with feedback."""
    factories.enroll(classroom, other_student)
    other_student.last_name = "Outsider-Featherstonehaugh"
    other_student.save()
    factories.full_student_record(assignment, student)
    factories.submit_work(assignment, other_student)
    return assignment


def pages_for(role, assignment, student):
    prompt = assignment.prompts.first()
    lesson = assignment.lesson
    pk = assignment.pk
    return {
        "teacher": [
            reverse("classroom:teacher-dashboard"),
            reverse("classroom:lesson-list"),
            reverse("classroom:lesson-detail", args=[lesson.slug]),
            reverse("classroom:lesson-plan", args=[lesson.slug]),
            reverse("classroom:class-detail", args=[assignment.classroom_id]),
            reverse("classroom:assignment-create", args=[assignment.classroom_id]),
            reverse("classroom:assignment-detail", args=[pk]),
            reverse("classroom:submission-review", args=[pk, student.pk]),
            reverse("classroom:prompt-review", args=[pk, prompt.pk]),
        ],
        "student": [
            reverse("classroom:student-dashboard"),
            reverse("classroom:workspace", args=[pk]),
            reverse("classroom:class-join"),
        ],
        "visitor": [
            reverse("accounts:login"),
            reverse("accounts:signup"),
            reverse("accounts:signup-student"),
            reverse("accounts:signup-teacher"),
        ],
        "admin": [
            reverse("admin:index"),
            reverse("admin:lessons_lesson_change", args=[lesson.pk]),
        ],
    }[role]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", ["teacher", "student", "visitor", "admin"])
def test_no_page_scrolls_sideways(new_context, work, teacher, student, admin, role, width):
    user = {"teacher": teacher, "student": student, "visitor": None, "admin": admin}[role]
    page = new_context(user, viewport={"width": width, "height": 800}).new_page()
    too_wide = {}
    for url in pages_for(role, work, student):
        response = page.goto(url)
        assert response.status == 200, url
        layout = page.evaluate(OVERFLOW)
        if layout["scroll"] > layout["width"]:
            too_wide[url] = layout
    assert not too_wide, f"Pages wider than {width} px: {too_wide}"
