"""The benchmark's steps that need Django and a database, one per process:

    python -m bench.steps <step> <output.json> [input.json]

The database comes from the environment (SQLITE_PATH or DATABASE_URL), as for the app; the
settings module is bench.settings. Each step writes what it found or made as JSON, which the
runner (python -m bench) reads; the runner itself never imports Django, and the load it sends
goes over loopback to gunicorn.
"""

import json
import os
import sys
import time
from collections import defaultdict

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench import pages, seed  # noqa: E402
from classroom.models import (  # noqa: E402
    Assignment,
    AssignmentPrompt,
    Classroom,
    Response,
    Submission,
    User,
)


def envint(name: str, default: int) -> int:
    return int(os.getenv(name, str(default)))


def step_migrate(_):
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    return {"seconds": round(time.perf_counter() - started, 2)}


def _analyze():
    # PostgreSQL's autovacuum analyses a table by itself soon after a bulk load; do it now so
    # the measurements do not depend on when it wakes up. SQLite keeps no statistics unless
    # asked, and the app never asks, so it is left as a school's server would have it.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def step_seed_school(_):
    classes = envint("BENCH_CLASSES", 200)
    per_class = envint("BENCH_STUDENTS_PER_CLASS", 30)
    per_class_work = envint("BENCH_ASSIGNMENTS_PER_CLASS", 6)
    started = time.perf_counter()
    made = seed.seed(class_sizes=[per_class] * classes, assignments_per_class=per_class_work)
    seconds = time.perf_counter() - started
    _analyze()
    started = time.perf_counter()
    keys = seed.create_sessions(made.student_ids + made.teacher_ids)
    session_seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 1),
        "session_seconds": round(session_seconds, 1),
        "classes": len(made.classroom_ids),
        "teachers": len(made.teacher_ids),
        "students": len(made.student_ids),
        "assignments": made.assignments,
        "prompts": AssignmentPrompt.objects.count(),
        "submissions": made.submissions,
        "responses": made.responses,
        "answer_chars": _answer_chars(),
        "plan": _plan(made, keys, p5_class=min(classes // 2, classes - 1)),
    }


def step_seed_one(_):
    """P5's small database: one class, the same work as the school's middle class."""
    classes = envint("BENCH_CLASSES", 200)
    per_class = envint("BENCH_STUDENTS_PER_CLASS", 30)
    per_class_work = envint("BENCH_ASSIGNMENTS_PER_CLASS", 6)
    middle = min(classes // 2, classes - 1)
    made = seed.seed(
        class_sizes=[per_class], assignments_per_class=per_class_work, first_class=middle
    )
    _analyze()
    keys = seed.create_sessions(made.student_ids + made.teacher_ids)
    return {"p5": _key_pages(Classroom.objects.get(pk=made.classroom_ids[0]), keys)}


def _answer_chars():
    from django.db.models import Avg
    from django.db.models.functions import Length

    return round(Response.objects.aggregate(n=Avg(Length("text")))["n"] or 0)


def _key_pages(classroom, keys) -> dict:
    """P5's pages in one class, each with the session of the person who sees it."""
    assignments = list(classroom.assignments.order_by("due_at", "pk"))
    past, current = assignments[0], assignments[-1]
    draft = (
        Submission.objects.filter(assignment=current, state=Submission.State.DRAFT)
        .order_by("student__username")
        .first()
    )
    student, teacher = keys[draft.student_id], keys[classroom.teacher_id]
    prompt = past.prompts.order_by("position").first()
    return {
        "student workspace": [student, reverse("classroom:workspace", args=[current.pk])],
        "student dashboard": [student, reverse("classroom:student-dashboard")],
        "teacher progress": [teacher, reverse("classroom:assignment-detail", args=[past.pk])],
        "review by prompt": [
            teacher,
            reverse("classroom:prompt-review", args=[past.pk, prompt.pk]),
        ],
        "teacher dashboard": [teacher, reverse("classroom:teacher-dashboard")],
    }


def _plan(made, keys, *, p5_class: int) -> dict:
    """Who does what in the load tests, with the sessions to do it as."""
    last_two = defaultdict(list)  # classroom -> its two newest (open) assignments
    for assignment in Assignment.objects.filter(classroom_id__in=made.classroom_ids).order_by(
        "classroom_id", "-due_at"
    ):
        if len(last_two[assignment.classroom_id]) < 2:
            last_two[assignment.classroom_id].append(assignment.pk)
    newest = {pks[0] for pks in last_two.values()}
    second = {pks[1] for pks in last_two.values() if len(pks) > 1}
    prompts = defaultdict(list)
    for pk, assignment_id in (
        AssignmentPrompt.objects.filter(assignment_id__in=newest | second)
        .order_by("assignment_id", "position")
        .values_list("pk", "assignment_id")
    ):
        prompts[assignment_id].append(pk)
    work = {
        (s.student_id, s.assignment_id): s
        for s in Submission.objects.filter(assignment_id__in=newest | second).only(
            "pk", "student_id", "assignment_id", "state"
        )
    }
    classroom_of = dict(
        User.objects.filter(pk__in=made.student_ids).values_list("pk", "enrollments__classroom")
    )

    # P3: drafts of the second-newest assignment, turned in at the deadline.
    rush, rush_size = [], envint("BENCH_P3_TURN_INS", 1000)
    for student_id in made.student_ids:
        assignment_id = last_two[classroom_of[student_id]][-1]
        submission = work.get((student_id, assignment_id))
        if submission and submission.state == Submission.State.DRAFT:
            rush.append((student_id, assignment_id, submission.pk))
        if len(rush) == rush_size:
            break
    stored = defaultdict(dict)
    for submission_id, prompt_id, text, revision in Response.objects.filter(
        submission_id__in=[pk for _, _, pk in rush]
    ).values_list("submission_id", "prompt_id", "text", "revision"):
        stored[submission_id][prompt_id] = (text, revision)
    p3 = [
        {
            "s": keys[student_id],
            "a": assignment_id,
            "answers": [
                [prompt_id, *stored[submission_pk].get(prompt_id, ("", 0))]
                for prompt_id in prompts[assignment_id]
            ],
        }
        for student_id, assignment_id, submission_pk in rush
    ]

    # P2: everyone with the newest assignment still to write saves its first prompt.
    writers = []
    for student_id in made.student_ids:
        assignment_id = last_two[classroom_of[student_id]][0]
        submission = work.get((student_id, assignment_id))
        if submission is None or submission.state == Submission.State.DRAFT:
            writers.append((student_id, assignment_id, submission.pk if submission else None))
    first_prompt = {a: pks[0] for a, pks in prompts.items()}
    revisions = dict(
        Response.objects.filter(
            prompt_id__in=first_prompt.values(),
            submission_id__in=[pk for _, _, pk in writers if pk],
        ).values_list("submission_id", "revision")
    )

    # P4: one writer with two answers: autosave the first, the bare view overwrites the second.
    p4 = None
    for index, (student_id, assignment_id, submission_pk) in enumerate(writers):
        if submission_pk is None:
            continue
        answers = list(
            Response.objects.filter(submission_id=submission_pk)
            .order_by("prompt__position")
            .values_list("pk", "prompt_id", "revision")[:2]
        )
        if len(answers) == 2 and answers[0][1] == first_prompt[assignment_id]:
            p4 = {
                "s": keys[student_id],
                "a": assignment_id,
                "p": answers[0][1],
                "r": answers[0][2],
                "bare": answers[1][0],
            }
            del writers[index]
            break

    p2 = [
        {
            "s": keys[student_id],
            "a": assignment_id,
            "p": first_prompt[assignment_id],
            "r": revisions.get(submission_pk, 0),
        }
        for student_id, assignment_id, submission_pk in writers
    ]
    p5_classroom = Classroom.objects.get(pk=made.classroom_ids[p5_class])
    return {
        "cookies": {"session": settings.SESSION_COOKIE_NAME, "csrf": settings.CSRF_COOKIE_NAME},
        "p2": p2,
        "p3": p3,
        "p4": p4,
        "p5": _key_pages(p5_classroom, keys),
        "p6": _key_pages(p5_classroom, keys)["student workspace"],
        "urls": {
            "workspace": reverse("classroom:workspace", args=[0]),
            "autosave": reverse("classroom:autosave", args=[0]),
            "turn_in": reverse("classroom:turn-in", args=[0]),
            "dashboard": reverse("classroom:student-dashboard"),
            "bare": reverse("bench-bare", args=[0]),
        },
    }


def step_p1(_):
    sizes = [int(size) for size in os.getenv("BENCH_P1_SIZES", "10,40").split(",")]
    counts = pages.measure(pages.seeded_classrooms(sizes))
    return {"sizes": sizes, "max": pages.MAX_QUERIES, "counts": counts}


def step_verify_p3(sent_file):
    """Every turn-in that answered 302: its submission is turned in, with a receipt, and each
    answer is exactly (byte for byte) the text that was posted."""
    with open(sent_file) as handle:
        sent = json.load(handle)
    keys = {item["s"] for item in sent}
    from django.contrib.sessions.models import Session

    users = {}
    for session in Session.objects.filter(session_key__in=keys):
        users[session.session_key] = int(session.get_decoded()["_auth_user_id"])
    problems, checked, answers = [], 0, 0
    submissions = {
        (s.student_id, s.assignment_id): s
        for s in Submission.objects.filter(
            student_id__in=users.values(), assignment_id__in={item["a"] for item in sent}
        ).prefetch_related("responses")
    }
    for item in sent:
        submission = submissions.get((users[item["s"]], item["a"]))
        if submission is None:
            problems.append(f"no submission for assignment {item['a']}")
            continue
        checked += 1
        if submission.state != Submission.State.TURNED_IN:
            problems.append(f"submission {submission.pk} is {submission.state}")
        if not submission.receipt:
            problems.append(f"submission {submission.pk} has no receipt")
        stored = {r.prompt_id: r.text for r in submission.responses.all()}
        for prompt_id, text in item["answers"]:
            answers += 1
            if stored.get(int(prompt_id), "").encode() != text.encode():
                problems.append(f"submission {submission.pk} prompt {prompt_id}: text differs")
    return {"checked": checked, "answers": answers, "problems": problems[:20]}


def step_version(_):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return {"database": f"PostgreSQL {cursor.fetchone()[0]}"}
        cursor.execute("SELECT sqlite_version()")
        return {"database": f"SQLite {cursor.fetchone()[0]}"}


STEPS = {
    "migrate": step_migrate,
    "seed-school": step_seed_school,
    "seed-one": step_seed_one,
    "p1": step_p1,
    "verify-p3": step_verify_p3,
    "version": step_version,
}


if __name__ == "__main__":
    name, output, *rest = sys.argv[1:]
    result = STEPS[name](rest[0] if rest else None)
    with open(output, "w") as handle:
        json.dump(result, handle)
