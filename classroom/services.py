"""Writes that touch several rows and carry the rules users rely on.

Each function validates, saves inside one transaction and either does all of its work or none.
Views call these; they never change a submission's state themselves.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import (
    BooleanField,
    Prefetch,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from classroom.models import (
    Assignment,
    AssignmentPrompt,
    Classroom,
    Enrollment,
    Response,
    ResponseRevision,
    Submission,
    User,
    normalize_join_code,
)
from classroom.rows import Columns, Statement
from lessons.models import Lesson


def enrollment_join(*, student: User, code: str) -> Enrollment:
    """Put a student in the class whose join code they typed."""
    if not student.is_student:
        raise ValidationError("Only student accounts can join a class with a code.")
    normalized = normalize_join_code(code)
    classroom = Classroom.objects.filter(join_code=normalized, archived=False).first()
    if classroom is None:
        raise ValidationError(
            "No class has that code. Check it with your teacher; codes look like ABCD-1234."
        )
    with transaction.atomic():
        enrollment, created = Enrollment.objects.get_or_create(classroom=classroom, student=student)
    if not created:
        raise ValidationError(f"You are already in {classroom.name}.")
    return enrollment


def assignment_create(
    *,
    classroom: Classroom,
    lesson: Lesson,
    instructions: str,
    opens_at,
    due_at,
    late_policy: str = Assignment.LatePolicy.ACCEPT,
) -> Assignment:
    """Assign a published lesson to a class, freezing its prompts, readings and glossary."""
    if not lesson.is_published:
        raise ValidationError("Only published lessons can be assigned.")
    if classroom.archived:
        raise ValidationError("This class is archived. Restore it before assigning work.")
    assignment = Assignment(
        classroom=classroom,
        lesson=lesson,
        title=lesson.title,
        instructions=instructions,
        opens_at=opens_at,
        due_at=due_at,
        late_policy=late_policy,
        content=lesson.snapshot(),
    )
    assignment.full_clean()
    with transaction.atomic():
        assignment.save()
        AssignmentPrompt.objects.bulk_create(
            AssignmentPrompt(
                assignment=assignment,
                source=prompt,
                position=position,
                text=prompt.text,
                kind=prompt.kind,
                points=prompt.points,
                teacher_notes=prompt.teacher_notes,
                section_anchor=prompt.section_anchor,
            )
            for position, prompt in enumerate(lesson.prompts.all(), start=1)
        )
    return assignment


class SaveConflict(Exception):
    """A save was based on an older revision than the one stored: never overwrite silently."""

    def __init__(self, response: Response):
        super().__init__("This answer was changed somewhere else since you loaded it.")
        self.response = response


def _check_editable(submission: Submission, now=None) -> None:
    if submission.state == Submission.State.TURNED_IN:
        raise ValidationError("You have turned this in. Unsubmit it to make changes.")
    assignment = submission.assignment
    if not assignment.is_open(now):
        raise ValidationError("This assignment is not open yet.")
    # Same rule as turning in: once a "close at the due time" assignment has closed, answers
    # that could never be turned in are not changed either (returned work stays revisable).
    if not assignment.accepts_turn_in(submission, now):
        raise ValidationError(
            "This assignment closed at its due time, so answers can no longer be changed. "
            "What you saved before is kept; talk to your teacher."
        )


def _locked_submission(assignment: Assignment, student: User) -> Submission:
    submission, _ = Submission.objects.select_for_update().get_or_create(
        assignment=assignment, student=student
    )
    submission.assignment = assignment
    return submission


# How often a session of typing leaves a kept earlier version behind (see response_save).
REVISION_INTERVAL = datetime.timedelta(minutes=2)


# Half of a UTF-16 surrogate pair: JSON can carry one (a script's string cut mid-emoji), but no
# database can store it.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def normalize_answer(text: str) -> str:
    """Answers are stored with ``\n`` line endings, whatever the browser or device sent: a
    form post sends CRLF, old Macs and some paste sources a lone CR. A lone surrogate (half an
    emoji, which is not a character and cannot be stored) becomes U+FFFD, as a browser's form
    post does. Nothing else is touched — emoji, right-to-left text, combining marks and
    zero-width joiners are kept byte for byte."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return LONE_SURROGATE.sub("\ufffd", text)


# Was any version of the answer (the row named by {answer}) kept within REVISION_INTERVAL of
# the time given as the parameter: _kept_recently and save_target both read it.
KEPT_RECENTLY_SQL = (
    "EXISTS (SELECT 1 FROM classroom_responserevision"
    " WHERE response_id = {answer}.id AND created_at >= %s)"
)


