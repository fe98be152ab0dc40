"""What a class answers is fixed when the lesson is assigned."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lessons.models import Lesson
from tests import factories


def test_it_freezes_the_prompts_reading_and_glossary(assignment, lesson):
    prompt = lesson.prompts.first()
    prompt.text = "Rewritten by an admin later."
    prompt.teacher_notes = "New notes."
    prompt.save()
    lesson.prompts.last().delete()
    factories.PromptFactory(lesson=lesson, order=99, text="Added later.")
    reading = lesson.readings.get()
    reading.body = "A completely different article."
    reading.save()
    lesson.terms.all().delete()

    assignment.refresh_from_db()
    texts = [p.text for p in assignment.prompts.all()]
    assert texts == ["Prompt 1: explain.", "Prompt 2: explain.", "Prompt 3: explain."]
    assert assignment.readings[0]["body"] == factories.READING_BODY
    assert [t["term"] for t in assignment.glossary] == ["Geopolitical", "Isolated", "Sanctions"]


def test_it_numbers_prompts_in_lesson_order(assignment):
    assert [p.position for p in assignment.prompts.all()] == [1, 2, 3]
    assert assignment.prompts.first().teacher_notes == "Look for evidence from the text."


def test_it_refuses_a_draft_lesson(classroom):
    draft = factories.full_lesson(status=Lesson.Status.DRAFT)
    with pytest.raises(ValidationError, match="Only published lessons"):
        factories.make_assignment(classroom, draft)


def test_it_refuses_an_archived_class(classroom, lesson):
    classroom.archived = True
    classroom.save()
    with pytest.raises(ValidationError, match="archived"):
        factories.make_assignment(classroom, lesson)


def test_a_workspace_keeps_showing_the_frozen_prompts(client, student, assignment, lesson):
    prompt = lesson.prompts.first()
    prompt.text = "Rewritten by an admin later."
    prompt.save()
    client.force_login(student)
    page = client.get(reverse("classroom:workspace", args=[assignment.pk])).content.decode()
    assert "Prompt 1: explain." in page
    assert "Rewritten by an admin later." not in page
