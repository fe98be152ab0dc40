import re

import pytest
from django.urls import reverse

from lessons.models import Lesson, Prompt
from tests import factories


def url(lesson):
    return reverse("classroom:lesson-handout", args=[lesson.slug])


@pytest.fixture
def draft(db):
    return factories.full_lesson(
        title="Unfinished draft lesson", slug="unfinished", status=Lesson.Status.DRAFT
    )


def test_it_sends_visitors_to_the_login_page(client, lesson):
    response = client.get(url(lesson))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_students_may_not_print_it(client, student, lesson):
    client.force_login(student)
    response = client.get(url(lesson))
    assert response.status_code == 403
    assert lesson.title.encode() not in response.content


def test_teachers_cannot_see_a_drafts_handout(client, teacher, draft):
    client.force_login(teacher)
    response = client.get(url(draft))
    assert response.status_code == 404
    assert b"Unfinished draft lesson" not in response.content


def test_admins_can_print_a_drafts_handout(client, admin, draft):
    client.force_login(admin)
    response = client.get(url(draft))
    assert response.status_code == 200
    assert b"Unfinished draft lesson" in response.content


def test_an_unknown_lesson_is_a_404(client, teacher, lesson):
    client.force_login(teacher)
    assert client.get(reverse("classroom:lesson-handout", args=["no-such"])).status_code == 404


def test_it_is_read_only(client, teacher, lesson):
    client.force_login(teacher)
    response = client.post(url(lesson), {"title": "Renamed", "status": "draft"})
    assert response.status_code == 405
    lesson.refresh_from_db()
    assert (lesson.title, lesson.status) == ("Who is North Korea’s only ally?", "published")


def test_it_shows_the_reading_glossary_and_prompts(client, teacher, lesson):
    client.force_login(teacher)

    response = client.get(url(lesson))

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("<h1") == 1
    assert "Who is North Korea’s only ally?" in content
    assert "Intro paragraph about an" in content
    assert 'id="why-does-it-matter-heading">Why does it matter?</h3>' in content
    assert '<a class="glossary-term" href="#term-sanctions"' in content
    assert "Detached or separated from others." in content
    for n in range(1, 4):
        assert f"Prompt {n}: explain." in content
    assert "Short answer · 4 points" in content
    assert "Name" in content and "Date" in content


def test_it_never_shows_teacher_notes(client, teacher, lesson):
    lesson.prompts.update(teacher_notes="SECRET MARKING GUIDE")
    client.force_login(teacher)

    content = client.get(url(lesson)).content.decode()

    assert "SECRET MARKING GUIDE" not in content
    assert "What a strong answer includes" not in content


def test_each_prompt_has_lines_to_write_on_by_kind(client, teacher, lesson):
    lesson.prompts.filter(order=3).update(kind=Prompt.Kind.EXTENDED)
    client.force_login(teacher)

    content = client.get(url(lesson)).content.decode()

    blocks = re.findall(r'<div class="answer-lines" aria-hidden="true">(.*?)</div></div>', content)
    counts = [block.count('<div class="answer-line">') for block in blocks]
    assert counts == [5, 5, 12]


def test_it_names_the_section_a_prompt_looks_back_at(client, teacher, lesson):
    lesson.prompts.filter(order=1).update(section_anchor="why-does-it-matter")
    client.force_login(teacher)

    content = client.get(url(lesson)).content.decode()

    assert "look back at “Why does it matter?”" in content


def test_it_has_a_print_button_driven_by_a_script_file(client, teacher, lesson):
    client.force_login(teacher)

    content = client.get(url(lesson)).content.decode()

    assert (
        '<button type="button" class="btn btn-primary" data-print hidden>Print</button>' in content
    )
    assert re.search(r'<script src="[^"]*js/print\.js" defer></script>', content)
    assert not re.search(r"<script(?![^>]*\bsrc=)", content)  # no inline script
    assert "style=" not in content
    assert 'class="handout-page"' in content


def test_it_escapes_the_lesson_text(client, teacher, lesson):
    lesson.prompts.filter(order=1).update(text="<script>alert(1)</script>")
    lesson.readings.update(body="A <b>bold</b> claim.")
    client.force_login(teacher)

    content = client.get(url(lesson)).content

    assert b"<script>alert(1)</script>" not in content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert b"A &lt;b&gt;bold&lt;/b&gt; claim." in content


def test_an_empty_lesson_says_so(client, teacher):
    empty = factories.LessonFactory(slug="empty")
    client.force_login(teacher)

    content = client.get(url(empty)).content.decode()

    assert "This lesson has no reading yet" in content
    assert "This lesson has no prompts yet" in content


def test_other_teachers_print_the_same_library_lesson(client, other_teacher, lesson):
    # The library is shared: every teacher may print a published lesson.
    client.force_login(other_teacher)
    assert client.get(url(lesson)).status_code == 200


@pytest.mark.parametrize("prompt_count", [3, 30])
def test_the_query_count_does_not_grow_with_the_prompts(
    client, teacher, django_assert_max_num_queries, prompt_count
):
    lesson = factories.full_lesson(slug=f"lesson-{prompt_count}")
    for n in range(prompt_count - 3):
        factories.PromptFactory(lesson=lesson, order=10 + n)
    client.force_login(teacher)

    with django_assert_max_num_queries(6):
        response = client.get(url(lesson))

    assert response.content.decode().count('class="handout-prompt"') == prompt_count


@pytest.mark.parametrize(
    "route", ["classroom:lesson-list", "classroom:lesson-detail", "classroom:lesson-plan"]
)
def test_the_library_card_preview_and_plan_link_to_it(client, teacher, lesson, route):
    client.force_login(teacher)
    args = [] if route == "classroom:lesson-list" else [lesson.slug]

    content = client.get(reverse(route, args=args)).content.decode()

    assert f'href="{url(lesson)}"' in content
