"""The lesson admin: inlines, publish/unpublish actions, preview link and search."""

import pytest
from django.urls import reverse

from lessons.models import Lesson
from tests import factories

CHANGELIST = reverse("admin:lessons_lesson_changelist")


@pytest.fixture
def draft(db):
    lesson = factories.full_lesson(
        title="Draft on sanctions", slug="draft-on-sanctions", status=Lesson.Status.DRAFT
    )
    lesson.published_at = None
    lesson.save()
    return lesson


def test_the_change_page_loads_with_every_inline(client, admin, lesson):
    client.force_login(admin)
    response = client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk]))
    assert response.status_code == 200
    for prefix in ["steps", "readings", "terms", "prompts"]:
        assert f'name="{prefix}-TOTAL_FORMS"'.encode() in response.content
    assert b"Sanctions" in response.content  # a glossary row is in its inline
    assert b"Prompt 1: explain." in response.content


def test_the_change_page_links_to_the_student_preview(client, admin, lesson):
    client.force_login(admin)
    response = client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk]))
    preview = reverse("classroom:lesson-detail", args=[lesson.slug])
    assert f'href="{preview}"'.encode() in response.content
    assert b"Preview as a student sees it" in response.content


def test_the_list_links_each_lesson_to_its_preview(client, admin, lesson):
    client.force_login(admin)
    response = client.get(CHANGELIST)
    assert reverse("classroom:lesson-detail", args=[lesson.slug]).encode() in response.content


def test_the_publish_action_publishes_drafts_and_stamps_the_time(client, admin, draft):
    client.force_login(admin)
    response = client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == Lesson.Status.PUBLISHED
    assert draft.published_at is not None
    assert b"Published 1 lesson(s)." in response.content


def test_the_unpublish_action_returns_a_lesson_to_draft(client, admin, lesson):
    client.force_login(admin)
    response = client.post(
        CHANGELIST, {"action": "unpublish", "_selected_action": [lesson.pk]}, follow=True
    )
    assert response.status_code == 200
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.DRAFT
    assert b"Unpublished 1 lesson(s)." in response.content


def test_search_finds_a_lesson_by_its_reading_text_once(client, admin, lesson, draft):
    client.force_login(admin)
    response = client.get(CHANGELIST, {"q": "Sanctions limit trade"})
    assert response.status_code == 200
    # Both lessons use the same factory reading, so both match; each appears once.
    assert response.context["cl"].result_count == 2
    response = client.get(CHANGELIST, {"q": "Draft on sanctions"})
    assert list(response.context["cl"].result_list) == [draft]


def test_teachers_cannot_open_the_admin(client, teacher, lesson):
    client.force_login(teacher)
    response = client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk]))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url
