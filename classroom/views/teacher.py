"""Teacher pages: classes and rosters, assigning lessons, progress, review, feedback, export.

Every view is for teachers only (others get 403) and sees only the teacher's own classes
(anything else is a 404, never a hint that it exists).
"""

import csv
import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Length
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from classroom import services
from classroom.forms import AssignmentCreateForm, AssignmentEditForm, ClassroomForm, FeedbackForm
from classroom.models import (
    Assignment,
    AssignmentPrompt,
    Classroom,
    Enrollment,
    Response,
    Submission,
    User,
)
from lessons.models import Lesson

# Past-due assignments stay on the dashboard this long, so missing work is still in view.
RECENTLY_DUE = datetime.timedelta(days=7)
DONE_STATES = [Submission.State.TURNED_IN, Submission.State.RETURNED]
TIME_FORMAT = "D j M, g:i A"


def teacher_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not getattr(request.user, "is_teacher", False):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _get_classroom_for_teacher(request, pk) -> Classroom:
    return get_object_or_404(Classroom, pk=pk, teacher=request.user)


def _get_assignment_for_teacher(request, pk) -> Assignment:
    return get_object_or_404(
        Assignment.objects.select_related("classroom"), pk=pk, classroom__teacher=request.user
    )


def _get_enrolled_student(assignment: Assignment, student_pk) -> User:
    # Only students in the class now: a removed student's work stays in the database, hidden.
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("student"),
        classroom_id=assignment.classroom_id,
        student_id=student_pk,
    )
    return enrollment.student


def _roster(classroom_id) -> list[User]:
    enrollments = Enrollment.objects.filter(classroom_id=classroom_id).select_related("student")
    return [enrollment.student for enrollment in enrollments]


def _enrolled_submissions(assignment: Assignment):
    return assignment.submissions.filter(student__enrollments__classroom=assignment.classroom_id)


def _local(moment) -> str:
    return date_format(timezone.localtime(moment), TIME_FORMAT)


def _add_errors(form, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form fields it names, the rest to the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


# --- Progress -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def step(self) -> int:
        # The bar's width comes from a CSS class in 5% steps (no inline styles under the CSP).
        return 5 * round(self.percent / 5)


def _count(queryset, group_by: str):
    """A correlated COUNT(*) subquery, so counting costs no extra query per row."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _with_progress(assignments):
    """Annotate each assignment with its class size, work turned in and work awaiting review."""
    work = Submission.objects.filter(
        assignment=OuterRef("pk"), student__enrollments__classroom=OuterRef("classroom")
    )
    return assignments.annotate(
        student_count=_count(
            Enrollment.objects.filter(classroom=OuterRef("classroom")), "classroom"
        ),
        done_count=_count(work.filter(state__in=DONE_STATES), "assignment"),
        review_count=_count(work.filter(state=Submission.State.TURNED_IN), "assignment"),
    )


def _attach_progress(assignments) -> list[Assignment]:
    assignments = list(assignments)
    for assignment in assignments:
        assignment.progress = Progress(assignment.done_count, assignment.student_count)
    return assignments


# --- Dashboard and classes ------------------------------------------------------------------


@teacher_required
def dashboard(request):
    """Teachers: their classes, the work waiting for review and how current assignments go."""
    now = timezone.now()
    classes = list(request.user.classrooms.annotate(student_count=Count("enrollments")))
    assignments = _attach_progress(
        _with_progress(
            Assignment.objects.filter(
                classroom__teacher=request.user, classroom__archived=False
            ).select_related("classroom")
        ).filter(Q(review_count__gt=0) | Q(due_at__gte=now - RECENTLY_DUE))
    )
    return render(
        request,
        "classroom/teacher/dashboard.html",
        {
            "active_classes": [c for c in classes if not c.archived],
            "archived_classes": [c for c in classes if c.archived],
            "needs_review": [a for a in assignments if a.review_count],
            "assignments": [a for a in assignments if a.due_at >= now - RECENTLY_DUE],
            "now": now,
        },
    )


@teacher_required
def class_create(request):
    """Teachers: create a class of their own, with a join code to share with students."""
    form = ClassroomForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        classroom = form.save(commit=False)
        classroom.teacher = request.user
        classroom.save()
        messages.success(
            request,
            f"Created {classroom.name}. Students join with the code {classroom.display_join_code}.",
        )
        return redirect(classroom)
    return render(request, "classroom/teacher/class_form.html", {"form": form})


@teacher_required
def class_detail(request, pk):
    """The class's teacher: roster, join code, assignments and their progress."""
    classroom = _get_classroom_for_teacher(request, pk)
    enrollments = list(classroom.enrollments.select_related("student"))
    assignments = _attach_progress(_with_progress(classroom.assignments.all()))
    signup_url = "{}?{}".format(
        request.build_absolute_uri(reverse("accounts:signup-student")),
        urlencode({"code": classroom.display_join_code}),
    )
    return render(
        request,
        "classroom/teacher/class_detail.html",
        {
            "classroom": classroom,
            "enrollments": enrollments,
            "assignments": assignments,
            "signup_url": signup_url,
            "now": timezone.now(),
        },
    )


@teacher_required
def class_edit(request, pk):
    """The class's teacher: rename the class."""
    classroom = _get_classroom_for_teacher(request, pk)
    form = ClassroomForm(request.POST if request.method == "POST" else None, instance=classroom)
    if form.is_valid():
        classroom = form.save()
        messages.success(request, f"Renamed the class to {classroom.name}.")
        return redirect(classroom)
    return render(
        request, "classroom/teacher/class_form.html", {"form": form, "classroom": classroom}
    )


@teacher_required
@require_POST
def class_archive(request, pk):
    """The class's teacher: archive the class (no joining, no new work) or restore it."""
    classroom = _get_classroom_for_teacher(request, pk)
    # The button says which state it wants, so a double click does not undo itself.
    wanted = request.POST.get("archived")
    classroom.archived = (wanted == "1") if wanted in ("0", "1") else not classroom.archived
    classroom.save(update_fields=["archived"])
    if classroom.archived:
        messages.success(
            request,
            f"Archived {classroom.name}. Students no longer see its assignments and no one can "
            "join it. You can restore it from this page at any time.",
        )
    else:
        messages.success(request, f"Restored {classroom.name}. Students see its assignments again.")
    return redirect(classroom)


@teacher_required
@require_POST
def class_reset_code(request, pk):
    """The class's teacher: replace the join code; the old one stops working at once."""
    classroom = _get_classroom_for_teacher(request, pk)
    old_code = classroom.display_join_code
    classroom.reset_join_code()
    while Classroom.objects.filter(join_code=classroom.join_code).exists():
        classroom.reset_join_code()
    classroom.save(update_fields=["join_code"])
    messages.success(
        request,
        f"The new join code is {classroom.display_join_code}. "
        f"The old code {old_code} no longer works; students already in the class stay in it.",
    )
    return redirect(classroom)


@teacher_required
@require_POST
def class_remove_student(request, pk, student_pk):
    """The class's teacher: take a student out of the class (their work is kept, hidden)."""
    classroom = _get_classroom_for_teacher(request, pk)
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("student"), classroom=classroom, student_id=student_pk
    )
    enrollment.delete()
    messages.success(
        request,
        f"Removed {enrollment.student} from {classroom.name}. Their work is kept: if they join "
        "again with the class code, it comes back.",
    )
    return redirect(classroom)