def _kept_recently(now) -> RawSQL:
    """An annotation on Response: KEPT_RECENTLY_SQL. In SQL, not as a Subquery of the newest
    kept version: Django took as long to build that (0.2 ms) as SQLite takes to run every query
    of an autosave."""
    since = connection.ops.adapt_datetimefield_value(now - REVISION_INTERVAL)
    return RawSQL(  # noqa: S611 (fixed SQL; the time goes as a parameter)
        KEPT_RECENTLY_SQL.format(answer="classroom_response"),
        (since,),
        output_field=BooleanField(),
    )


def _answer_query(assignment: Assignment, student: User, prompt: AssignmentPrompt):
    """The student's answer to ``prompt`` with its submission and ``kept_recently``, for
    _keep_revision. No ORDER BY (it finds one row): the models' default orderings would join
    the assignment, the prompt and the student."""
    return (
        Response.objects.select_related("submission")
        .filter(submission__assignment=assignment, submission__student=student, prompt=prompt)
        .annotate(kept_recently=_kept_recently(timezone.now()))
        .order_by()[:1]
    )


def _keep_revision(response: Response, *, always: bool) -> None:
    """Keep the response's current text as a ResponseRevision, unless it is empty or already
    kept; unless ``always``, only when the last kept version is over REVISION_INTERVAL old
    (``kept_recently``, read with the answer: see response_save)."""
    if response.pk is None or not response.text:
        return
    if not always and response.kept_recently:
        return
    # This very text may be kept already (turning in keeps every answer as turned in): the
    # unique (response, revision) then makes this add nothing, with no read to find out first.
    ResponseRevision.objects.bulk_create(
        [
            ResponseRevision(
                response=response,
                revision=response.revision,
                text=response.text,
                saved_at=response.saved_at or timezone.now(),
            )
        ],
        ignore_conflicts=True,
    )


# response_save's ``answer`` when the caller has not read it.
UNREAD = object()

# Ids are 64-bit: a larger number in a URL or a request names nothing (and SQLite cannot even
# take it as a parameter).
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class SaveTarget:
    """Where an autosave writes: the prompt, with its ``assignment`` (without the frozen
    content, which a save never needs), and the student's answer to it with its
    ``submission`` and ``kept_recently`` (see response_save), or None if it has no row yet."""

    prompt: AssignmentPrompt
    answer: Response | None


_PROMPT = Columns(AssignmentPrompt, "p")
_ASSIGNMENT = Columns(Assignment, "a", defer=("content",))
_ANSWER = Columns(Response, "r")
_SUBMISSION = Columns(Submission, "s")
# Column names from the models, values only as parameters.
_SAVE_TARGET = Statement(
    lambda db: (
        f"SELECT {_PROMPT.select(db)}, {_ASSIGNMENT.select(db)},"  # noqa: S608
        f" {_ANSWER.select(db)}, {_SUBMISSION.select(db)},"
        f" {KEPT_RECENTLY_SQL.format(answer='r')}"
        " FROM classroom_assignmentprompt p"
        " INNER JOIN classroom_assignment a ON a.id = p.assignment_id"
        " INNER JOIN classroom_classroom c ON c.id = a.classroom_id"
        " INNER JOIN classroom_enrollment e ON e.classroom_id = c.id"
        " LEFT JOIN classroom_submission s ON s.assignment_id = a.id AND s.student_id = %s"
        " LEFT JOIN classroom_response r ON r.submission_id = s.id AND r.prompt_id = p.id"
        " WHERE p.id = %s AND p.assignment_id = %s AND e.student_id = %s"
        " AND a.opens_at <= %s AND c.archived = %s"
    )
)


def save_target(student: User, assignment_id: int, prompt_id: int, now=None) -> SaveTarget | None:
    """The autosave's one read: the prompt ``prompt_id`` of assignment ``assignment_id`` with
    the student's answer to it, or None when the student may not write there — the same rule
    as every student page, ``Assignment.objects.open().for_student(student)``: an open
    assignment of an active class they are in (tests/classroom/test_save_target.py holds the two
    to each other).

    Written as SQL (classroom/rows.py says why): the autosave is the busiest request, and as
    two querysets (the prompt with the access check, then the answer) Django spent longer
    building them than the database spent answering. Every join is on a unique key (one
    enrollment per class and student, one submission per assignment and student, one answer
    per submission and prompt), so it finds at most one row."""
    if not (0 < assignment_id <= MAX_ID and 0 < prompt_id <= MAX_ID):
        return None
    db = connections[DEFAULT_DB_ALIAS]
    now = now or timezone.now()
    adapt = db.ops.adapt_datetimefield_value
    rows = _SAVE_TARGET.run(
        db,
        [
            adapt(now - REVISION_INTERVAL),
            student.pk,
            prompt_id,
            assignment_id,
            student.pk,
            adapt(now),
            False,
        ],
    )
    if not rows:
        return None
    row = rows[0]
    prompt = _PROMPT.load(db, row, 0)
    at = _PROMPT.width
    prompt.assignment = _ASSIGNMENT.load(db, row, at)
    at += _ASSIGNMENT.width
    answer = _ANSWER.load(db, row, at)
    at += _ANSWER.width
    if answer is not None:
        answer.submission = _SUBMISSION.load(db, row, at)
        answer.prompt = prompt
        answer.kept_recently = bool(row[-1])
    return SaveTarget(prompt, answer)


