"""Student pages: the to-do dashboard, joining a class, and the workspace where work is written,
saved (with and without JavaScript) and turned in."""

import datetime
import json
import logging
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cache, wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from classroom import reads, services
from classroom.forms import JoinClassForm
from classroom.models import (
    Assignment,
    AssignmentPrompt,
    Response,
    Submission,
)
from lessons import text

DUE_SOON = datetime.timedelta(hours=24)

# What goes to the logs here names people and objects by id, never the text of an answer:
# students are often minors, and logs are kept and read far more widely than the database.
logger = logging.getLogger(__name__)


def student_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_student:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _student_assignments(request):
    """The open assignments of the active classes the student is in."""
    return Assignment.objects.open().for_student(request.user)


def _get_assignment_for_student(request, pk) -> Assignment:
    """The open assignment of an active class the student is in; 404 for anything else."""
    return get_object_or_404(
        _student_assignments(request).select_related("classroom__teacher"), pk=pk
    )


def _own_submission(request, assignment) -> Submission | None:
    """The student's work on ``assignment``, or None. One at most (unique per assignment and
    student), so it is read unordered: the model's ordering would join the assignment and the
    student to sort a single row."""
    return Submission.objects.filter(assignment=assignment, student=request.user).order_by().first()


def _time_display(dt) -> str:
    return date_format(timezone.localtime(dt), "g:i A")


# --- Dashboard ---------------------------------------------------------------------------------


@dataclass
class WorkItem:
    assignment: Assignment
    submission: Submission | None
    upcoming: bool = False
    past_due: bool = False
    due_soon: bool = False
    closed: bool = False


@student_required
def dashboard(request):
    """Students: their work in three groups (to do, turned in, returned) and their classes."""
    now = timezone.now()
    # Two statements written as SQL (classroom/reads.py): a student opens this page often.
    classes = reads.student_classes(request.user)
    work = reads.student_work(request.user)
    to_do, turned_in, returned = [], [], []
    for assignment, submission in work:
        item = WorkItem(assignment=assignment, submission=submission)
        if not assignment.is_open(now):
            item.upcoming = True
            to_do.append(item)
        elif submission and submission.state == Submission.State.TURNED_IN:
            turned_in.append(item)
        elif submission and submission.state == Submission.State.RETURNED:
            returned.append(item)
        else:
            item.past_due = assignment.is_past_due(now)
            item.due_soon = not item.past_due and assignment.due_at - now <= DUE_SOON
            item.closed = not assignment.accepts_turn_in(submission, now)
            to_do.append(item)
    # Open work first (most urgent at the top), then what has not opened yet.
    to_do.sort(key=lambda item: (item.upcoming, item.assignment.due_at))
    turned_in.sort(key=lambda item: item.submission.turned_in_at, reverse=True)
    returned.sort(key=lambda item: item.submission.returned_at, reverse=True)
    return render(
        request,
        "classroom/student/dashboard.html",
        {
            "classes": classes,
            "to_do": to_do,
            "turned_in": turned_in,
            "returned": returned,
            "has_work": bool(work),
            "join_form": JoinClassForm(),
        },
    )


@student_required
@require_http_methods(["GET", "POST"])
def class_join(request):
    """Students: join a class with the code their teacher gave them."""
    form = JoinClassForm(request.POST or None, initial={"join_code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            enrollment = services.enrollment_join(
                student=request.user, code=form.cleaned_data["join_code"]
            )
        except ValidationError as error:
            form.add_error("join_code", error)
        else:
            messages.success(request, f"You joined {enrollment.classroom.name}.")
            return redirect("classroom:student-dashboard")
    return render(request, "classroom/student/class_join.html", {"form": form})


# --- Workspace ---------------------------------------------------------------------------------


# Answer text never shows in a repr, so an error report listing local variables cannot leak it.


@dataclass
class Posted:
    text: str = field(repr=False)
    revision: int | None
    resolves_conflict: bool = False  # "keep mine" after the page showed a conflict


@dataclass
class Outcome:
    error: str = ""
    conflict: object = None  # the stored Response when the save was based on an old revision
    server_error: bool = False  # the database failed: trying again later will work


SERVER_ERROR = (
    "The server could not save this answer just now. It is still in the box; try again in a moment."
)


def _parse_revision(raw) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError, OverflowError):  # OverflowError: int(Infinity) from JSON
        return None
    return value if value >= 0 else None


