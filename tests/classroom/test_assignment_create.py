import datetime
import zoneinfo

import pytest
from django.urls import reverse

from classroom.models import Assignment
from lessons.models import Lesson
from tests import factories

SCHOOL = zoneinfo.ZoneInfo("America/New_York")


def url(classroom):
    return reverse("classroom:assignment-create", args=[classroom.pk])


def data(lesson, **overrides):
    return {
        "lesson": lesson.slug,
        "instructions": "Answer in full sentences.",
        "opens_at": "2030-03-01T08:00",
        "due_at": "2030-03-04T08:00",
        "late_policy": "accept",
        **overrides,
    }


def test_it_sends_visitors_to_log_in(client, classroom, lesson):
    response = client.post(url(classroom), data(lesson))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not Assignment.objects.exists()


def test_it_refuses_students(client, classroom, lesson, student):
    client.force_login(student)

    assert client.post(url(classroom), data(lesson)).status_code == 403
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_hides_other_teachers_classes(client, classroom, lesson, other_teacher, method):
    client.force_login(other_teacher)

    response = getattr(client, method)(url(classroom), data(lesson))

    assert response.status_code == 404
    assert not Assignment.objects.exists()


def test_it_preselects_the_lesson_from_the_library(client, teacher, classroom, lesson):
    factories.LessonFactory(title="Draft lesson", status=Lesson.Status.DRAFT)
    client.force_login(teacher)

    response = client.get(url(classroom) + f"?lesson={lesson.slug}")

    content = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{lesson.slug}" selected>' in content
    assert "Draft lesson" not in content
    assert 'type="datetime-local"' in content
    assert "America/New_York" in content


def test_it_assigns_the_lesson_in_the_school_time_zone(client, teacher, classroom, lesson):
    client.force_login(teacher)

    response = client.post(url(classroom), data(lesson), follow=True)

    assignment = Assignment.objects.get()
    assert response.redirect_chain == [
        (reverse("classroom:assignment-detail", args=[assignment.pk]), 302)
    ]
    assert assignment.classroom == classroom
    assert assignment.lesson == lesson
    assert assignment.title == lesson.title
    assert assignment.instructions == "Answer in full sentences."
    assert assignment.opens_at == datetime.datetime(2030, 3, 1, 8, 0, tzinfo=SCHOOL)
    assert assignment.due_at == datetime.datetime(2030, 3, 4, 8, 0, tzinfo=SCHOOL)
    assert assignment.due_at == datetime.datetime(2030, 3, 4, 13, 0, tzinfo=datetime.UTC)
    assert assignment.late_policy == "accept"
    content = response.content.decode()
    assert f"Assigned {lesson.title} to Period 1 World History, due Mon 4 Mar, 8:00 AM." in content


def test_it_freezes_the_lessons_prompts_and_reading(client, teacher, classroom, lesson):
    client.force_login(teacher)

    client.post(url(classroom), data(lesson))

    assignment = Assignment.objects.get()
    assert [p.text for p in assignment.prompts.all()] == [
        "Prompt 1: explain.",
        "Prompt 2: explain.",
        "Prompt 3: explain.",
    ]
    assert assignment.readings[0]["title"] == "Who is North Korea’s only ally?"
    assert len(assignment.glossary) == 3


def test_it_drops_seconds_so_the_due_time_is_exact_to_the_minute(
    client, teacher, classroom, lesson
):
    client.force_login(teacher)

    client.post(url(classroom), data(lesson, due_at="2030-03-04T08:00:59"))

    assert Assignment.objects.get().due_at == datetime.datetime(2030, 3, 4, 8, 0, tzinfo=SCHOOL)


def test_it_refuses_a_due_time_before_the_opening(client, teacher, classroom, lesson):
    client.force_login(teacher)

    response = client.post(url(classroom), data(lesson, due_at="2030-02-28T08:00"))

    assert response.status_code == 200
    assert b"The due time must be after the opening time." in response.content
    assert b"Answer in full sentences." in response.content
    assert b'value="2030-02-28T08:00"' in response.content
    assert not Assignment.objects.exists()


def test_it_refuses_a_due_time_that_has_passed(client, teacher, classroom, lesson):
    client.force_login(teacher)

    response = client.post(
        url(classroom), data(lesson, opens_at="2020-01-01T08:00", due_at="2020-01-02T08:00")
    )

    assert response.status_code == 200
    assert b"That time has already passed. Choose a due time in the future." in response.content
    assert not Assignment.objects.exists()


def test_it_refuses_a_draft_lesson(client, teacher, classroom, lesson):
    draft = factories.full_lesson(status=Lesson.Status.DRAFT)
    client.force_login(teacher)

    response = client.post(url(classroom), data(draft))

    assert response.status_code == 200
    assert b"Select a valid choice." in response.content
    assert not Assignment.objects.exists()


def test_it_says_when_there_is_nothing_to_assign(client, teacher, classroom):
    client.force_login(teacher)

    response = client.get(url(classroom))

    assert b"No lessons are published yet" in response.content
    assert reverse("classroom:lesson-list").encode() in response.content


def test_it_sends_an_archived_class_back_with_a_message(client, teacher, classroom, lesson):
    classroom.archived = True
    classroom.save()
    client.force_login(teacher)

    response = client.post(url(classroom), data(lesson), follow=True)

    assert response.redirect_chain == [
        (reverse("classroom:class-detail", args=[classroom.pk]), 302)
    ]
    assert b"This class is archived. Restore it before assigning work." in response.content
    assert not Assignment.objects.exists()


def test_its_page_is_clean_markup(client, teacher, classroom, lesson):
    client.force_login(teacher)

    content = client.get(url(classroom)).content.decode()

    assert content.count("<h1") == 1
    assert "<script>" not in content
    assert " style=" not in content
    assert "Expects:" not in content
