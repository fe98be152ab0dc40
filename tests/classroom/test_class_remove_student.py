from django.urls import reverse

from classroom.models import Enrollment, Submission
from tests import factories


def url(classroom, student):
    return reverse("classroom:class-remove-student", args=[classroom.pk, student.pk])


def test_it_sends_visitors_to_log_in(client, classroom, student):
    response = client.post(url(classroom, student))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert Enrollment.objects.filter(classroom=classroom, student=student).exists()


def test_it_refuses_students(client, classroom, student):
    client.force_login(student)

    assert client.post(url(classroom, student)).status_code == 403
    assert Enrollment.objects.filter(classroom=classroom, student=student).exists()


def test_it_hides_other_teachers_classes(client, classroom, student, other_teacher):
    client.force_login(other_teacher)

    assert client.post(url(classroom, student)).status_code == 404
    assert Enrollment.objects.filter(classroom=classroom, student=student).exists()


def test_it_404s_for_a_student_not_in_the_class(
    client, teacher, classroom, other_classroom, other_student
):
    client.force_login(teacher)

    assert client.post(url(classroom, other_student)).status_code == 404
    assert Enrollment.objects.filter(student=other_student).exists()


def test_it_changes_nothing_on_get(client, teacher, classroom, student):
    client.force_login(teacher)

    assert client.get(url(classroom, student)).status_code == 405
    assert Enrollment.objects.filter(classroom=classroom, student=student).exists()


def test_it_removes_the_student_and_keeps_their_work(
    client, teacher, classroom, assignment, student
):
    submission = factories.submit_work(assignment, student)
    client.force_login(teacher)

    response = client.post(url(classroom, student), follow=True)

    assert response.redirect_chain == [
        (reverse("classroom:class-detail", args=[classroom.pk]), 302)
    ]
    assert not Enrollment.objects.filter(classroom=classroom, student=student).exists()
    assert Submission.objects.filter(pk=submission.pk).exists()
    content = response.content.decode()
    assert "Removed Sam Student from Period 1 World History." in content
    assert "Student, Sam" not in content


def test_their_work_is_hidden_from_progress_once_removed(
    client, teacher, classroom, assignment, student
):
    factories.submit_work(assignment, student)
    client.force_login(teacher)

    client.post(url(classroom, student))

    response = client.get(reverse("classroom:assignment-detail", args=[assignment.pk]))
    assert b"Student, Sam" not in response.content
    review = reverse("classroom:submission-review", args=[assignment.pk, student.pk])
    assert client.get(review).status_code == 404
