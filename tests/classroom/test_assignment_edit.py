import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

SCHOOL = zoneinfo.ZoneInfo("America/New_York")


def url(assignment):
    return reverse("classroom:assignment-edit", args=[assignment.pk])


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def data(assignment, **overrides):
    return {
        "instructions": assignment.instructions,
        "opens_at": local(assignment.opens_at),
        "due_at": local(assignment.due_at),
        "late_policy": assignment.late_policy,
        **overrides,
    }


def test_it_sends_visitors_to_log_in(client, assignment):
    response = client.post(url(assignment), data(assignment, instructions="Changed"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assignment.refresh_from_db()
    assert assignment.instructions == "Read, then answer every prompt."


def test_it_refuses_students(client, assignment, student):
    client.force_login(student)

    assert client.post(url(assignment), data(assignment, instructions="X")).status_code == 403


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_hides_other_teachers_assignments(client, assignment, other_teacher, method):
    client.force_login(other_teacher)

    response = getattr(client, method)(url(assignment), data(assignment, instructions="X"))

    assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.instructions == "Read, then answer every prompt."


def test_it_shows_the_current_values_in_school_time(client, teacher, assignment):
    client.force_login(teacher)

    content = client.get(url(assignment)).content.decode()

    assert f'value="{local(assignment.due_at)}"' in content
    assert "Read, then answer every prompt." in content
    assert 'name="lesson"' not in content
    assert "re-checks the late flag" in content


def test_it_saves_instructions_times_and_late_policy(client, teacher, assignment, lesson):
    other_lesson = factories.full_lesson(title="Another lesson")
    client.force_login(teacher)

    response = client.post(
        url(assignment),
        data(
            assignment,
            instructions="Use two quotes.",
            due_at="2030-05-06T15:30",
            late_policy="close",
            lesson=other_lesson.slug,
            title="Hacked title",
        ),
        follow=True,
    )

    assert response.redirect_chain == [(url(assignment).removesuffix("edit/"), 302)]
    assignment.refresh_from_db()
    assert assignment.instructions == "Use two quotes."
    assert assignment.due_at == datetime.datetime(2030, 5, 6, 15, 30, tzinfo=SCHOOL)
    assert assignment.late_policy == "close"
    assert assignment.lesson == lesson
    assert assignment.title == lesson.title
    assert assignment.prompts.count() == 3
    assert b"Saved the changes to" in response.content
    assert b"It is due Mon 6 May, 3:30 PM." in response.content


def test_moving_the_due_time_rechecks_late_flags(client, teacher, classroom, assignment, student):
    early, late = factories.StudentFactory.create_batch(2)
    factories.enroll(classroom, early, late)
    due = assignment.due_at
    on_time_work = factories.submit_work(
        assignment, early, turned_in_at=due - datetime.timedelta(hours=1)
    )
    late_work = factories.submit_work(
        assignment, late, turned_in_at=due + datetime.timedelta(hours=1), late=True
    )
    client.force_login(teacher)

    # Extend by a day: the late work is now on time.
    response = client.post(
        url(assignment),
        data(assignment, due_at=local(due + datetime.timedelta(days=1))),
        follow=True,
    )

    late_work.refresh_from_db()
    on_time_work.refresh_from_db()
    assert not late_work.late
    assert not on_time_work.late
    assert b"Late flags changed for 1 student." in response.content

    # Bring it two hours earlier than it first was: both are late.
    client.post(url(assignment), data(assignment, due_at=local(due - datetime.timedelta(hours=2))))

    late_work.refresh_from_db()
    on_time_work.refresh_from_db()
    assert late_work.late
    assert on_time_work.late


def test_it_keeps_late_flags_when_the_due_time_is_unchanged(client, teacher, assignment, student):
    work = factories.submit_work(
        assignment, student, turned_in_at=assignment.due_at - datetime.timedelta(hours=1), late=True
    )
    client.force_login(teacher)

    client.post(url(assignment), data(assignment, instructions="Only this changed."))

    work.refresh_from_db()
    assignment.refresh_from_db()
    assert work.late
    assert assignment.instructions == "Only this changed."


def test_it_refuses_a_due_time_before_the_opening(client, teacher, assignment):
    client.force_login(teacher)
    original_due = assignment.due_at

    response = client.post(
        url(assignment),
        data(
            assignment,
            instructions="Typed text stays",
            opens_at="2030-05-06T08:00",
            due_at="2030-05-05T08:00",
        ),
    )

    assert response.status_code == 200
    assert b"The due time must be after the opening time." in response.content
    assert b"Typed text stays" in response.content
    assignment.refresh_from_db()
    assert assignment.due_at == original_due
    assert assignment.instructions == "Read, then answer every prompt."


def test_it_refuses_moving_the_due_time_into_the_past(client, teacher, assignment):
    client.force_login(teacher)

    response = client.post(
        url(assignment), data(assignment, opens_at="2020-01-01T08:00", due_at="2020-01-02T08:00")
    )

    assert response.status_code == 200
    assert b"That time has already passed." in response.content


def test_an_assignment_already_past_due_can_still_be_edited(client, teacher, classroom, lesson):
    now = timezone.now()
    past = factories.make_assignment(
        classroom,
        lesson,
        opens_at=now - datetime.timedelta(days=9),
        due_at=now - datetime.timedelta(days=2),
    )
    client.force_login(teacher)

    response = client.post(url(past), data(past, instructions="Reading list updated."))

    assert response.status_code == 302
    original = past.due_at
    past.refresh_from_db()
    assert past.instructions == "Reading list updated."
    assert past.due_at == original
