from decimal import Decimal

import pytest
from django.urls import reverse

from classroom import services
from classroom.models import Submission
from tests import factories


def url(assignment, student):
    return reverse("classroom:submission-return", args=[assignment.pk, student.pk])


def review_url(assignment, student):
    return reverse("classroom:submission-review", args=[assignment.pk, student.pk])


@pytest.fixture
def submission(assignment, student):
    submission = factories.submit_work(assignment, student)
    first = submission.responses.get(prompt__position=1)
    services.feedback_save(
        submission=submission, comment="Nice work.", responses={first.pk: ("Good", Decimal(3))}
    )
    return submission


def test_it_sends_visitors_to_log_in(client, assignment, student, submission):
    response = client.post(url(assignment, student))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    submission.refresh_from_db()
    assert submission.state == Submission.State.TURNED_IN


def test_it_refuses_students(client, assignment, student, submission):
    client.force_login(student)

    assert client.post(url(assignment, student)).status_code == 403
    submission.refresh_from_db()
    assert submission.state == Submission.State.TURNED_IN


def test_it_hides_other_teachers_work(client, assignment, student, submission, other_teacher):
    client.force_login(other_teacher)

    assert client.post(url(assignment, student)).status_code == 404
    submission.refresh_from_db()
    assert submission.state == Submission.State.TURNED_IN


def test_it_changes_nothing_on_get(client, teacher, assignment, student, submission):
    client.force_login(teacher)

    assert client.get(url(assignment, student)).status_code == 405
    submission.refresh_from_db()
    assert submission.state == Submission.State.TURNED_IN


def test_it_404s_when_there_is_no_work(client, teacher, assignment, student):
    client.force_login(teacher)

    assert client.post(url(assignment, student)).status_code == 404


def test_it_returns_the_work_with_the_feedback(client, teacher, assignment, student, submission):
    client.force_login(teacher)

    response = client.post(url(assignment, student), follow=True)

    assert response.redirect_chain == [(review_url(assignment, student), 302)]
    submission.refresh_from_db()
    assert submission.state == Submission.State.RETURNED
    assert submission.returned_at is not None
    assert submission.returned_comment == "Nice work."
    assert submission.returned_score == Decimal(3)
    assert submission.responses.get(prompt__position=1).returned_comment == "Good"
    assert b"Returned the work to Sam Student with your feedback." in response.content


def test_it_goes_back_to_the_progress_page(client, teacher, assignment, student, submission):
    client.force_login(teacher)
    progress = reverse("classroom:assignment-detail", args=[assignment.pk])

    response = client.post(url(assignment, student), {"next": progress})

    assert response.status_code == 302
    assert response.url == progress


def test_it_ignores_a_next_address_on_another_site(
    client, teacher, assignment, student, submission
):
    client.force_login(teacher)

    response = client.post(url(assignment, student), {"next": "https://evil.example/"})

    assert response.url == review_url(assignment, student)


def test_a_draft_is_not_returned(client, teacher, assignment, student):
    draft = factories.submit_work(assignment, student, state="draft")
    client.force_login(teacher)

    response = client.post(url(assignment, student), follow=True)

    draft.refresh_from_db()
    assert draft.state == Submission.State.DRAFT
    assert draft.returned_at is None
    assert b"Not returned: Only turned-in work can be returned." in response.content


def test_returning_twice_is_harmless(client, teacher, assignment, student, submission):
    client.force_login(teacher)
    client.post(url(assignment, student))
    submission.refresh_from_db()
    first_return = submission.returned_at

    client.post(url(assignment, student))

    submission.refresh_from_db()
    assert submission.state == Submission.State.RETURNED
    assert submission.returned_at == first_return


def test_returning_again_publishes_edited_feedback(
    client, teacher, assignment, student, submission
):
    client.force_login(teacher)
    client.post(url(assignment, student))
    first = submission.responses.get(prompt__position=1)
    services.feedback_save(
        submission=submission, comment="Fixed a typo.", responses={first.pk: ("Great", Decimal(4))}
    )

    response = client.post(url(assignment, student), follow=True)

    submission.refresh_from_db()
    first.refresh_from_db()
    assert submission.returned_comment == "Fixed a typo."
    assert submission.returned_score == Decimal(4)
    assert first.returned_comment == "Great"
    assert b"Updated the feedback Sam Student sees." in response.content
