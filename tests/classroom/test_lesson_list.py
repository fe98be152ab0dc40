import pytest
from django.urls import reverse

from lessons import text
from lessons.models import Lesson
from tests import factories

URL = reverse("classroom:lesson-list")


@pytest.fixture
def draft(db):
    return factories.LessonFactory(
        title="Unfinished draft lesson", slug="unfinished", status=Lesson.Status.DRAFT
    )


def test_it_sends_visitors_to_the_login_page(client, lesson):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_students_may_not_browse_the_library(client, student, lesson):
    client.force_login(student)
    assert client.get(URL).status_code == 403


def test_it_shows_teachers_published_lessons_only(client, teacher, lesson, draft):
    client.force_login(teacher)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Who is North Korea’s only ally?".encode() in response.content
    assert b"Unfinished draft lesson" not in response.content


def test_admins_also_see_drafts_marked_as_drafts(client, admin, lesson, draft):
    client.force_login(admin)
    response = client.get(URL)
    assert response.status_code == 200
    assert b"Unfinished draft lesson" in response.content
    assert b">Draft</span>" in response.content


def test_each_card_shows_what_a_teacher_needs_to_choose(client, teacher, lesson):
    factories.ReadingFactory(lesson=lesson, title="A second reading", body="Four more words here.")
    client.force_login(teacher)
    response = client.get(URL)
    content = response.content.decode()
    words = text.word_count(factories.READING_BODY) + 4
    assert lesson.summary in content
    assert "Social studies · Grades 9–12" in content
    assert '<span class="fw-semibold">50</span> min' in content
    assert '<span class="fw-semibold">3</span> prompts' in content
    # Summed over readings, never multiplied by the number of prompts.
    assert f'<span class="fw-semibold">{words}</span> words to read' in content
    assert reverse("classroom:lesson-detail", args=[lesson.slug]) in content
    assert reverse("classroom:lesson-plan", args=[lesson.slug]) in content


def test_it_offers_to_assign_to_each_of_the_teachers_active_classes(
    client, teacher, classroom, other_classroom, lesson
):
    archived = factories.ClassroomFactory(teacher=teacher, name="Old class", archived=True)
    client.force_login(teacher)
    content = client.get(URL).content.decode()
    assign = reverse("classroom:assignment-create", args=[classroom.pk])
    assert f'href="{assign}?lesson=north-korea"' in content
    assert "Period 1 World History" in content
    assert reverse("classroom:assignment-create", args=[other_classroom.pk]) not in content
    assert reverse("classroom:assignment-create", args=[archived.pk]) not in content


def test_a_teacher_without_classes_is_told_to_create_one(client, teacher, lesson):
    client.force_login(teacher)
    content = client.get(URL).content.decode()
    assert "You have no classes yet" in content
    assert reverse("classroom:class-create") in content
    assert "assign/?lesson=" not in content


def test_admins_get_no_assign_menu(client, admin, lesson):
    client.force_login(admin)
    assert b"Assign to a class" not in client.get(URL).content


def test_search_matches_title_summary_or_subject(client, teacher, lesson):
    factories.LessonFactory(title="Magna Carta", summary="Rights in 1215.", subject="Civics")
    client.force_login(teacher)
    response = client.get(URL, {"q": "magna"})
    assert b"Magna Carta" in response.content
    assert "North Korea’s".encode() not in response.content
    assert b'value="magna"' in response.content
    assert b"Magna Carta" in client.get(URL, {"q": "1215"}).content
    assert b"Magna Carta" in client.get(URL, {"q": "civics"}).content


def test_a_search_with_no_results_says_what_to_do(client, teacher, lesson):
    client.force_login(teacher)
    response = client.get(URL, {"q": "photosynthesis"})
    assert response.status_code == 200
    assert "No lessons match “photosynthesis”".encode() in response.content
    assert b"Show all lessons" in response.content


def test_an_empty_library_tells_teachers_who_adds_lessons(client, teacher):
    client.force_login(teacher)
    response = client.get(URL)
    assert b"The library has no lessons yet" in response.content
    assert b"administrator" in response.content


def test_an_empty_library_offers_admins_the_add_page(client, admin):
    client.force_login(admin)
    response = client.get(URL)
    assert reverse("admin:lessons_lesson_add").encode() in response.content


def test_it_escapes_lesson_text(client, teacher):
    factories.LessonFactory(title="<script>alert(1)</script>", summary="<b>bold</b>")
    client.force_login(teacher)
    content = client.get(URL).content
    assert b"<script>alert(1)</script>" not in content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert b"&lt;b&gt;bold&lt;/b&gt;" in content


@pytest.mark.parametrize("size", [5, 30])
def test_the_query_count_does_not_grow_with_lessons_or_classes(
    client, teacher, django_assert_max_num_queries, size
):
    for n in range(size):
        lesson = factories.full_lesson(title=f"Lesson {n}", slug=f"lesson-q-{n}")
        factories.ReadingFactory(lesson=lesson)
    for _ in range(size // 5):
        factories.ClassroomFactory(teacher=teacher)
    client.force_login(teacher)
    with django_assert_max_num_queries(4):
        response = client.get(URL)
    assert response.content.count(b'class="card h-100 lesson-card"') == size
