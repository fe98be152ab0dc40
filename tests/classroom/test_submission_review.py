from decimal import Decimal

import pytest
from django.urls import reverse

from classroom.models import Response, Submission
from tests import factories


def url(assignment, student):
    return reverse("classroom:submission-review", args=[assignment.pk, student.pk])


@pytest.fixture
def submission(assignment, student):
    return factories.submit_work(
        assignment, student, {1: "First line\n    indented <script>alert(1)</script>", 2: "Two"}
    )


def feedback(submission, **overrides):
    data = {"comment": "Well argued overall.", "action": "save"}
    for response in submission.responses.all():
        data[f"comment_{response.pk}"] = f"Comment {response.prompt.position}"
        data[f"points_{response.pk}"] = "3"
    data.update(overrides)
    return data


def test_it_sends_visitors_to_log_in(client, assignment, student, submission):
    response = client.get(url(assignment, student))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_refuses_students(client, assignment, student, submission):
    client.force_login(student)

    assert client.get(url(assignment, student)).status_code == 403
    assert client.post(url(assignment, student), feedback(submission)).status_code == 403
    submission.refresh_from_db()
    assert submission.comment == ""


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_hides_other_teachers_work(
    client, assignment, student, submission, other_teacher, method
):
    client.force_login(other_teacher)

    response = getattr(client, method)(url(assignment, student), feedback(submission))

    assert response.status_code == 404
    submission.refresh_from_db()
    assert submission.comment == ""


def test_it_404s_for_a_student_outside_the_class(
    client, teacher, assignment, other_classroom, other_student
):
    client.force_login(teacher)

    assert client.get(url(assignment, other_student)).status_code == 404


def test_it_shows_the_answers_escaped_with_the_teacher_notes(
    client, teacher, assignment, student, submission
):
    client.force_login(teacher)

    response = client.get(url(assignment, student))

    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Sam Student</h1>" in content
    assert (
        '<div class="answer-text mb-3">First line\n    indented '
        "&lt;script&gt;alert(1)&lt;/script&gt;</div>" in content
    )
    assert "<script>alert(1)" not in content
    assert content.count("Look for evidence from the text.") == 3
    assert "No answer." in content  # prompt 3
    assert content.count('name="comment_') == 2
    assert 'max="4"' in content
    assert "Save feedback" in content
    assert "Save and return" in content
    assert reverse("classroom:assignment-detail", args=[assignment.pk]) in content


def test_it_saves_feedback_privately(client, teacher, assignment, student, submission):
    client.force_login(teacher)

    response = client.post(url(assignment, student), feedback(submission), follow=True)

    assert response.redirect_chain == [(url(assignment, student), 302)]
    submission.refresh_from_db()
    assert submission.state == Submission.State.TURNED_IN
    assert submission.comment == "Well argued overall."
    assert submission.returned_comment == ""
    assert submission.returned_at is None
    first = submission.responses.get(prompt__position=1)
    assert first.comment == "Comment 1"
    assert first.points == Decimal("3")
    assert first.returned_comment == ""
    assert first.returned_points is None
    assert b"Saved your feedback for Sam Student." in response.content
    assert b"Points so far" in response.content
    assert b"6 / 12" in response.content


def test_it_saves_and_returns(client, teacher, assignment, student, submission):
    client.force_login(teacher)

    response = client.post(
        url(assignment, student), feedback(submission, action="return"), follow=True
    )

    submission.refresh_from_db()
    assert submission.state == Submission.State.RETURNED
    assert submission.returned_comment == "Well argued overall."
    assert submission.returned_score == Decimal("6")
    assert submission.responses.get(prompt__position=2).returned_comment == "Comment 2"
    assert b"Returned the work to Sam Student with your feedback." in response.content
    assert b"Save and update the returned feedback" in response.content


def test_bad_points_keep_everything_typed(client, teacher, assignment, student, submission):
    first = submission.responses.get(prompt__position=1)
    client.force_login(teacher)

    response = client.post(
        url(assignment, student),
        feedback(submission, **{f"points_{first.pk}": "9", "comment": "Keep this overall note"}),
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "Your feedback was not saved." in content
    assert "Ensure this value is less than or equal to 4." in content
    assert "Keep this overall note" in content
    assert "Comment 1" in content
    assert "Comment 2" in content
    submission.refresh_from_db()
    assert submission.comment == ""
    assert not Response.objects.filter(submission=submission).exclude(comment="").exists()


def test_it_links_to_the_previous_and_next_students_in_roster_order(
    client, teacher, classroom, assignment, student
):
    before = factories.StudentFactory(first_name="Abe", last_name="Adams")
    after = factories.StudentFactory(first_name="Zoe", last_name="Zed")
    factories.enroll(classroom, before, after)
    client.force_login(teacher)

    content = client.get(url(assignment, student)).content.decode()

    assert f'rel="prev" href="{url(assignment, before)}"' in content
    assert f'rel="next" href="{url(assignment, after)}"' in content
    assert "Student 2 of 3" in content
    first_page = client.get(url(assignment, before)).content.decode()
    assert 'rel="prev"' not in first_page
    assert f'rel="next" href="{url(assignment, student)}"' in first_page


def test_work_not_started_shows_no_form(client, teacher, assignment, student):
    client.force_login(teacher)

    response = client.get(url(assignment, student))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Not started" in content
    assert '<form method="post" novalidate' not in content
    assert "Save feedback" not in content


def test_posting_feedback_on_work_not_started_changes_nothing(client, teacher, assignment, student):
    client.force_login(teacher)

    response = client.post(url(assignment, student), {"comment": "Hello"}, follow=True)

    assert response.redirect_chain == [(url(assignment, student), 302)]
    assert not Submission.objects.exists()
    assert b"Sam Student has not started this assignment yet." in response.content


def test_a_draft_can_be_commented_but_not_returned(client, teacher, assignment, student):
    draft = factories.submit_work(assignment, student, {1: "Draft answer"}, state="draft")
    client.force_login(teacher)

    page = client.get(url(assignment, student)).content.decode()
    response = client.post(url(assignment, student), feedback(draft, action="return"), follow=True)

    assert "Save and return" not in page
    assert "has not turned this in" in page
    draft.refresh_from_db()
    assert draft.state == Submission.State.DRAFT
    assert draft.comment == "Well argued overall."
    assert draft.returned_at is None
    assert b"Not returned: Only turned-in work can be returned." in response.content


def test_its_page_is_clean_markup(client, teacher, assignment, student, submission):
    client.force_login(teacher)

    content = client.get(url(assignment, student)).content.decode()

    assert content.count("<h1") == 1
    assert "<script>" not in content
    assert " style=" not in content
    assert "Expects:" not in content
