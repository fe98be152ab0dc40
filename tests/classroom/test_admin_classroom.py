"""The admin for people and work: users, classes, assignments and submissions."""

import json

import pytest
from django.contrib.admin.models import LogEntry
from django.forms import SplitDateTimeWidget
from django.urls import reverse

from classroom.models import AuditEvent, Enrollment, Submission
from tests import factories

USERS = reverse("admin:classroom_user_changelist")
ANSWER = "Sentinel answer zq-6630, the student's own words"


def post_data(page) -> dict:
    """The admin change form on ``page`` as a browser would post it back, unchanged."""
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            if field.field.disabled:
                continue
            value = field.value()
            widget = field.field.widget
            if isinstance(widget, SplitDateTimeWidget):
                date, time = widget.decompress(value)
                data[f"{field.html_name}_0"] = date.isoformat() if date else ""
                data[f"{field.html_name}_1"] = time.strftime("%H:%M:%S") if time else ""
            elif isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
            else:
                data[field.html_name] = "" if value is None else value
    return data


# --- Users ---


def test_the_user_list_filters_by_role(client, admin, teacher, student, other_student):
    client.force_login(admin)

    response = client.get(USERS, {"role__exact": "student"})

    assert response.status_code == 200
    assert {u.username for u in response.context["cl"].result_list} == {
        "student",
        "otherstudent",
    }


def test_the_user_list_searches_names(client, admin, teacher, student, other_student):
    client.force_login(admin)

    response = client.get(USERS, {"q": "Outsider"})

    assert [u.username for u in response.context["cl"].result_list] == ["otherstudent"]


def test_the_user_list_filters_by_class_and_counts_classes(
    client, admin, classroom, other_classroom, student, teacher
):
    client.force_login(admin)

    response = client.get(USERS, {"enrollments__classroom__id__exact": classroom.pk})

    assert [u.username for u in response.context["cl"].result_list] == ["student"]
    content = client.get(USERS).content.decode()
    assert "Period 1 World History" in content  # the class filter lists it
    assert "teaches 1" in content


