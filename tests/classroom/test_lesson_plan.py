import re

import pytest
from django.urls import reverse

from lessons.models import Lesson, LessonStep
from tests import factories


def url(lesson):
    return reverse("classroom:lesson-plan", args=[lesson.slug])


@pytest.fixture
def draft(db):
    return factories.full_lesson(
        title="Unfinished draft lesson", slug="unfinished", status=Lesson.Status.DRAFT
    )


def test_it_sends_visitors_to_the_login_page(client, lesson):
    response = client.get(url(lesson))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_students_may_not_read_the_plan(client, student, lesson):
    lesson.prompts.update(teacher_notes="SECRET MARKING GUIDE")
    client.force_login(student)
    response = client.get(url(lesson))
    assert response.status_code == 403
    assert b"SECRET MARKING GUIDE" not in response.content


def test_teachers_cannot_see_a_drafts_plan(client, teacher, draft):
    client.force_login(teacher)
    assert client.get(url(draft)).status_code == 404


def test_admins_can_see_a_drafts_plan(client, admin, draft):
    client.force_login(admin)
    assert client.get(url(draft)).status_code == 200


def test_it_shows_the_objectives_and_summary(client, teacher, lesson):
    client.force_login(teacher)
    response = client.get(url(lesson))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("<h1") == 1
    assert "<li>Explain the alliance</li>" in content
    assert "<li>Evaluate a claim</li>" in content
    assert lesson.summary in content


def test_it_shows_each_step_with_minutes_running_time_and_total(client, teacher, lesson):
    LessonStep.objects.filter(lesson=lesson, kind=LessonStep.Kind.WARM_UP).update(minutes=5)
    client.force_login(teacher)
    content = client.get(url(lesson)).content.decode()
    assert "0–5 min" in content
    assert "5–15 min" in content
    assert "Students read silently." in content
    assert re.search(r'<td class="text-end plan-time fw-semibold">15</td>', content)
    assert "The steps add up to 15 minutes; the lesson is planned for 50." in content


def test_a_plan_whose_steps_fill_the_lesson_has_no_warning(client, teacher, lesson):
    LessonStep.objects.filter(lesson=lesson).update(minutes=25)
    client.force_login(teacher)
    content = client.get(url(lesson)).content.decode()
    assert "minutes, as planned" in content
    assert "The steps add up to" not in content


def test_it_shows_the_prompts_with_teacher_notes(client, teacher, lesson):
    lesson.prompts.filter(order=2).update(teacher_notes="Mentions the 1961 treaty.")
    client.force_login(teacher)
    content = client.get(url(lesson)).content.decode()
    assert "Prompt 2: explain." in content
    assert "What a strong answer includes" in content
    assert "Mentions the 1961 treaty." in content
    assert "Look for evidence from the text." in content
    assert "3 (12 points)" in content


def test_it_shows_the_glossary(client, teacher, lesson):
    client.force_login(teacher)
    content = client.get(url(lesson)).content.decode()
    assert "Detached or separated from others." in content
    assert 'id="term-isolated"' in content


def test_it_has_a_print_button_driven_by_a_script_file(client, teacher, lesson):
    client.force_login(teacher)
    content = client.get(url(lesson)).content.decode()
    assert (
        '<button type="button" class="btn btn-primary" data-print hidden>Print</button>' in content
    )
    assert re.search(r'<script src="[^"]*js/print\.js" defer></script>', content)
    assert not re.search(r"<script(?![^>]*\bsrc=)", content)  # no inline script
    assert "onclick" not in content


def test_it_escapes_teacher_notes_and_step_instructions(client, teacher, lesson):
    lesson.prompts.update(teacher_notes="<script>alert(1)</script>")
    lesson.steps.update(instructions="<b>loud</b>")
    client.force_login(teacher)
    content = client.get(url(lesson)).content
    assert b"<script>alert(1)</script>" not in content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert b"&lt;b&gt;loud&lt;/b&gt;" in content


def test_a_lesson_without_steps_says_so(client, teacher):
    empty = factories.LessonFactory(slug="empty", objectives="")
    client.force_login(teacher)
    response = client.get(url(empty))
    assert b"This lesson has no steps yet." in response.content
    assert b"No objectives written yet." in response.content
