"""Teacher pages: classes and rosters, assigning lessons, progress, review, feedback, export.

Every view is for teachers only (others get 403) and sees only the teacher's own classes
(anything else is a 404, never a hint that it exists).
"""

import datetime
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from classroom import services
from classroom.forms import AssignmentCreateForm, AssignmentEditForm, ClassroomForm
from classroom.models import (
    Assignment,
    Classroom,
    Enrollment,
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


# --- Login lockouts -------------------------------------------------------------------------


@teacher_required
@require_POST
def class_unlock_student(request, pk, student_pk):
    """The class's teacher: let a student of the class who typed too many wrong passwords log
    in again at once."""
    from classroom.limits import unlock_login

    classroom = _get_classroom_for_teacher(request, pk)
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("student"), classroom=classroom, student_id=student_pk
    )
    if unlock_login(student=enrollment.student, actor=request.user):
        messages.success(
            request,
            f"Unlocked the login of {enrollment.student}. They can log in again now with their "
            "username and password.",
        )
    else:
        messages.info(request, f"{enrollment.student} was not locked out; nothing to unlock.")
    return redirect(classroom)
