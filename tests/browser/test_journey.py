"""The whole lesson loop in a real browser, as a new teacher and a new student would do it:
sign up, create a class, assign the article lesson from the library, join with the code, answer
every prompt (through a reload and a dropped connection), turn in, review, return, read feedback.

Every step checks what the page shows and what the database holds.
"""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from classroom.models import Assignment, Classroom, Response, Submission, User
from tests.browser.support import expect, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

LESSON = "Who is North Korea’s only ally?"
SAVED = 8000  # ms: the workspace saves about 2 s after the last keystroke


def local_minute(dt):
    """A time as a datetime-local input takes it, in the school's time zone."""
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def answer_for(position):
    return f"Answer {position}: China’s support — “stability” matters (para. {position})."


def teacher_signs_up_and_creates_a_class(page):
    page.goto(reverse("accounts:signup"))
    page.get_by_role("link", name="Sign up as a teacher").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a teacher account")
    page.get_by_label("First name").fill("Rosa")
    page.get_by_label("Last name").fill("Park")
    page.get_by_label("Username").fill("mspark")
    page.get_by_label("Email").fill("rosa@example.org")
    page.locator("#id_password1").fill("teaching-is-great-2026")
    page.locator("#id_password2").fill("teaching-is-great-2026")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Teacher dashboard")
    assert User.objects.get(username="mspark").role == User.Role.TEACHER

    page.get_by_role("link", name="Create your first class").click()
    page.get_by_label("Class name").fill("Period 3 · World History")
    page.get_by_role("button", name=re.compile("Create")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Period 3 · World History")
    return Classroom.objects.get(teacher__username="mspark")


def teacher_assigns_the_lesson_from_the_library(page, classroom):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Lesson library").click()
    card = page.locator(".lesson-card, article, li").filter(has_text=LESSON).first
    card.get_by_role("button", name=re.compile("^Assign")).click()
    card.get_by_role("link", name=classroom.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Assign a lesson to {classroom.name}"
    )
    expect(page.get_by_label("Lesson")).to_have_value("north-korea-only-ally")
    now = timezone.now()
    opens, due = now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=2)
    page.get_by_label("Instructions for students").fill("Answer in full sentences.")
    page.get_by_label("Opens").fill(local_minute(opens))
    page.get_by_label(re.compile(r"^\s*Due")).fill(local_minute(due))
    page.get_by_role("button", name="Assign lesson").click()

    assignment = Assignment.objects.get(classroom=classroom)
    expect(page).to_have_url(
        re.compile(reverse("classroom:assignment-detail", args=[assignment.pk]))
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(LESSON)
    # Exact to the minute, in the school's time zone.
    assert local_minute(assignment.due_at) == local_minute(due)
    assert assignment.instructions == "Answer in full sentences."

    page.get_by_role("link", name=classroom.name).first.click()
    code = page.locator(".join-code").inner_text().strip()
    assert code == classroom.display_join_code
    return assignment, code


def student_signs_up_with_the_code(page, code):
    page.goto(reverse("accounts:signup"))
    page.get_by_role("link", name="Sign up as a student").click()
    page.get_by_label("Join code").fill(code.lower())
    page.get_by_label("First name").fill("Lee")
    page.get_by_label("Last name").fill("Min")
    page.get_by_label("Username").fill("leemin")
    page.locator("#id_password1").fill("reading-is-fun-2026")
    page.locator("#id_password2").fill("reading-is-fun-2026")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("To do")
    return User.objects.get(username="leemin")


def stored(submission_filter, prompt):
    response = Response.objects.filter(submission__in=submission_filter, prompt=prompt).first()
    return response.text if response else None


def test_a_teacher_and_a_student_complete_the_lesson_loop_in_the_browser(new_context):
    call_command("loaddata", "north-korea-lesson", verbosity=0)

    teacher_page = new_context().new_page()
    classroom = teacher_signs_up_and_creates_a_class(teacher_page)
    assignment, code = teacher_assigns_the_lesson_from_the_library(teacher_page, classroom)
    prompts = list(assignment.prompts.all())
    assert len(prompts) >= 6

    # A student signs up with the code and opens the work.
    student_context = new_context()
    page = student_context.new_page()
    lee = student_signs_up_with_the_code(page, code)
    assert classroom.enrollments.filter(student=lee).exists()
    page.get_by_role("link", name=LESSON).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LESSON)
    expect(page.locator("main")).to_contain_text("Answer in full sentences.")
    expect(page.locator("a.glossary-term").first).to_be_visible()
    mine = Submission.objects.filter(assignment=assignment, student=lee)

    # Types an answer to every prompt; each is saved while typing.
    for prompt in prompts:
        box = page.locator(f"#answer-{prompt.pk}")
        box.click()
        box.press_sequentially(answer_for(prompt.position))
    for prompt in prompts:
        expect(page.locator(f"#status-{prompt.pk}")).to_contain_text("Saved", timeout=SAVED)
    assert {p.pk: stored(mine, p) for p in prompts} == {
        p.pk: answer_for(p.position) for p in prompts
    }

    # A reload shows them from the server (the device copies are gone once saved).
    page.evaluate("localStorage.clear()")
    page.reload()
    for prompt in prompts:
        expect(page.locator(f"#answer-{prompt.pk}")).to_have_value(answer_for(prompt.position))

    # The Wi-Fi drops in the middle of an answer; nothing typed is lost.
    last = prompts[-1]
    box = page.locator(f"#answer-{last.pk}")
    box.click()
    box.press("End")
    box.press_sequentially(" Then the Wi-Fi")
    student_context.set_offline(True)
    box.press_sequentially(" dropped, and I kept typing.")
    status = page.locator(f"#status-{last.pk}")
    expect(status).to_contain_text("Offline — kept on this device", timeout=SAVED)
    full = answer_for(last.position) + " Then the Wi-Fi dropped, and I kept typing."
    expect(box).to_have_value(full)
    assert stored(mine, last) != full
    student_context.set_offline(False)  # the browser's "online" event sends it
    expect(status).to_contain_text("Saved", timeout=SAVED)
    wait_for(page, lambda: stored(mine, last) == full, message="the offline text to reach the DB")

    # Turns in and gets a receipt.
    page.get_by_role("button", name="Turn in").click()
    receipt = page.locator(".receipt")
    expect(receipt.get_by_role("heading")).to_have_text("Turned in")
    submission = mine.get()
    assert submission.state == Submission.State.TURNED_IN
    assert not submission.late
    expect(receipt.locator(".receipt-code")).to_have_text(submission.receipt)
    assert re.fullmatch(r"[0-9A-F]{4}-[0-9A-F]{4}", submission.receipt)
    assert stored(mine, last) == full

    # The teacher sees it turned in, reviews, comments, scores and returns it.
    teacher_page.goto(reverse("classroom:assignment-detail", args=[assignment.pk]))
    row = teacher_page.get_by_role("row").filter(has_text="Min, Lee")
    expect(row).to_contain_text("Turned in")
    row.get_by_role("link", name="Min, Lee").click()
    expect(teacher_page.get_by_role("heading", level=1)).to_have_text("Lee Min")
    expect(teacher_page.locator("main")).to_contain_text("I kept typing.")
    for response in submission.responses.select_related("prompt"):
        teacher_page.locator(f"[name=comment_{response.pk}]").fill(
            f"Comment on answer {response.prompt.position}."
        )
        teacher_page.locator(f"[name=points_{response.pk}]").fill("1")
    teacher_page.locator("#id_comment").fill("Good start — add evidence from the text.")
    teacher_page.get_by_role("button", name="Save and return").click()
    expect(teacher_page.locator(".messages")).to_contain_text("Returned")
    submission.refresh_from_db()
    assert submission.state == Submission.State.RETURNED
    assert submission.returned_score == len(prompts)
    assert submission.returned_comment == "Good start — add evidence from the text."

    # The student finds it returned and reads the feedback.
    page.goto(reverse("classroom:student-dashboard"))
    item = page.locator(".work-item").filter(has_text=LESSON)
    expect(item).to_contain_text("Returned")
    item.get_by_role("link", name=LESSON).click()
    expect(page.locator("#status-heading")).to_have_text("Returned by your teacher")
    feedback = page.locator("main")
    expect(feedback).to_contain_text("Good start — add evidence from the text.")
    expect(feedback).to_contain_text(f"Score: {len(prompts)} / {sum(p.points for p in prompts)}")
    for prompt in prompts:
        expect(page.locator(f"#prompt-{prompt.pk}")).to_contain_text(
            f"Comment on answer {prompt.position}."
        )
