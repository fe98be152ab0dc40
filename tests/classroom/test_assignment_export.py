import csv
import datetime
import io
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from classroom.models import Enrollment, Response
from tests import factories


def url(assignment):
    return reverse("classroom:assignment-export", args=[assignment.pk])


def rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_it_sends_visitors_to_log_in(client, assignment):
    response = client.get(url(assignment))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_refuses_students(client, assignment, student):
    client.force_login(student)

    assert client.get(url(assignment)).status_code == 403


def test_it_hides_other_teachers_assignments(client, assignment, other_teacher):
    client.force_login(other_teacher)

    assert client.get(url(assignment)).status_code == 404


def test_it_downloads_a_csv_named_after_the_assignment(client, teacher, assignment):
    client.force_login(teacher)

    response = client.get(url(assignment))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="who-is-north-koreas-only-ally-period-1-world-history.csv"'
    )
    assert rows(response)[0] == [
        "Last name",
        "First name",
        "Username",
        "State",
        "Turned in (America/New_York)",
        "Late",
        "P1 (4 pts)",
        "P2 (4 pts)",
        "P3 (4 pts)",
        "Total",
        "Returned score",
    ]


def test_it_has_one_row_per_enrolled_student_with_points(
    client, teacher, classroom, assignment, student
):
    idle = factories.StudentFactory(username="idle", first_name="Ivy", last_name="Idle")
    gone = factories.StudentFactory(username="gone", first_name="Gus", last_name="Gone")
    taken_back = factories.StudentFactory(username="back", first_name="Ben", last_name="Back")
    factories.enroll(classroom, idle, gone, taken_back)
    # Unsubmitted: a draft again, with the time it was once turned in still stored.
    factories.submit_work(
        assignment, taken_back, {1: "Draft"}, state="draft", turned_in_at=timezone.now()
    )
    factories.submit_work(assignment, gone)
    Enrollment.objects.filter(student=gone).delete()
    turned_in_at = datetime.datetime(2030, 1, 15, 14, 5, tzinfo=datetime.UTC)
    submission = factories.submit_work(
        assignment,
        student,
        turned_in_at=turned_in_at,
        late=True,
        state="returned",
        returned_at=turned_in_at,
        returned_score=Decimal("7.5"),
    )
    Response.objects.filter(submission=submission, prompt__position=1).update(points=Decimal("4"))
    Response.objects.filter(submission=submission, prompt__position=3).update(points=Decimal("3.5"))
    client.force_login(teacher)

    data = rows(client.get(url(assignment)))

    assert data[1:] == [
        ["Back", "Ben", "back", "Draft", "", "no", "", "", "", "", ""],
        ["Idle", "Ivy", "idle", "Not started", "", "no", "", "", "", "", ""],
        [
            "Student",
            "Sam",
            "student",
            "Returned",
            "2030-01-15 09:05",
            "yes",
            "4",
            "",
            "3.5",
            "7.5",
            "7.5",
        ],
    ]


def test_it_defuses_spreadsheet_formulas(client, teacher, classroom, assignment):
    sneaky = factories.StudentFactory(
        username="sneaky", first_name='=HYPERLINK("http://x")', last_name="+1+1"
    )
    other = factories.StudentFactory(username="other", first_name="@SUM(A1)", last_name="-2")
    factories.enroll(classroom, sneaky, other)
    client.force_login(teacher)

    content = client.get(url(assignment)).content.decode("utf-8-sig")

    assert "'=HYPERLINK" in content
    assert "'+1+1" in content
    assert "'@SUM(A1)" in content
    assert "'-2" in content
    assert ",=" not in content