# --- Assignments ----------------------------------------------------------------------------


@teacher_required
def assignment_create(request, pk):
    """The class's teacher: assign a published lesson with instructions and a due time."""
    classroom = _get_classroom_for_teacher(request, pk)
    if classroom.archived:
        messages.error(request, "This class is archived. Restore it before assigning work.")
        return redirect(classroom)
    initial = {
        "lesson": request.GET.get("lesson", ""),
        "opens_at": timezone.now().replace(second=0, microsecond=0),
    }
    form = AssignmentCreateForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        try:
            assignment = services.assignment_create(classroom=classroom, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"Assigned {assignment.title} to {classroom.name}, "
                f"due {_local(assignment.due_at)}.",
            )
            return redirect(assignment)
    return render(
        request,
        "classroom/teacher/assignment_form.html",
        {
            "form": form,
            "classroom": classroom,
            "has_lessons": Lesson.objects.published().exists(),
        },
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


@teacher_required
def assignment_edit(request, pk):
    """The class's teacher: change an assignment's instructions, times and late policy."""
    assignment = _get_assignment_for_teacher(request, pk)
    old_due_at = assignment.due_at
    form = AssignmentEditForm(
        request.POST if request.method == "POST" else None, instance=assignment
    )
    if form.is_valid():
        with transaction.atomic():
            assignment = form.save()
            relabelled = 0
            if assignment.due_at != old_due_at:
                relabelled = _recheck_late_flags(assignment)
        message = f"Saved the changes to {assignment.title}. It is due {_local(assignment.due_at)}."
        if relabelled:
            message += f" Late flags changed for {relabelled} student{'s' * (relabelled != 1)}."
        messages.success(request, message)
        return redirect(assignment)
    # An invalid form has already copied the typed values onto the instance; show the stored
    # title and class in the heading, which the form cannot change.
    return render(
        request,
        "classroom/teacher/assignment_form.html",
        {"form": form, "assignment": assignment, "classroom": assignment.classroom},
    )


def _recheck_late_flags(assignment: Assignment) -> int:
    """After a due time changes, mark work late exactly when it was turned in after it, the
    same rule turning in applies. Returns how many submissions changed."""
    handed_in = assignment.submissions.filter(state__in=DONE_STATES, turned_in_at__isnull=False)
    now_late = handed_in.filter(turned_in_at__gt=assignment.due_at, late=False).update(late=True)
    on_time = handed_in.filter(turned_in_at__lte=assignment.due_at, late=True).update(late=False)
    return now_late + on_time


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
        return redirect(next_url)
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
    submissions = {s.student_id: s for s in _enrolled_submissions(assignment)}
    by_submission = {s.pk: s for s in submissions.values()}
    responses = {
        r.submission_id: r
        for r in Response.objects.filter(
            prompt=prompt, submission__student__enrollments__classroom=assignment.classroom_id
        )
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
