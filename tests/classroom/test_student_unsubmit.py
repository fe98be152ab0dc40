import datetime

from django.urls import reverse
from django.utils import timezone

from classroom import services
from classroom.models import Submission


def url(assignment):
    return reverse("classroom:unsubmit", args=[assignment.pk])


def turned_in(assignment, student):
    services.response_save(
        assignment=assignment,
        student=student,
        prompt=assignment.prompts.first(),
        text="My answer.",
        base_revision=0,
    )
    return services.submission_turn_in(assignment=assignment, student=student)


def test_it_takes_work_back_before_the_due_time(client, student, assignment):
    submission = turned_in(assignment, student)
    client.force_login(student)
    response = client.post(url(assignment), follow=True)
    assert response.redirect_chain == [(reverse("classroom:workspace", args=[assignment.pk]), 302)]
    submission.refresh_from_db()
    assert submission.state == Submission.State.DRAFT
    assert b"Unsubmitted." in response.content
    assert b"Not turned in yet" in response.content
    prompt = assignment.prompts.first()
    box = response.content.decode().split(f'id="answer-{prompt.pk}"')[1].split("\n")[0]
    assert "disabled" not in box


def test_it_refuses_after_the_due_time(client, student, assignment):
    submission = turned_in(assignment, student)
    assignment.due_at = timezone.now() - datetime.timedelta(minutes=1)
    assignment.save()
    client.force_login(student)
    response = client.post(url(assignment), follow=True)
    submission.refresh_from_db()
    assert submission.state == Submission.State.TURNED_IN
    assert b"can no longer be unsubmitted" in response.content
    assert b"alert-danger" in response.content


def test_returned_work_goes_back_to_returned(client, student, assignment):
    submission = turned_in(assignment, student)
    services.submission_return(submission=submission)
    services.submission_turn_in(assignment=assignment, student=student)
    client.force_login(student)
    client.post(url(assignment))
    submission.refresh_from_db()
    assert submission.state == Submission.State.RETURNED


def test_unsubmitting_a_draft_changes_nothing(client, student, assignment):
    submission = turned_in(assignment, student)
    services.submission_unsubmit(submission=submission)
    client.force_login(student)
    response = client.post(url(assignment), follow=True)
    submission.refresh_from_db()
    assert submission.state == Submission.State.DRAFT
    assert b"nothing to unsubmit" in response.content


def test_it_is_404_without_any_work(client, student, assignment):
    client.force_login(student)
    assert client.post(url(assignment)).status_code == 404
    assert not Submission.objects.exists()


def test_it_only_accepts_post(client, student, assignment):
    submission = turned_in(assignment, student)
    client.force_login(student)
    assert client.get(url(assignment)).status_code == 405
    submission.refresh_from_db()
    assert submission.state == Submission.State.TURNED_IN


def test_visitors_are_sent_to_log_in(client, student, assignment):
    submission = turned_in(assignment, student)
    response = client.post(url(assignment))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    submission.refresh_from_db()
    assert submission.state == Submission.State.TURNED_IN


def test_teachers_get_403(client, teacher, student, assignment):
    submission = turned_in(assignment, student)
    client.force_login(teacher)
    assert client.post(url(assignment)).status_code == 403
    submission.refresh_from_db()
    assert submission.state == Submission.State.TURNED_IN


def test_other_students_get_404(client, student, other_student, assignment, other_assignment):
    submission = turned_in(assignment, student)
    client.force_login(other_student)
    assert client.post(url(assignment)).status_code == 404
    submission.refresh_from_db()
    assert submission.state == Submission.State.TURNED_IN
