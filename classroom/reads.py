"""The student pages' reads, written as SQL: the dashboard and the workspace.

After the autosave these are the requests students send most (each opens one about once a
minute while writing), and as querysets Django spent longer building and compiling their reads
than the database spent answering them (classroom/rows.py; docs/performance.md). Each read here
is one statement where the ORM took two or three. The access rule is the one every student page
uses, ``Assignment.objects.open().for_student(student)``; tests/classroom/test_reads.py holds
these reads to the querysets they replace.
"""

from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from classroom.models import (
    Assignment,
    AssignmentPrompt,
    Classroom,
    Response,
    Submission,
    User,
)
from classroom.rows import Columns, Statement
from classroom.services import MAX_ID

# The frozen lesson (the whole reading) is read only when a page needs it: the workspace keeps
# its rendered HTML (templates' "fragments" cache), and the dashboard never shows it.
_ASSIGNMENT = Columns(Assignment, "a", defer=("content",))
_CLASSROOM = Columns(Classroom, "c")
_TEACHER = Columns(User, "t")
_SUBMISSION = Columns(Submission, "s")
_PROMPT = Columns(AssignmentPrompt, "p")
_ANSWER = Columns(Response, "r")


def _db():
    return connections[DEFAULT_DB_ALIAS]


# --- Dashboard ---------------------------------------------------------------------------------

# The active classes the student is in, with their teachers, in Classroom's order.
_CLASSES = Statement(
    lambda db: (
        f"SELECT {_CLASSROOM.select(db)}, {_TEACHER.select(db)}"  # noqa: S608
        " FROM classroom_classroom c"
        " INNER JOIN classroom_enrollment e ON e.classroom_id = c.id"
        " INNER JOIN classroom_user t ON t.id = c.teacher_id"
        " WHERE e.student_id = %s AND c.archived = %s"
        " ORDER BY c.name, c.id"
    )
)

# Every assignment of those classes, open or not yet, with its class, the student's work on it
# and its total points, in Assignment's order.
_WORK = Statement(
    lambda db: (
        f"SELECT {_ASSIGNMENT.select(db)}, {_CLASSROOM.select(db)},"  # noqa: S608
        f" {_SUBMISSION.select(db)},"
        " (SELECT SUM(p.points) FROM classroom_assignmentprompt p"
        " WHERE p.assignment_id = a.id) AS total_points"
        " FROM classroom_assignment a"
        " INNER JOIN classroom_classroom c ON c.id = a.classroom_id"
        " INNER JOIN classroom_enrollment e ON e.classroom_id = c.id"
        " LEFT JOIN classroom_submission s ON s.assignment_id = a.id AND s.student_id = %s"
        " WHERE e.student_id = %s AND c.archived = %s"
        " ORDER BY a.due_at, a.id"
    )
)


def student_classes(student) -> list[Classroom]:
    """The active classes ``student`` is in, each with its ``teacher``."""
    db = _db()
    classes = []
    for row in _CLASSES.run(db, [student.pk, False]):
        classroom = _CLASSROOM.load(db, row, 0)
        classroom.teacher = _TEACHER.load(db, row, _CLASSROOM.width)
        classes.append(classroom)
    return classes


def student_work(student) -> list[tuple[Assignment, Submission | None]]:
    """Every assignment of the active classes ``student`` is in, including those not open yet,
    by due time: each with its ``classroom`` and ``total_points`` (None without prompts), and
    the student's submission or None. Enrollment and submissions are unique per student, so each
    assignment comes once."""
    db = _db()
    work = []
    at_classroom = _ASSIGNMENT.width
    at_submission = at_classroom + _CLASSROOM.width
    for row in _WORK.run(db, [student.pk, student.pk, False]):
        assignment = _ASSIGNMENT.load(db, row, 0)
        assignment.classroom = _CLASSROOM.load(db, row, at_classroom)
        assignment.total_points = row[-1]
        work.append((assignment, _SUBMISSION.load(db, row, at_submission)))
    return work


# --- Workspace ---------------------------------------------------------------------------------

# The assignment if the student may open it, with its class and teacher and the student's work.
_WORKSPACE = Statement(
    lambda db: (
        f"SELECT {_ASSIGNMENT.select(db)}, {_CLASSROOM.select(db)},"  # noqa: S608
        f" {_TEACHER.select(db)}, {_SUBMISSION.select(db)}"
        " FROM classroom_assignment a"
        " INNER JOIN classroom_classroom c ON c.id = a.classroom_id"
        " INNER JOIN classroom_enrollment e ON e.classroom_id = c.id"
        " INNER JOIN classroom_user t ON t.id = c.teacher_id"
        " LEFT JOIN classroom_submission s ON s.assignment_id = a.id AND s.student_id = %s"
        " WHERE a.id = %s AND e.student_id = %s AND a.opens_at <= %s AND c.archived = %s"
    )
)

# An assignment's prompts in order, each with the answer of one submission (if any).
_PROMPTS = Statement(
    lambda db: (
        f"SELECT {_PROMPT.select(db)}, {_ANSWER.select(db)}"  # noqa: S608
        " FROM classroom_assignmentprompt p"
        " LEFT JOIN classroom_response r ON r.prompt_id = p.id AND r.submission_id = %s"
        " WHERE p.assignment_id = %s"
        " ORDER BY p.position"
    )
)


@dataclass(frozen=True)
class Workspace:
    assignment: Assignment  # with classroom and classroom.teacher
    submission: Submission | None


def workspace(student, assignment_id: int, now=None) -> Workspace | None:
    """The open assignment ``assignment_id`` of an active class ``student`` is in, with the
    student's submission; None for anything else."""
    if not 0 < assignment_id <= MAX_ID:
        return None
    db = _db()
    now = db.ops.adapt_datetimefield_value(now or timezone.now())
    rows = _WORKSPACE.run(db, [student.pk, assignment_id, student.pk, now, False])
    if not rows:
        return None
    row = rows[0]
    assignment = _ASSIGNMENT.load(db, row, 0)
    at = _ASSIGNMENT.width
    assignment.classroom = _CLASSROOM.load(db, row, at)
    at += _CLASSROOM.width
    assignment.classroom.teacher = _TEACHER.load(db, row, at)
    at += _TEACHER.width
    return Workspace(assignment, _SUBMISSION.load(db, row, at))


def prompts_with_answers(
    assignment: Assignment, submission: Submission | None
) -> list[tuple[AssignmentPrompt, Response | None]]:
    """``assignment``'s prompts in order, each with its answer in ``submission`` or None."""
    db = _db()
    pairs = []
    for row in _PROMPTS.run(db, [submission.pk if submission else None, assignment.pk]):
        prompt = _PROMPT.load(db, row, 0)
        prompt.assignment = assignment
        answer = _ANSWER.load(db, row, _PROMPT.width)
        if answer is not None:
            answer.prompt, answer.submission = prompt, submission
        pairs.append((prompt, answer))
    return pairs