def _posted_answers(request, prompts) -> dict[int, Posted]:
    """The answers in a form POST. Browsers send a textarea's line breaks as CRLF; store LF, as
    the autosave script does, so the same text saved both ways is the same text.

    A page that showed a conflict carries ``keep-<prompt>`` with the revision it showed; posting
    that same revision back is the student's choice to keep their version over it."""
    posted = {}
    for prompt in prompts:
        key = f"answer-{prompt.pk}"
        if key in request.POST:
            revision = _parse_revision(request.POST.get(f"revision-{prompt.pk}"))
            keep = _parse_revision(request.POST.get(f"keep-{prompt.pk}"))
            posted[prompt.pk] = Posted(
                text=services.normalize_answer(request.POST[key]),
                revision=revision,
                resolves_conflict=keep is not None and keep == revision,
            )
    return posted


def _save_answers(request, assignment, prompts, posted) -> tuple[dict[int, Outcome], int]:
    """Save each posted answer that changed; return what went wrong, by prompt pk, and how
    many answers changed."""
    submission = _own_submission(request, assignment)
    stored = {r.prompt_id: r.text for r in submission.responses.order_by()} if submission else {}
    failed, changed = {}, 0
    for prompt in prompts:
        answer = posted.get(prompt.pk)
        # Unchanged answers are not sent to the service: resending a page, or a second click on
        # "Turn in", must not fail because the work is already turned in.
        if answer is None or answer.text == stored.get(prompt.pk, ""):
            continue
        changed += 1
        try:
            services.response_save(
                assignment=assignment,
                student=request.user,
                prompt=prompt,
                text=answer.text,
                base_revision=answer.revision,
                resolves_conflict=answer.resolves_conflict,
            )
        except services.SaveConflict as conflict:
            failed[prompt.pk] = Outcome(
                error="This answer was changed somewhere else (another tab or device) since "
                "you opened this page. Both versions are below: save again to keep yours.",
                conflict=conflict.response,
            )
        except ValidationError as error:
            failed[prompt.pk] = Outcome(error=" ".join(error.messages))
        except DatabaseError as error:
            # Each answer saves in its own (nested) transaction, so the others are unaffected.
            _log_database_error("save", request, assignment, error)
            failed[prompt.pk] = Outcome(error=SERVER_ERROR, server_error=True)
    return failed, changed


def _log_database_error(action, request, assignment, error):
    # Ids and the kind of error only: never the answer text (see `logger`).
    logger.warning(
        "Student %s could not %s work on assignment %s: %s",
        request.user.pk,
        action,
        assignment.pk,
        type(error).__name__,
    )


@dataclass
class PromptRow:
    prompt: AssignmentPrompt
    response: object
    text: str = field(repr=False)
    revision: int = 0
    error: str = ""
    conflict: object = None
    unsaved: bool = False  # the box shows posted text the server does not have


