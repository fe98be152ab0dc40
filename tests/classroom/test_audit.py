"""The audit trail: classroom.audit, the events the review pages record, and its admin."""

import pytest
from django.urls import reverse

from classroom import audit
from classroom.models import AuditEvent
from tests import factories

SECRET_ANSWER = "Sentinel answer zq-7781 that must never reach the trail"
SECRET_COMMENT = "Sentinel comment zq-9914"
Action = AuditEvent.Action


@pytest.fixture
def submission(assignment, student):
    return factories.submit_work(assignment, student, {1: SECRET_ANSWER, 2: "Two"})


def review_url(assignment, student):
    return reverse("classroom:submission-review", args=[assignment.pk, student.pk])


def prompt_url(assignment, prompt):
    return reverse("classroom:prompt-review", args=[assignment.pk, prompt.pk])


def feedback(submission, **overrides):
    data = {"comment": SECRET_COMMENT, "action": "save"}
    for response in submission.responses.all():
        data[f"comment_{response.pk}"] = SECRET_COMMENT
        data[f"points_{response.pk}"] = "2"
    return data | overrides


def assert_nothing_secret_recorded():
    for event in AuditEvent.objects.all():
        row = " ".join(str(value) for value in vars(event).values())
        assert SECRET_ANSWER not in row
        assert SECRET_COMMENT not in row


# --- The helper ---


def test_record_names_the_actor_student_and_object(teacher, student, submission):
    event = audit.record(
        actor=teacher, action=Action.VIEW_WORK, student=student, obj=submission, detail="x"
    )

    event.refresh_from_db()
    assert event.actor == teacher
    assert event.actor_name == "Tess Teacher (teacher)"
    assert event.student == student
    assert (event.object_type, event.object_id) == ("submission", str(submission.pk))
    assert event.detail == "x"


def test_record_keeps_details_within_the_column(teacher):
    event = audit.record(actor=teacher, action=Action.EXPORT_SCORES, detail="d" * 500)

    assert len(event.detail) == 300
    assert event.student is None


def test_record_each_writes_many_events_with_one_insert(teacher, lesson, django_assert_num_queries):
    classroom = factories.ClassroomFactory(teacher=teacher)
    students = factories.StudentFactory.create_batch(12)
    factories.enroll(classroom, *students)

    with django_assert_num_queries(1):
        audit.record_each(
            actor=teacher,
            action=Action.VIEW_WORK,
            targets=[(s.pk, None) for s in students],
            detail="prompt 1",
        )

    assert AuditEvent.objects.filter(action=Action.VIEW_WORK, detail="prompt 1").count() == 12


def test_record_each_with_nothing_to_record_runs_no_query(teacher, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert audit.record_each(actor=teacher, action=Action.VIEW_WORK, targets=[]) == []


# --- Review by student ---


def test_viewing_a_submission_is_recorded(client, teacher, assignment, student, submission):
    client.force_login(teacher)

    response = client.get(review_url(assignment, student))

    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert event.action == Action.VIEW_WORK
    assert (event.actor, event.student) == (teacher, student)
    assert event.object_id == str(submission.pk)
    assert_nothing_secret_recorded()


def test_viewing_a_student_who_has_not_started_records_nothing(
    client, teacher, assignment, student
):
    client.force_login(teacher)

    assert client.get(review_url(assignment, student)).status_code == 200
    assert not AuditEvent.objects.exists()


def test_saving_feedback_is_recorded_without_the_comment(
    client, teacher, assignment, student, submission
):
    client.force_login(teacher)

    response = client.post(review_url(assignment, student), feedback(submission))

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.comment == SECRET_COMMENT
    event = AuditEvent.objects.get()
    assert (event.action, event.student, event.object_id) == (
        Action.SAVE_FEEDBACK,
        student,
        str(submission.pk),
    )
    assert_nothing_secret_recorded()


def test_saving_and_returning_records_both(client, teacher, assignment, student, submission):
    client.force_login(teacher)

    client.post(review_url(assignment, student), feedback(submission, action="return"))

    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == [
        Action.RETURN_WORK,
        Action.SAVE_FEEDBACK,
    ]
    assert_nothing_secret_recorded()


def test_returning_from_the_progress_page_is_recorded(
    client, teacher, assignment, student, submission
):
    client.force_login(teacher)

    response = client.post(reverse("classroom:submission-return", args=[assignment.pk, student.pk]))

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.state == submission.State.RETURNED
    event = AuditEvent.objects.get()
    assert (event.action, event.student) == (Action.RETURN_WORK, student)


def test_a_refused_return_records_nothing(client, teacher, assignment, student):
    factories.submit_work(assignment, student, state="draft")
    client.force_login(teacher)

    client.post(reverse("classroom:submission-return", args=[assignment.pk, student.pk]))

    assert not AuditEvent.objects.exists()


def test_outsiders_leave_no_event(
    client, other_teacher, student, assignment, submission, other_classroom
):
    client.force_login(other_teacher)

    assert client.get(review_url(assignment, student)).status_code == 404
    assert client.post(review_url(assignment, student), feedback(submission)).status_code == 404
    assert not AuditEvent.objects.exists()


# --- Review by prompt ---


def test_viewing_a_prompt_records_one_event_per_student_whose_answer_is_shown(
    client, teacher, assignment, student, submission, classroom
):
    quiet = factories.StudentFactory()
    factories.enroll(classroom, quiet)  # in the class, has not started: nothing of theirs shown
    client.force_login(teacher)

    client.get(prompt_url(assignment, assignment.prompts.get(position=1)))

    event = AuditEvent.objects.get()
    assert (event.action, event.student, event.detail) == (Action.VIEW_WORK, student, "prompt 1")
    assert event.object_id == str(submission.pk)


def test_saving_feedback_by_prompt_records_each_changed_answer(
    client, teacher, assignment, student, submission, classroom
):
    other = factories.StudentFactory()
    factories.enroll(classroom, other)
    other_work = factories.submit_work(assignment, other)
    prompt = assignment.prompts.get(position=2)
    mine = submission.responses.get(prompt=prompt)
    theirs = other_work.responses.get(prompt=prompt)
    client.force_login(teacher)

    response = client.post(
        prompt_url(assignment, prompt),
        {
            f"comment_{mine.pk}": SECRET_COMMENT,
            f"points_{mine.pk}": "1",
            f"comment_{theirs.pk}": "",
            f"points_{theirs.pk}": "",
        },
    )

    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.comment == SECRET_COMMENT
    event = AuditEvent.objects.get()
    assert (event.action, event.student, event.detail) == (
        Action.SAVE_FEEDBACK,
        student,
        "prompt 2",
    )
    assert_nothing_secret_recorded()


@pytest.mark.parametrize("size", [5, 30])
def test_the_prompt_page_records_its_views_with_one_insert_at_any_class_size(
    client, teacher, lesson, django_assert_max_num_queries, size
):
    classroom = factories.ClassroomFactory(teacher=teacher)
    students = factories.StudentFactory.create_batch(size)
    factories.enroll(classroom, *students)
    assignment = factories.make_assignment(classroom, lesson)
    for student in students[::2]:
        factories.submit_work(assignment, student)
    page = prompt_url(assignment, assignment.prompts.first())
    client.force_login(teacher)

    # The page's seven reads, and one INSERT for every event.
    with django_assert_max_num_queries(8):
        client.get(page)

    assert AuditEvent.objects.filter(action=Action.VIEW_WORK).count() == len(students[::2])


# --- CSV export ---


def test_exporting_scores_is_recorded_without_a_student(
    client, teacher, assignment, student, submission
):
    client.force_login(teacher)

    response = client.get(reverse("classroom:assignment-export", args=[assignment.pk]))

    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.action, event.student, event.object_type, event.object_id) == (
        Action.EXPORT_SCORES,
        None,
        "assignment",
        str(assignment.pk),
    )


