"""The whole lesson loop through the Django test client, as a new teacher and a new student."""

import datetime
import re

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from classroom.models import Assignment, Classroom, Response, Submission, User


def local_input(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_a_teacher_and_a_student_complete_the_lesson_loop(db):
    call_command("loaddata", "north-korea-lesson", verbosity=0)

    # A teacher signs up and creates a class.
    teacher = Client()
    response = teacher.post(
        reverse("accounts:signup-teacher"),
        {
            "first_name": "Rosa",
            "last_name": "Park",
            "username": "mspark",
            "email": "rosa@example.org",
            "password1": "teaching-is-great-2026",
            "password2": "teaching-is-great-2026",
        },
        follow=True,
    )
    assert b"Create your first class" in response.content
    response = teacher.post(reverse("classroom:class-create"), {"name": "Period 3"}, follow=True)
    classroom = Classroom.objects.get(teacher__username="mspark")
    assert classroom.display_join_code.encode() in response.content

    # She assigns the article lesson from the library.
    response = teacher.get(reverse("classroom:lesson-list"))
    assert "Who is North Korea’s only ally?" in response.content.decode()
    now = timezone.now()
    response = teacher.post(
        reverse("classroom:assignment-create", args=[classroom.pk]),
        {
            "lesson": "north-korea-only-ally",
            "instructions": "Answer in full sentences.",
            "opens_at": local_input(now - datetime.timedelta(minutes=5)),
            "due_at": local_input(now + datetime.timedelta(days=2)),
            "late_policy": "accept",
        },
        follow=True,
    )
    assignment = Assignment.objects.get(classroom=classroom)
    prompts = list(assignment.prompts.all())
    assert len(prompts) >= 6
    assert response.redirect_chain[-1][0] == reverse(
        "classroom:assignment-detail", args=[assignment.pk]
    )

    # A student signs up with the join code and finds the work to do.
    student = Client()
    response = student.post(
        reverse("accounts:signup-student"),
        {
            "join_code": classroom.display_join_code.lower(),
            "first_name": "Lee",
            "last_name": "Min",
            "username": "leemin",
            "password1": "reading-is-fun-2026",
            "password2": "reading-is-fun-2026",
        },
        follow=True,
    )
    assert b"To do" in response.content
    workspace = reverse("classroom:workspace", args=[assignment.pk])
    assert workspace.encode() in response.content

    # The workspace shows the reading with its glossary, and no teacher notes.
    page = student.get(workspace).content.decode()
    assert "The answer is China." in page
    assert 'class="glossary-term"' in page
    assert prompts[0].teacher_notes[:40] not in page

    # Drafts, then turns in every answer.
    answers = {f"answer-{p.pk}": f"My answer to prompt {p.position}." for p in prompts}
    revisions = {f"revision-{p.pk}": "0" for p in prompts}
    response = student.post(workspace, answers | revisions, follow=True)
    assert b"Draft saved" in response.content
    lee = User.objects.get(username="leemin")
    submission = Submission.objects.get(assignment=assignment, student=lee)
    assert submission.state == Submission.State.DRAFT
    revisions = {f"revision-{r.prompt_id}": str(r.revision) for r in submission.responses.all()}
    response = student.post(
        reverse("classroom:turn-in", args=[assignment.pk]), answers | revisions, follow=True
    )
    submission.refresh_from_db()
    assert submission.state == Submission.State.TURNED_IN
    assert not submission.late
    assert submission.receipt.encode() in response.content

    # The teacher sees it on the progress page, comments, scores and returns it.
    progress = teacher.get(reverse("classroom:assignment-detail", args=[assignment.pk]))
    assert b"Min, Lee" in progress.content
    review = reverse("classroom:submission-review", args=[assignment.pk, lee.pk])
    page = teacher.get(review).content.decode()
    assert prompts[0].teacher_notes[:40] in page
    feedback = {"comment": "Good start — add evidence."}
    for r in submission.responses.all():
        feedback[f"comment_{r.pk}"] = f"Comment on {r.prompt.position}"
        feedback[f"points_{r.pk}"] = "1"
    response = teacher.post(review, feedback | {"action": "return"}, follow=True)
    submission.refresh_from_db()
    assert submission.state == Submission.State.RETURNED
    assert submission.returned_score == len(prompts)

    # The student reads the feedback exactly as written, revises and turns in again.
    page = student.get(workspace).content.decode()
    assert "Good start — add evidence." in page
    assert "Comment on 1" in page
    first = Response.objects.get(submission=submission, prompt=prompts[0])
    response = student.post(
        reverse("classroom:turn-in", args=[assignment.pk]),
        {
            f"answer-{prompts[0].pk}": "A revised answer, with evidence.",
            f"revision-{prompts[0].pk}": str(first.revision),
        },
        follow=True,
    )
    submission.refresh_from_db()
    first.refresh_from_db()
    assert submission.state == Submission.State.TURNED_IN
    assert submission.turn_in_count == 2
    assert first.text == "A revised answer, with evidence."
    assert re.search(rb"[0-9A-F]{4}-[0-9A-F]{4}", response.content)
