import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from classroom import services
from tests import factories

URL = reverse("classroom:student-dashboard")


def answer(assignment, student, text="My answer."):
    services.response_save(
        assignment=assignment,
        student=student,
        prompt=assignment.prompts.first(),
        text=text,
        base_revision=0,
    )


def section(response, heading):
    """The HTML of one dashboard group, from its heading to the next group."""
    html = response.content.decode()
    start = html.index(f'id="{heading}-heading"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


def test_it_asks_a_new_student_to_join_a_class(client, student):
    client.force_login(student)
    response = client.get(URL)
    assert response.status_code == 200
    assert b"Join a class" in response.content
    assert b'name="join_code"' in response.content
    assert reverse("classroom:class-join").encode() in response.content


def test_it_lists_work_to_do_with_its_class_and_due_time(client, student, assignment):
    client.force_login(student)
    response = client.get(URL)
    assert response.status_code == 200
    to_do = section(response, "to-do")
    assert assignment.title in to_do
    assert "Period 1 World History" in to_do
    assert reverse("classroom:workspace", args=[assignment.pk]) in to_do
    assert "Not started" in to_do
    assert f'datetime="{timezone.localtime(assignment.due_at):%Y-%m-%dT%H:%M:%S%z}"' in to_do
    assert b'name="join_code"' not in response.content


def test_it_lists_the_students_classes(client, student, classroom):
    client.force_login(student)
    response = client.get(URL)
    assert b"My classes" in response.content
    assert b"Period 1 World History" in response.content
    assert b"Tess Teacher" in response.content


def test_it_groups_work_by_state(client, student, classroom, lesson):
    draft = factories.make_assignment(classroom, lesson)
    handed = factories.make_assignment(classroom, lesson, instructions="Second")
    back = factories.make_assignment(classroom, lesson, instructions="Third")
    for a in (draft, handed, back):
        a.title = f"Work {a.instructions}"
        a.save()
    answer(draft, student)
    answer(handed, student)
    services.submission_turn_in(assignment=handed, student=student)
    answer(back, student)
    submission = services.submission_turn_in(assignment=back, student=student)
    services.submission_return(submission=submission)

    client.force_login(student)
    response = client.get(URL)
    to_do = section(response, "to-do")
    assert draft.title in to_do and "Draft" in to_do
    assert handed.title not in to_do and back.title not in to_do
    turned_in = section(response, "turned-in")
    assert handed.title in turned_in and "receipt" in turned_in
    returned = section(response, "returned")
    assert back.title in returned and "Returned" in returned


def test_it_flags_due_soon_and_past_due_work(client, student, classroom, lesson):
    now = timezone.now()
    factories.make_assignment(classroom, lesson, due_at=now + datetime.timedelta(hours=3))
    factories.make_assignment(
        classroom,
        lesson,
        opens_at=now - datetime.timedelta(days=3),
        due_at=now - datetime.timedelta(hours=1),
    )
    client.force_login(student)
    response = client.get(URL)
    html = response.content.decode()
    assert html.count("Due soon") == 1
    assert html.count("Past due") == 1
    assert html.index("Past due") < html.index("Due soon")  # most urgent first


def test_it_shows_the_late_flag_on_late_work(client, student, assignment):
    answer(assignment, student)
    services.submission_turn_in(
        assignment=assignment, student=student, now=assignment.due_at + datetime.timedelta(hours=1)
    )
    client.force_login(student)
    response = client.get(URL)
    assert "Late" in section(response, "turned-in")


def test_it_lists_upcoming_work_without_a_link(client, student, classroom, lesson):
    now = timezone.now()
    upcoming = factories.make_assignment(
        classroom,
        lesson,
        opens_at=now + datetime.timedelta(days=1),
        due_at=now + datetime.timedelta(days=2),
    )
    client.force_login(student)
    response = client.get(URL)
    assert b"Opens" in response.content
    assert b"Not open yet" in response.content
    assert reverse("classroom:workspace", args=[upcoming.pk]).encode() not in response.content


def test_it_hides_other_classes_and_archived_classes(
    client, student, assignment, other_assignment, classroom
):
    client.force_login(student)
    response = client.get(URL)
    assert reverse("classroom:workspace", args=[other_assignment.pk]).encode() not in (
        response.content
    )
    assert b"Period 5 Civics" not in response.content
    classroom.archived = True
    classroom.save()
    response = client.get(URL)
    assert b"Period 1 World History" not in response.content
    assert reverse("classroom:workspace", args=[assignment.pk]).encode() not in response.content


def test_it_never_shows_teacher_notes_or_unreturned_comments(client, student, assignment):
    answer(assignment, student)
    submission = services.submission_turn_in(assignment=assignment, student=student)
    response_row = submission.responses.get()
    services.feedback_save(
        submission=submission,
        comment="Private overall draft comment",
        responses={response_row.pk: ("Private draft answer comment", None)},
    )
    client.force_login(student)
    response = client.get(URL)
    assert b"Look for evidence from the text." not in response.content
    assert b"Private overall draft comment" not in response.content
    assert b"Private draft answer comment" not in response.content


def test_it_shows_the_returned_score(client, student, assignment):
    answer(assignment, student)
    submission = services.submission_turn_in(assignment=assignment, student=student)
    services.feedback_save(
        submission=submission,
        comment="",
        responses={submission.responses.get().pk: ("", 3)},
    )
    services.submission_return(submission=submission)
    client.force_login(student)
    response = client.get(URL)
    assert "score 3 / 12" in section(response, "returned")


def test_teachers_may_not_see_it(client, teacher):
    client.force_login(teacher)
    assert client.get(URL).status_code == 403


def test_visitors_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("size", [5, 30])
def test_its_query_count_does_not_grow_with_the_work(
    client, student, lesson, size, django_assert_max_num_queries
):
    for n in range(size):
        classroom = factories.ClassroomFactory()
        factories.enroll(classroom, student, *factories.StudentFactory.create_batch(2))
        assignment = factories.make_assignment(classroom, lesson)
        if n % 3 == 0:
            answer(assignment, student)
        if n % 3 == 1:
            answer(assignment, student)
            services.submission_turn_in(assignment=assignment, student=student)
    client.force_login(student)
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.content.decode().count('class="card work-item"') == size


def test_it_says_when_a_class_has_no_work_yet(client, student, classroom):
    client.force_login(student)
    response = client.get(URL)
    assert b"No work yet" in response.content
    assert b'name="join_code"' not in response.content
