"""Teacher pages for one assignment: the progress grid, CSV export, review by student and by
prompt, feedback and return. Access helpers come from classroom.views.teacher."""

import csv
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import FilteredRelation, Q
from django.db.models.functions import Length
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from classroom import audit, services
from classroom.forms import FeedbackForm
from classroom.models import (
    Assignment,
    AssignmentPrompt,
    Response,
    Submission,
    User,
)
from classroom.views.teacher import (
    DONE_STATES,
    Progress,
    _enrolled_submissions,
    _get_assignment_for_teacher,
    _get_enrolled_student,
    _roster,
    teacher_required,
)


@dataclass
class Cell:
    prompt: AssignmentPrompt
    answered: bool = False
    commented: bool = False
    points: Decimal | None = None


@dataclass
class Row:
    student: User
    submission: Submission | None
    cells: list[Cell]

    @property
    def total(self) -> Decimal | None:
        scored = [cell.points for cell in self.cells if cell.points is not None]
        return sum(scored, Decimal(0)) if scored else None


def _progress_rows(assignment: Assignment, prompts: list[AssignmentPrompt]) -> list[Row]:
    """One row per enrolled student, one cell per prompt, in a fixed number of queries."""
    submissions = {s.student_id: s for s in _enrolled_submissions(assignment)}
    # Lengths, not texts: the grid needs to know whether there is an answer, not to load it.
    found = {
        (r["submission_id"], r["prompt_id"]): r
        for r in Response.objects.filter(submission__assignment=assignment)
        .order_by()
        .values("submission_id", "prompt_id", "points")
        .annotate(answer_length=Length("text"), comment_length=Length("comment"))
    }
    rows = []
    for student in _roster(assignment.classroom_id):
        submission = submissions.get(student.pk)
        cells = []
        for prompt in prompts:
            data = found.get((submission.pk, prompt.pk)) if submission else None
            cells.append(
                Cell(
                    prompt=prompt,
                    answered=bool(data and data["answer_length"]),
                    commented=bool(data and data["comment_length"]),
                    points=data["points"] if data else None,
                )
            )
        rows.append(Row(student=student, submission=submission, cells=cells))
    return rows


@teacher_required
def assignment_detail(request, pk):
    """The class's teacher: every student's progress on every prompt of one assignment."""
    assignment = _get_assignment_for_teacher(request, pk)
    prompts = list(assignment.prompts.all())
    rows = _progress_rows(assignment, prompts)
    states = [row.submission.state if row.submission else "" for row in rows]
    counts = {
        "not_started": states.count(""),
        "draft": states.count(Submission.State.DRAFT),
        "turned_in": states.count(Submission.State.TURNED_IN),
        "returned": states.count(Submission.State.RETURNED),
        "late": sum(1 for row in rows if row.submission and row.submission.late),
    }
    return render(
        request,
        "classroom/teacher/assignment_detail.html",
        {
            "assignment": assignment,
            "classroom": assignment.classroom,
            "prompts": prompts,
            "rows": rows,
            "counts": counts,
            "progress": Progress(counts["turned_in"] + counts["returned"], len(rows)),
            "now": timezone.now(),
        },
    )


def _csv_cell(value) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: quote them as text."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def _points(value: Decimal | None) -> str:
    if value is None:
        return ""
    return str(value.quantize(Decimal(1)) if value == value.to_integral_value() else value)


@teacher_required
def assignment_export(request, pk):
    """The class's teacher: download every enrolled student's states and points as CSV."""
    assignment = _get_assignment_for_teacher(request, pk)
    prompts = list(assignment.prompts.all())
    rows = _progress_rows(assignment, prompts)
    audit.record(
        actor=request.user, action=audit.Action.EXPORT_SCORES, obj=assignment, detail="CSV"
    )
    filename = "{}-{}.csv".format(
        slugify(assignment.title) or "assignment", slugify(assignment.classroom.name) or "class"
    )
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    response.write("\ufeff")  # a byte-order mark, so spreadsheet apps read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
            "Last name",
            "First name",
            "Username",
            "State",
            f"Turned in ({timezone.get_current_timezone_name()})",
            "Late",
            *[f"P{p.position} ({p.points} pts)" for p in prompts],
            "Total",
            "Returned score",
        ]
    )
    for row in rows:
        submission = row.submission
        # Work taken back to draft keeps its old turn-in time; it is not turned in now.
        handed_in = submission is not None and submission.state in DONE_STATES
        turned_in_at = submission.turned_in_at if handed_in else None
        writer.writerow(
            _csv_cell(value)
            for value in [
                row.student.last_name,
                row.student.first_name,
                row.student.username,
                submission.get_state_display() if submission else "Not started",
                timezone.localtime(turned_in_at).strftime("%Y-%m-%d %H:%M") if turned_in_at else "",
                "yes" if submission and submission.late else "no",
                *[_points(cell.points) for cell in row.cells],
                _points(row.total),
                _points(submission.returned_score if submission else None),
            ]
        )
    return response