def _render_workspace(
    request, assignment, submission, *, posted=None, failed=None, page_error="", status=200
):
    now = timezone.now()
    posted, failed = posted or {}, failed or {}
    rows = []
    for prompt, response in reads.prompts_with_answers(assignment, submission):
        outcome = failed.get(prompt.pk)
        answer = posted.get(prompt.pk)
        row = PromptRow(
            prompt=prompt,
            response=response,
            text=answer.text if answer else (response.text if response else ""),
            revision=response.revision if response else 0,
        )
        row.unsaved = row.text != (response.text if response else "")
        if outcome:
            row.error = outcome.error
            if outcome.conflict is not None:
                # Saving again from here is the student's explicit choice to keep their version.
                row.conflict = outcome.conflict
                row.revision = outcome.conflict.revision
            elif answer.revision is not None:
                row.revision = answer.revision
        rows.append(row)
    # The reading and glossary are a pure function of the assignment's frozen content, and the
    # template keeps their rendered HTML in the "fragments" cache: prepare them only on a miss
    # (the template calls these).
    prepared = cache(lambda: text.display_readings(assignment.content))
    editable = (submission is None or submission.is_editable) and assignment.accepts_turn_in(
        submission, now
    )
    return render(
        request,
        "classroom/student/workspace.html",
        {
            "assignment": assignment,
            "submission": submission,
            "rows": rows,
            "readings": lambda: prepared()[0],
            "glossary": lambda: prepared()[1],
            "editable": editable,
            "past_due": assignment.is_past_due(now),
            "can_unsubmit": submission is not None and submission.can_unsubmit(now),
            "total_points": sum(row.prompt.points for row in rows),
            "page_error": page_error,
            "has_conflict": any(row.conflict is not None for row in rows),
            # The script reads the rotated token from this cookie after a login in another tab.
            "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        },
        status=status,
    )


def _failure_status(failed) -> int:
    """503 when the database failed (trying again will work), 409 for a conflict, else 400."""
    if any(o.server_error for o in failed.values()):
        return 503
    return 409 if any(o.conflict is not None for o in failed.values()) else 400


@sensitive_post_parameters()  # answers never appear in an error report
@student_required
@require_http_methods(["GET", "POST"])
def workspace(request, pk):
    """Enrolled students: read the assignment and write answers; POST saves a draft (no
    JavaScript needed). GET never creates anything."""
    if request.method == "POST":
        assignment = _get_assignment_for_student(request, pk)
        prompts = list(assignment.prompts.all())
        posted = _posted_answers(request, prompts)
        failed, changed = _save_answers(request, assignment, prompts, posted)
        if failed:
            status = _failure_status(failed)
            retry = " Press Save draft again in a moment." if status == 503 else ""
            return _render_workspace(
                request,
                assignment,
                _own_submission(request, assignment),
                posted=posted,
                failed=failed,
                page_error="Some answers were not saved. They are still in their boxes; "
                f"see the message under each one.{retry}",
                status=status,
            )
        if changed:
            messages.success(request, f"Draft saved at {_time_display(timezone.now())}.")
        else:
            messages.info(request, "No changes to save: your answers were already saved.")
        return redirect("classroom:workspace", pk=assignment.pk)
    # The page: one statement finds the assignment, checks access and reads the student's work
    # (classroom/reads.py), and one more its prompts with the answers.
    page = reads.workspace(request.user, pk)
    if page is None:
        raise Http404
    return _render_workspace(request, page.assignment, page.submission)


TURN_IN_SERVER_ERROR = (
    "Not turned in: the server had a problem saving your work. Nothing was lost — your answers "
    "are still in their boxes. Press Turn in again in a moment."
)


class _NotSaved(Exception):
    """Raised inside the turn-in transaction to undo it when an answer could not be saved."""


@sensitive_post_parameters()
@require_POST
@student_required
def turn_in(request, pk):
    """Enrolled students: save the answers posted with it, then turn the work in — all or
    nothing. Turning in twice is harmless."""
    assignment = _get_assignment_for_student(request, pk)
    prompts = list(assignment.prompts.all())
    posted = _posted_answers(request, prompts)
    # One read for the stored answers and the work's state (turned-in work always has answers).
    stored = {
        prompt_id: (answer, state)
        for prompt_id, answer, state in Response.objects.filter(
            submission__assignment=assignment, submission__student=request.user
        )
        .order_by()
        .values_list("prompt_id", "text", "submission__state")
    }
    already = any(state == Submission.State.TURNED_IN for _, state in stored.values())
    # Usually the autosave has stored every answer already: then the turn-in is the only write
    # and needs no transaction around it (nor the savepoints one would add).
    unsaved = any(
        answer.text != stored.get(prompt_pk, ("", ""))[0] for prompt_pk, answer in posted.items()
    )
    failed = {}
    try:
        with transaction.atomic() if unsaved else nullcontext():
            if unsaved:
                failed, _ = _save_answers(request, assignment, prompts, posted)
            if failed:
                raise _NotSaved
            submission = services.submission_turn_in(assignment=assignment, student=request.user)
    except _NotSaved:
        status = _failure_status(failed)
        return _render_workspace(
            request,
            assignment,
            _own_submission(request, assignment),
            posted=posted,
            failed=failed,
            page_error=TURN_IN_SERVER_ERROR
            if status == 503
            else "Not turned in: some answers could not be saved. They are still in "
            "their boxes; fix what the message under each one says, then turn in again.",
            status=status,
        )
    except DatabaseError as error:
        # Nothing was changed: the transaction rolled back, so the draft and its state are as
        # they were. The typed text goes back into the boxes and the student can try again.
        _log_database_error("turn in", request, assignment, error)
        return _render_workspace(
            request,
            assignment,
            _own_submission(request, assignment),
            posted=posted,
            page_error=TURN_IN_SERVER_ERROR,
            status=503,
        )
    except ValidationError as error:
        reason = " ".join(error.messages)
        if posted:
            # Keep what was typed on the page rather than lose it in a redirect.
            return _render_workspace(
                request,
                assignment,
                _own_submission(request, assignment),
                posted=posted,
                page_error=f"Not turned in: {reason}",
                status=400,
            )
        messages.error(request, f"Not turned in: {reason}")
        return redirect("classroom:workspace", pk=assignment.pk)
    when = submission.turned_in_at
    receipt = f"Your receipt code is {submission.receipt}."
    if already:
        messages.info(
            request, f"This work was already turned in at {_time_display(when)}. {receipt}"
        )
    else:
        late = " It was after the due time, so it is marked late." if submission.late else ""
        messages.success(
            request,
            f"Turned in at {_time_display(when)} on {date_format(timezone.localtime(when), 'l j F')}. "
            f"{receipt}{late}",
        )
    return redirect("classroom:workspace", pk=assignment.pk)


@require_POST
@student_required
def unsubmit(request, pk):
    """Enrolled students: take turned-in work back to keep editing, before the due time."""
    assignment = _get_assignment_for_student(request, pk)
    submission = get_object_or_404(Submission, assignment=assignment, student=request.user)
    was_turned_in = submission.state == Submission.State.TURNED_IN
    try:
        submission = services.submission_unsubmit(submission=submission)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if was_turned_in:
            messages.success(
                request,
                "Unsubmitted. Your answers can be changed again; remember to turn the work "
                "in again before it is due.",
            )
        else:
            messages.info(request, "This work is not turned in, so there was nothing to unsubmit.")
    return redirect("classroom:workspace", pk=assignment.pk)


# --- Autosave (JSON) ---------------------------------------------------------------------------


def _json_error(message, status, **extra):
    return JsonResponse({"error": message, **extra}, status=status)


def _json_refusal(request, pk, message):
    """404 when the student may not write to assignment ``pk`` (saying nothing else about
    it), else 400 with ``message``. The autosave checks access with its prompt lookup, so a
    request refused before that lookup is checked here."""
    if not _student_assignments(request).filter(pk=pk).exists():
        return _json_error("Not found.", 404)
    return _json_error(message, 400)


def _autosave_payload(request) -> dict:
    """The JSON body from the workspace script, or the form-encoded body that
    navigator.sendBeacon sends when the page is closing (it cannot set a CSRF header)."""
    if request.content_type == "application/json":
        try:
            payload = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise ValidationError("The request was not valid JSON.") from None
        if not isinstance(payload, dict):
            raise ValidationError("The request was not a JSON object.")
        return payload
    payload = {key: request.POST.get(key) for key in ("prompt", "text", "revision")}
    payload["keep_mine"] = request.POST.get("keep_mine") == "true"
    return payload


@login_not_required  # answers with 401 JSON, not a login redirect the script cannot follow
@sensitive_post_parameters()
@require_POST
def autosave(request, pk):
    """Enrolled students: save one answer while typing; JSON in, JSON out."""
    if not request.user.is_authenticated:
        return _json_error("login", 401)
    if not request.user.is_student:
        return _json_error("Only students save answers.", 403)
    try:
        payload = _autosave_payload(request)
    except ValidationError as error:
        return _json_refusal(request, pk, " ".join(error.messages))
    answer, revision = payload.get("text"), payload.get("revision")
    # The student chose "Keep mine" over a version saved elsewhere (see services.response_save).
    resolves_conflict = payload.get("keep_mine") is True
    target = None
    # isdecimal(), not isdigit(): int() refuses "²"; and no id has more than 18 digits.
    raw_prompt = str(payload.get("prompt")) if isinstance(payload.get("prompt"), int | str) else ""
    if raw_prompt.isdecimal() and len(raw_prompt) <= 18:
        # Autosave is the busiest request: the access check, the prompt and the answer are
        # one query (services.save_target).
        target = services.save_target(request.user, pk, int(raw_prompt))
    if target is None:
        return _json_refusal(request, pk, "That prompt is not part of this assignment.")
    prompt = target.prompt
    assignment = prompt.assignment
    if not isinstance(answer, str):
        return _json_error("The answer text is missing.", 400)
    if revision is not None and _parse_revision(revision) is None:
        return _json_error("The revision must be a whole number.", 400)
    try:
        response = services.response_save(
            assignment=assignment,
            student=request.user,
            prompt=prompt,
            text=answer,
            base_revision=_parse_revision(revision),
            resolves_conflict=resolves_conflict,
            answer=target.answer,
        )
    except services.SaveConflict as conflict:
        return _json_error(
            str(conflict), 409, text=conflict.response.text, revision=conflict.response.revision
        )
    except ValidationError as error:
        return _json_error(" ".join(error.messages), 400)
    except DatabaseError as error:
        _log_database_error("autosave", request, assignment, error)
        return _json_error("The server could not save just now; trying again soon.", 503)
    saved_at = response.saved_at
    return JsonResponse(
        {
            "revision": response.revision,
            "saved_at": saved_at.isoformat() if saved_at else None,
            "saved_at_display": _time_display(saved_at) if saved_at else "",
        }
    )
