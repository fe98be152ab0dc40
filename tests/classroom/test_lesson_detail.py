import pytest
from django.urls import reverse

from lessons.models import Lesson
from tests import factories


def url(lesson):
    return reverse("classroom:lesson-detail", args=[lesson.slug])


@pytest.fixture
def draft(db):
    return factories.full_lesson(
        title="Unfinished draft lesson", slug="unfinished", status=Lesson.Status.DRAFT
    )


def test_it_sends_visitors_to_the_login_page(client, lesson):
    response = client.get(url(lesson))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_students_may_not_preview_lessons(client, student, lesson):
    client.force_login(student)
    assert client.get(url(lesson)).status_code == 403


def test_teachers_cannot_see_a_draft(client, teacher, draft):
    client.force_login(teacher)
    assert client.get(url(draft)).status_code == 404


def test_an_unknown_lesson_is_not_found(client, teacher, db):
    client.force_login(teacher)
    assert (
        client.get(reverse("classroom:lesson-detail", args=["no-such-lesson"])).status_code == 404
    )


def test_admins_can_preview_a_draft(client, admin, draft):
    client.force_login(admin)
    response = client.get(url(draft))
    assert response.status_code == 200
    assert b"Unfinished draft lesson" in response.content
    assert b">Draft</span>" in response.content
    assert reverse("admin:lessons_lesson_change", args=[draft.pk]).encode() in response.content


def test_it_shows_the_lesson_as_students_see_it(client, teacher, lesson):
    client.force_login(teacher)
    response = client.get(url(lesson))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Preview — this is what students see" in content
    assert content.count("<h1") == 1
    assert 'class="reading"' in content
    assert "Why does it matter?" in content
    assert "Relating to politics as influenced by geography." in content  # the glossary
    for n in range(1, 4):
        assert f"Prompt {n}: explain." in content
    assert '<time datetime="2023-11-25">25 November 2023</time>' in content


def test_it_links_glossary_terms_in_the_reading(client, teacher, lesson):
    client.force_login(teacher)
    content = client.get(url(lesson)).content.decode()
    assert (
        '<a class="glossary-term" href="#term-sanctions" '
        'aria-describedby="term-sanctions-definition">Sanctions</a>'
    ) in content
    assert 'id="term-sanctions"' in content


def test_it_never_shows_teacher_notes(client, teacher, lesson):
    lesson.prompts.update(teacher_notes="SECRET MARKING GUIDE")
    client.force_login(teacher)
    response = client.get(url(lesson))
    assert b"SECRET MARKING GUIDE" not in response.content


def test_a_prompt_links_to_the_section_it_points_to(client, teacher, lesson):
    prompt = lesson.prompts.first()
    prompt.section_anchor = "why-does-it-matter"
    prompt.save()
    client.force_login(teacher)
    content = client.get(url(lesson)).content.decode()
    assert 'Look back at: <a href="#why-does-it-matter">Why does it matter?</a>' in content
    assert 'id="why-does-it-matter"' in content


def test_it_escapes_a_script_in_the_reading(client, teacher, lesson):
    reading = lesson.readings.get()
    reading.body = "Before <script>alert(1)</script> after.\n\n## <b>Heading</b>\n\nText."
    reading.save()
    lesson.prompts.update(text="<img src=x onerror=alert(1)>")
    client.force_login(teacher)
    content = client.get(url(lesson)).content
    assert b"<script>alert(1)</script>" not in content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert b"<b>Heading</b>" not in content
    assert b"<img src=x" not in content


def test_it_offers_the_teacher_assign_and_plan_buttons(client, teacher, classroom, lesson):
    client.force_login(teacher)
    content = client.get(url(lesson)).content.decode()
    assign = reverse("classroom:assignment-create", args=[classroom.pk])
    assert f'href="{assign}?lesson={lesson.slug}"' in content
    assert reverse("classroom:lesson-plan", args=[lesson.slug]) in content


def test_a_lesson_without_reading_or_prompts_says_so(client, teacher):
    empty = factories.LessonFactory(slug="empty")
    client.force_login(teacher)
    response = client.get(url(empty))
    assert response.status_code == 200
    assert b"This lesson has no reading yet" in response.content
    assert b"This lesson has no prompts yet" in response.content
    assert b"This reading has no glossary." in response.content