def test_a_students_page_shows_their_classes_and_trail(client, admin, student, classroom):
    AuditEvent.objects.create(actor_name="x", action=AuditEvent.Action.VIEW_WORK, student=student)
    client.force_login(admin)

    response = client.get(reverse("admin:classroom_user_change", args=[student.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="enrollments-TOTAL_FORMS"' in content
    assert f'name="enrollments-0-classroom" value="{classroom.pk}"' in content
    trail = reverse("admin:classroom_auditevent_changelist") + f"?student__id__exact={student.pk}"
    assert trail in content
    assert "Audit trail: 1 event(s) about them" in content
    assert reverse("admin:classroom_user_delete_data", args=[student.pk]) in content


def test_a_teachers_page_lists_the_classes_they_teach(client, admin, teacher, classroom):
    client.force_login(admin)

    response = client.get(reverse("admin:classroom_user_change", args=[teacher.pk]))

    content = response.content.decode()
    assert "Classes taught" in content
    assert reverse("admin:classroom_classroom_change", args=[classroom.pk]) in content
    assert 'name="enrollments-TOTAL_FORMS"' not in content
    assert reverse("admin:classroom_user_delete_data", args=[teacher.pk]) not in content


def test_an_admin_can_put_a_student_in_a_class(client, admin, student, other_classroom):
    client.force_login(admin)
    url = reverse("admin:classroom_user_change", args=[student.pk])
    data = post_data(client.get(url))
    data |= {
        "enrollments-TOTAL_FORMS": "1",
        "enrollments-0-classroom": str(other_classroom.pk),
        "enrollments-0-student": str(student.pk),
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Enrollment.objects.filter(student=student, classroom=other_classroom).exists()


@pytest.mark.parametrize("who", ["teacher", "student"])
def test_the_people_admin_is_for_staff_only(client, request, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(USERS)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# --- Classes ---


def test_the_class_list_counts_students(client, admin, classroom):
    factories.enroll(classroom, *factories.StudentFactory.create_batch(2))
    client.force_login(admin)

    response = client.get(reverse("admin:classroom_classroom_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_list[0].students == 3


def test_enrolling_in_the_admin_keeps_the_students_name_out_of_the_class_history(
    client, admin, classroom, other_student
):
    client.force_login(admin)
    url = reverse("admin:classroom_classroom_change", args=[classroom.pk])
    data = post_data(client.get(url))
    data |= {
        "enrollments-TOTAL_FORMS": "2",
        "enrollments-1-student": str(other_student.pk),
        "enrollments-1-classroom": str(classroom.pk),
    }

    response = client.post(url, data)

    assert response.status_code == 302
    assert Enrollment.objects.filter(classroom=classroom, student=other_student).exists()
    entry = LogEntry.objects.get(object_id=str(classroom.pk))
    assert {"added": {"name": "enrollment", "object": f"student #{other_student.pk}"}} in (
        json.loads(entry.change_message)
    )
    assert "Olive" not in entry.change_message


# --- Assignments ---


def test_an_assignments_prompts_are_read_only(client, admin, assignment):
    client.force_login(admin)

    response = client.get(reverse("admin:classroom_assignment_change", args=[assignment.pk]))

    content = response.content.decode()
    assert "Prompt 1: explain." in content
    assert 'name="prompts-0-text"' not in content
    assert 'name="prompts-__prefix__-text"' not in content


# --- Submissions ---


@pytest.fixture
def submission(assignment, student):
    return factories.submit_work(assignment, student, {1: ANSWER, 2: "Two"})


def submission_url(submission):
    return reverse("admin:classroom_submission_change", args=[submission.pk])


def test_the_submission_page_shows_answers_read_only(client, admin, submission):
    client.force_login(admin)

    response = client.get(submission_url(submission))

    content = response.content.decode()
    assert response.status_code == 200
    assert ANSWER.replace("'", "&#x27;") in content
    assert 'name="responses-0-text"' not in content
    assert 'name="responses-0-comment"' in content
    assert 'name="comment"' in content
    assert 'name="student"' not in content  # whose work it is is not editable either
    assert "Working feedback (the student sees it only when returned)" in content


def test_an_admin_cannot_rewrite_an_answer(client, admin, submission):
    client.force_login(admin)
    url = submission_url(submission)
    data = post_data(client.get(url)) | {"responses-0-text": "Rewritten by an admin"}

    response = client.post(url, data)

    assert response.status_code == 302
    first = submission.responses.get(prompt__position=1)
    assert first.text == ANSWER
    assert not AuditEvent.objects.exists()  # nothing changed, nothing recorded


def test_feedback_edits_are_recorded_with_field_names_only(client, admin, submission, student):
    client.force_login(admin)
    url = submission_url(submission)
    data = post_data(client.get(url))
    data |= {"comment": "Secret admin comment", "responses-0-points": "2"}

    response = client.post(url, data)

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.comment == "Secret admin comment"
    first = submission.responses.get(prompt__position=1)
    assert first.points == 2
    events = AuditEvent.objects.order_by("pk")
    assert [(e.action, e.student, e.object_type, e.detail) for e in events] == [
        (AuditEvent.Action.ADMIN_CHANGE, student, "submission", "changed comment"),
        (AuditEvent.Action.ADMIN_CHANGE, student, "response", "changed points"),
    ]
    assert events[1].object_id == str(first.pk)
    assert events[0].actor == admin


def test_deleting_a_submission_is_recorded(client, admin, submission, student):
    client.force_login(admin)

    response = client.post(
        reverse("admin:classroom_submission_delete", args=[submission.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Submission.objects.filter(pk=submission.pk).exists()
    event = AuditEvent.objects.get()
    assert (event.action, event.student, event.detail) == (
        AuditEvent.Action.ADMIN_CHANGE,
        student,
        f"deleted submission #{submission.pk}",
    )


def test_deleting_submissions_in_bulk_is_recorded(client, admin, submission, student):
    client.force_login(admin)

    client.post(
        reverse("admin:classroom_submission_changelist"),
        {"action": "delete_selected", "_selected_action": [submission.pk], "post": "yes"},
    )

    assert not Submission.objects.exists()
    assert AuditEvent.objects.get().student == student


def test_submissions_are_never_added_by_hand(client, admin):
    client.force_login(admin)

    assert client.get(reverse("admin:classroom_submission_add")).status_code == 403


def test_the_admin_is_named_after_the_site(client, admin):
    client.force_login(admin)

    page = client.get(reverse("admin:index")).content.decode()

    assert (
        "<title>Lessons, classes and students&#x27; work | Classroom Lessons admin</title>" in page
    )
    assert "Classroom Lessons administration" in page
    assert "Django administration" not in page