def response_save(
    *,
    assignment: Assignment,
    student: User,
    prompt: AssignmentPrompt,
    text: str,
    base_revision: int | None,
    resolves_conflict: bool = False,
    answer=UNREAD,
) -> Response:
    """Save one answer. ``base_revision`` is the revision the student's copy started from;
    ``None`` means "I have not seen any saved version" and conflicts with any saved text.

    Line endings are stored as ``\n`` (see ``normalize_answer``); everything else is stored
    exactly as typed. Saving the text that is already stored changes nothing and is never an
    error, even on turned-in work (a resent page or a double click).

    Earlier versions are kept. Before the stored text is replaced, it is copied into a
    ResponseRevision when
      (a) the last kept version of this answer was kept more than REVISION_INTERVAL
          (2 minutes) ago, or none was kept yet — so a session of typing, which saves every few
          seconds, leaves a trail of at most one version every 2 minutes, not one per pause;
      (b) ``resolves_conflict``: the student chose "Keep mine" over text saved in another tab
          or device, and that other text is about to be overwritten — it is always kept;
      (c) turning in keeps every answer exactly as turned in (``submission_turn_in``).
    Empty text is never kept, nor the same revision twice.

    The usual save, of an answer saved before, is one conditional UPDATE (plus the kept version,
    when one is due), without a transaction (_save_in_one_statement); the first save of an
    answer, and a save that loses a race, take the submission's lock. ``answer`` is the answer
    as already read with its submission (``save_target``), or None when it has no row yet;
    by default it is read here.
    """
    if prompt.assignment_id != assignment.pk:
        raise ValidationError("That prompt is not part of this assignment.")
    text = normalize_answer(text)
    limit = settings.ANSWER_MAX_CHARS
    if len(text) > limit:
        raise ValidationError(
            f"This answer is {len(text):,} characters long; the limit is {limit:,}. "
            "Shorten it and save again — your text is still in the box."
        )
    if "\x00" in text:
        # PostgreSQL cannot store NUL; refuse it here rather than fail with a server error.
        raise ValidationError("This answer contains a null character. Remove it and save again.")
    # Built only when it is run: building it costs Django more than the autosave's own read.
    if answer is UNREAD:
        answer = next(iter(_answer_query(assignment, student, prompt)), None)
    if answer is not None:
        saved = _save_in_one_statement(
            answer, assignment, text, base_revision, resolves_conflict=resolves_conflict
        )
        if saved is not None:
            return saved
    with transaction.atomic():
        # The submission's lock first, then the answer is read: every writer of a student's
        # work (turning in, feedback, returning) takes the submission before its answers, so
        # two of them never wait for each other in a circle, and holding it means the answer
        # read next is the latest (PostgreSQL reads each statement afresh). On SQLite the
        # IMMEDIATE transaction already lets one writer in at a time. An untouched, still empty
        # box has no row yet: the saved answers are the ones written.
        submission = _locked_submission(assignment, student)
        response = next(iter(_answer_query(assignment, student, prompt)), None)
        if response is None:
            response = Response(submission=submission, prompt=prompt)
            response.kept_recently = False
        else:
            response.submission = submission
        if not _ready_to_write(response, text, base_revision, resolves_conflict=resolves_conflict):
            return response
        response.text = text
        response.revision += 1
        response.saved_at = timezone.now()
        if response.pk is None:
            response.save()
        else:
            response.save(update_fields=["text", "revision", "saved_at"])
    return response


def _ready_to_write(
    response: Response, text: str, base_revision: int | None, *, resolves_conflict: bool
) -> bool:
    """The rules every save applies before it writes, whichever way it writes: False when this
    text is already stored (nothing to do); refused when the work cannot be edited or the save
    started from an older revision; else the text being replaced is kept if due, and True."""
    if text == response.text:
        return False
    _check_editable(response.submission)
    if (base_revision or 0) != response.revision and response.text:
        raise SaveConflict(response)
    _keep_revision(response, always=resolves_conflict)
    return True