# --- The audit admin ---

CHANGELIST = reverse("admin:classroom_auditevent_changelist")


@pytest.fixture
def events(teacher, other_teacher, student, other_student):
    return [
        audit.record(actor=teacher, action=Action.VIEW_WORK, student=student, detail="prompt 1"),
        audit.record(actor=other_teacher, action=Action.RETURN_WORK, student=other_student),
        audit.record(actor=teacher, action=Action.EXPORT_SCORES),
    ]


def test_the_admin_lists_events_read_only(client, admin, events):
    client.force_login(admin)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Tess Teacher (teacher)" in content
    assert "Omar Other (otherteacher)" in content
    assert reverse("admin:classroom_auditevent_add") not in content
    assert 'name="action"' not in content  # no bulk delete action
    detail = client.get(reverse("admin:classroom_auditevent_change", args=[events[0].pk]))
    assert detail.status_code == 200
    assert b'type="submit"' not in detail.content.split(b'id="content-main"')[1]


def test_the_admin_refuses_to_add_change_or_delete_events(client, admin, events):
    client.force_login(admin)
    event = events[0]

    assert client.get(reverse("admin:classroom_auditevent_add")).status_code == 403
    response = client.post(
        reverse("admin:classroom_auditevent_change", args=[event.pk]), {"detail": "forged"}
    )
    assert response.status_code == 403
    assert (
        client.post(reverse("admin:classroom_auditevent_delete", args=[event.pk])).status_code
        == 403
    )
    event.refresh_from_db()
    assert event.detail == "prompt 1"
    assert AuditEvent.objects.count() == 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "otherteacher"}, {Action.RETURN_WORK}),
        ({"q": "otherstudent"}, {Action.RETURN_WORK}),
        ({"action__exact": Action.EXPORT_SCORES}, {Action.EXPORT_SCORES}),
    ],
)
def test_the_admin_searches_and_filters(client, admin, events, query, expected):
    client.force_login(admin)

    response = client.get(CHANGELIST, query)

    assert response.status_code == 200
    assert {e.action for e in response.context["cl"].result_list} == expected


def test_the_admin_filters_one_students_trail(client, admin, events, student):
    client.force_login(admin)

    response = client.get(CHANGELIST, {"student__id__exact": student.pk})

    assert [e.pk for e in response.context["cl"].result_list] == [events[0].pk]


def test_the_admin_filters_by_date(client, admin, events):
    client.force_login(admin)
    events[2].at = events[2].at.replace(year=2020)
    events[2].save()

    response = client.get(CHANGELIST, {"at__year": 2020})

    assert [e.pk for e in response.context["cl"].result_list] == [events[2].pk]


@pytest.mark.parametrize("who", ["teacher", "student"])
def test_the_audit_admin_is_for_staff_only(client, events, request, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_the_admin_filters_by_today(client, admin, events):
    client.force_login(admin)
    events[2].at = events[2].at.replace(year=2020)
    events[2].save()

    response = client.get(CHANGELIST)
    today = response.context["cl"].filter_specs[1]
    query = next(
        c["query_string"] for c in today.choices(response.context["cl"]) if c["display"] == "Today"
    )
    filtered = client.get(CHANGELIST + query)

    assert today.title == "when"
    assert {e.pk for e in filtered.context["cl"].result_list} == {events[0].pk, events[1].pk}