# --- Review and feedback --------------------------------------------------------------------


def _neighbours(roster: list[User], student: User) -> tuple[User | None, User | None]:
    index = next(i for i, person in enumerate(roster) if person.pk == student.pk)
    previous = roster[index - 1] if index > 0 else None
    following = roster[index + 1] if index + 1 < len(roster) else None
    return previous, following


@teacher_required
def submission_review(request, pk, student_pk):
    """The class's teacher: read one student's answers, comment, score and return them."""
    assignment = _get_assignment_for_teacher(request, pk)
    student = _get_enrolled_student(assignment, student_pk)
    roster = _roster(assignment.classroom_id)
    previous, following = _neighbours(roster, student)
    prompts = list(assignment.prompts.all())
    submission = Submission.objects.filter(assignment=assignment, student=student).first()
    context = {
        "assignment": assignment,
        "classroom": assignment.classroom,
        "student": student,
        "submission": submission,
        "previous": previous,
        "next": following,
        "position": roster.index(student) + 1,
        "roster_size": len(roster),
    }
    if submission is None:
        if request.method == "POST":
            messages.error(request, f"{student} has not started this assignment yet.")
            return redirect("classroom:submission-review", assignment.pk, student.pk)
        items = [{"prompt": prompt} for prompt in prompts]
        return render(
            request, "classroom/teacher/submission_review.html", {**context, "items": items}
        )

    responses = {r.prompt_id: r for r in submission.responses.all()}
    for response in responses.values():
        response.prompt = next(p for p in prompts if p.pk == response.prompt_id)
    form = FeedbackForm(
        request.POST if request.method == "POST" else None,
        responses=responses.values(),
        label_for=lambda r: f"prompt {r.prompt.position}",
        overall_comment=submission.comment,
    )
    if form.is_valid():
        try:
            services.feedback_save(
                submission=submission,
                comment=form.cleaned_data["comment"],
                responses=form.feedback(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            audit.record(
                actor=request.user,
                action=audit.Action.SAVE_FEEDBACK,
                student=student,
                obj=submission,
            )
            if request.POST.get("action") == "return":
                _return_with_message(request, submission, student)
            else:
                messages.success(
                    request,
                    f"Saved your feedback for {student}. "
                    + (
                        "They see it when you return the work."
                        if submission.state != Submission.State.RETURNED
                        else "Return it again to show them the changes."
                    ),
                )
            return redirect("classroom:submission-review", assignment.pk, student.pk)

    if request.method == "GET":
        audit.record(
            actor=request.user, action=audit.Action.VIEW_WORK, student=student, obj=submission
        )
    items = []
    for prompt in prompts:
        response = responses.get(prompt.pk)
        comment_field, points_field = form.fields_for(response) if response else (None, None)
        items.append(
            {
                "prompt": prompt,
                "response": response,
                "comment_field": comment_field,
                "points_field": points_field,
            }
        )
    scored = [r.points for r in responses.values() if r.points is not None]
    return render(
        request,
        "classroom/teacher/submission_review.html",
        {
            **context,
            "form": form,
            "items": items,
            "total": sum(scored, Decimal(0)) if scored else None,
            "max_total": sum(p.points for p in prompts),
        },
    )


def _return_with_message(request, submission: Submission, student: User) -> None:
    was_returned = submission.state == Submission.State.RETURNED
    try:
        services.submission_return(submission=submission)
    except ValidationError as error:
        messages.warning(request, f"Not returned: {' '.join(error.messages)}")
    else:
        audit.record(
            actor=request.user, action=audit.Action.RETURN_WORK, student=student, obj=submission
        )
        if was_returned:
            messages.success(request, f"Updated the feedback {student} sees.")
        else:
            messages.success(request, f"Returned the work to {student} with your feedback.")


@teacher_required
@require_POST
def submission_return(request, pk, student_pk):
    """The class's teacher: return a student's turned-in work with the feedback as it stands."""
    assignment = _get_assignment_for_teacher(request, pk)
    student = _get_enrolled_student(assignment, student_pk)
    submission = get_object_or_404(Submission, assignment=assignment, student=student)
    _return_with_message(request, submission, student)
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        # Not redirect(): it reads a bare word such as "0" as a URL name and fails on it.
        return HttpResponseRedirect(next_url)
    return redirect("classroom:submission-review", assignment.pk, student.pk)


@teacher_required
def prompt_review(request, pk, prompt_pk):
    """The class's teacher: every student's answer to one prompt, commented and scored at once."""
    assignment = _get_assignment_for_teacher(request, pk)
    prompts = list(assignment.prompts.all())
    prompt = next((p for p in prompts if p.pk == prompt_pk), None)
    if prompt is None:
        raise Http404
    index = prompts.index(prompt)
    roster = _roster(assignment.classroom_id)
    # Each submission comes with its answer to this prompt in the same query.
    submissions = {
        s.student_id: s
        for s in _enrolled_submissions(assignment)
        .annotate(answer=FilteredRelation("responses", condition=Q(responses__prompt=prompt)))
        .select_related("answer")
    }
    by_submission = {s.pk: s for s in submissions.values()}
    # A submission with no answer to this prompt has no "answer" attribute at all.
    responses = {
        s.pk: s.answer for s in submissions.values() if getattr(s, "answer", None) is not None
    }
    names = {s.pk: str(student) for student in roster if (s := submissions.get(student.pk))}
    for response in responses.values():
        response.prompt = prompt
    form = FeedbackForm(
        request.POST if request.method == "POST" else None,
        responses=responses.values(),
        label_for=lambda r: f"{names[r.submission_id]}’s answer",
    )
    if form.is_valid():
        changed = form.feedback(changed_only=True)
        try:
            # One save for the page: all of it is stored, or none of it and the page comes back.
            with transaction.atomic():
                for response in form.responses:
                    if response.pk in changed:
                        services.feedback_save(
                            submission=by_submission[response.submission_id],
                            comment=None,
                            responses={response.pk: changed[response.pk]},
                        )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            audit.record_each(
                actor=request.user,
                action=audit.Action.SAVE_FEEDBACK,
                targets=[
                    (by_submission[r.submission_id].student_id, by_submission[r.submission_id])
                    for r in form.responses
                    if r.pk in changed
                ],
                detail=f"prompt {prompt.position}",
            )
            if changed:
                count = len(changed)
                messages.success(
                    request,
                    f"Saved feedback on {count} answer{'s' * (count != 1)} to prompt "
                    f"{prompt.position}. Students see it when you return their work.",
                )
            else:
                messages.info(request, "Nothing had changed, so there was nothing to save.")
            if request.POST.get("action") == "next" and index + 1 < len(prompts):
                return redirect("classroom:prompt-review", assignment.pk, prompts[index + 1].pk)
            return redirect("classroom:prompt-review", assignment.pk, prompt.pk)

    if request.method == "GET":
        audit.record_each(
            actor=request.user,
            action=audit.Action.VIEW_WORK,
            targets=[
                (by_submission[r.submission_id].student_id, by_submission[r.submission_id])
                for r in responses.values()
            ],
            detail=f"prompt {prompt.position}",
        )
    rows = []
    for student in roster:
        submission = submissions.get(student.pk)
        response = responses.get(submission.pk) if submission else None
        comment_field, points_field = form.fields_for(response) if response else (None, None)
        rows.append(
            {
                "student": student,
                "submission": submission,
                "response": response,
                "comment_field": comment_field,
                "points_field": points_field,
            }
        )
    return render(
        request,
        "classroom/teacher/prompt_review.html",
        {
            "assignment": assignment,
            "classroom": assignment.classroom,
            "prompt": prompt,
            "prompts": prompts,
            "previous": prompts[index - 1] if index > 0 else None,
            "next": prompts[index + 1] if index + 1 < len(prompts) else None,
            "form": form,
            "rows": rows,
            "answered": sum(1 for r in responses.values() if r.text.strip()),
        },
    )