def _save_in_one_statement(
    response: Response,
    assignment: Assignment,
    text: str,
    base_revision: int | None,
    *,
    resolves_conflict,
) -> Response | None:
    """response_save's usual case: the answer, read without a transaction, is written by one
    conditional UPDATE, with no BEGIN, locking read or COMMIT around them. On SQLite, whose
    one write lock covers the whole database, the lock is then held for that statement alone,
    not across the Python between a transaction's statements (under load, other writers sleep
    in SQLite's busy handler for as long as it is held); on PostgreSQL it saves three of the
    five round trips.

    The UPDATE changes the row only if neither the answer's revision nor its submission has
    changed since the read (see _update_if_unchanged), so it cannot overwrite another tab's save
    nor slip in while a turn-in reads the answers. Returns None, having changed no answer, when
    the read is out of date by the time of the UPDATE: the general path then saves. Refusals
    (turned in, closed, conflict) are raised as response_save raises them, as of the read."""
    submission = response.submission
    submission.assignment = assignment
    # Keeping the text being replaced needs no lock: a revision number names one text for
    # good (every change takes a new one), so (revision, text) as read is a true earlier
    # version even if the UPDATE below then finds the answer changed.
    if not _ready_to_write(response, text, base_revision, resolves_conflict=resolves_conflict):
        return response
    saved_at = timezone.now()
    if not _update_if_unchanged(response, text, saved_at):
        return None
    response.text, response.revision, response.saved_at = text, response.revision + 1, saved_at
    return response


def _update_if_unchanged(response: Response, text: str, saved_at) -> bool:
    """Write ``text`` as the answer's next revision if the answer still has the revision it
    was read with and its submission's row is as it was read (nothing turned it in, took it
    back or returned it since). True if it was written.

    SQLite runs the whole UPDATE between two other transactions (one writer at a time). On
    PostgreSQL the submission's row is read FOR SHARE: a turn-in holds it FOR UPDATE from
    before it reads the answers until it commits, so the UPDATE waits for the turn-in and then
    finds the submission changed, or the turn-in waits for the UPDATE and reads the saved text.
    Like every writer of a student's work, it takes the submission's lock before the answer's.

    In SQL, not as a queryset's update(): the busiest write there is, and Django took three
    times as long to build it as the database takes to run it (and has no FOR SHARE)."""
    db = connections[DEFAULT_DB_ALIAS]
    share = " FOR SHARE" if db.features.has_select_for_update else ""
    submission = response.submission
    adapt = db.ops.adapt_datetimefield_value
    with db.cursor() as cursor:
        # Fixed SQL; every value goes as a parameter.
        cursor.execute(
            "UPDATE classroom_response SET text = %s, revision = revision + 1, saved_at = %s"  # noqa: S608
            " WHERE id = %s AND revision = %s AND EXISTS (SELECT 1 FROM classroom_submission"
            f" WHERE id = %s AND state = %s AND updated_at = %s{share})",
            [
                text,
                adapt(saved_at),
                response.pk,
                response.revision,
                submission.pk,
                submission.state,
                adapt(submission.updated_at),
            ],
        )
        return cursor.rowcount == 1


def receipt_for(submission: Submission) -> str:
    """A short fingerprint of exactly what was turned in, for the student's receipt."""
    if "responses" in getattr(submission, "_prefetched_objects_cache", {}):
        responses = submission.responses.all()  # loaded with their prompts by the caller
    else:
        responses = submission.responses.select_related("prompt")
    digest = hashlib.sha256()
    for response in sorted(responses, key=lambda r: r.prompt.position):
        digest.update(f"{response.prompt.position}\x1f{response.text}\x1e".encode())
    value = digest.hexdigest()[:8].upper()
    return f"{value[:4]}-{value[4:]}"


def submission_turn_in(*, assignment: Assignment, student: User, now=None) -> Submission:
    """Turn in a student's work. Doing it twice is harmless: the second call changes nothing.

    All or nothing: the state, time, count, receipt and the kept copy of each answer as turned
    in (see response_save) are written in one transaction under the submission's row lock, so
    simultaneous requests make exactly one turn-in, and a database error leaves the draft as it
    was."""
    now = now or timezone.now()
    with transaction.atomic():
        submission = _locked_submission(assignment, student)
        if submission.state == Submission.State.TURNED_IN:
            return submission
        if not assignment.accepts_turn_in(submission, now):
            if not assignment.is_open(now):
                raise ValidationError("This assignment is not open yet.")
            raise ValidationError(
                "The due time has passed and this assignment no longer accepts work. "
                "Your answers are saved; talk to your teacher."
            )
        # Every response, read once with its prompt: the receipt covers them all.
        prefetch_related_objects(
            [submission], Prefetch("responses", Response.objects.select_related("prompt"))
        )
        answers = [response for response in submission.responses.all() if response.text]
        if not answers:
            raise ValidationError("Write at least one answer before turning in.")
        # (c) of response_save's policy: keep each answer exactly as turned in.
        kept = set(
            ResponseRevision.objects.filter(response__in=answers).values_list(
                "response_id", "revision"
            )
        )
        ResponseRevision.objects.bulk_create(
            ResponseRevision(
                response=answer,
                revision=answer.revision,
                text=answer.text,
                saved_at=answer.saved_at or now,
            )
            for answer in answers
            if (answer.pk, answer.revision) not in kept
        )
        submission.state = Submission.State.TURNED_IN
        submission.turned_in_at = now
        submission.late = now > assignment.due_at
        submission.turn_in_count += 1
        submission.receipt = receipt_for(submission)
        submission.save()
    return submission


def submission_unsubmit(*, submission: Submission, now=None) -> Submission:
    """Take turned-in work back to keep editing, while the due time has not passed."""
    with transaction.atomic():
        # Only the submission's row is locked, not its assignment's (shared by the class).
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("assignment")
            .get(pk=submission.pk)
        )
        if submission.state != Submission.State.TURNED_IN:
            return submission
        if not submission.can_unsubmit(now):
            raise ValidationError(
                "The due time has passed, so this work can no longer be unsubmitted."
            )
        # Work that was returned before goes back to "returned" so its feedback stays in view.
        if submission.returned_at:
            submission.state = Submission.State.RETURNED
        else:
            # Nothing is turned in any more, so nothing is late either.
            submission.state = Submission.State.DRAFT
            submission.late = False
        submission.save(update_fields=["state", "late", "updated_at"])
    return submission


def feedback_save(
    *,
    submission: Submission,
    comment: str | None,
    responses: dict[int, tuple[str, Decimal | None]],
) -> Submission:
    """Save a teacher's working comments and points; the student sees them only on return.

    ``responses`` maps a Response pk to its (comment, points). ``comment`` None leaves the
    overall comment as it is (review by prompt touches one response per student).
    """
    with transaction.atomic():
        # The submission first, then its answers: the order every writer takes them in
        # (response_save, turning in, returning), so two writers never wait for each other in
        # a circle. Not the prompts, which the whole class shares.
        Submission.objects.select_for_update().only("pk").get(pk=submission.pk)
        stored = {
            r.pk: r
            for r in submission.responses.select_related("prompt").select_for_update(of=("self",))
        }
        errors = {}
        for pk, (text, points) in responses.items():
            response = stored.get(pk)
            if response is None:
                raise ValidationError("That answer is not part of this submission.")
            if points is not None and (points < 0 or points > response.prompt.points):
                errors[pk] = f"Points must be between 0 and {response.prompt.points}."
                continue
            response.comment, response.points = text, points
        if errors:
            raise ValidationError(errors)
        Response.objects.bulk_update(
            [stored[pk] for pk in responses], ["comment", "points"], batch_size=200
        )
        if comment is not None:
            submission.comment = comment
            submission.save(update_fields=["comment", "updated_at"])
    return submission


def submission_return(*, submission: Submission, now=None) -> Submission:
    """Return turned-in work to the student with the feedback as it stands now.

    Returning work that is already returned publishes the teacher's later edits to the
    feedback; when nothing changed (a double click) it changes nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        if submission.state not in (Submission.State.TURNED_IN, Submission.State.RETURNED):
            raise ValidationError("Only turned-in work can be returned.")
        responses = list(submission.responses.all())
        if submission.state == Submission.State.RETURNED and (
            submission.returned_comment == submission.comment
            and all(
                (r.returned_comment, r.returned_points) == (r.comment, r.points) for r in responses
            )
        ):
            return submission
        for response in responses:
            response.returned_comment = response.comment
            response.returned_points = response.points
        Response.objects.bulk_update(responses, ["returned_comment", "returned_points"])
        scored = [r.points for r in responses if r.points is not None]
        submission.returned_score = sum(scored, Decimal(0)) if scored else None
        submission.returned_comment = submission.comment
        submission.returned_at = now
        submission.state = Submission.State.RETURNED
        submission.save()
    return submission
