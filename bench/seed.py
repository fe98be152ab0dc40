"""School-scale data, fast: bulk inserts in batches, no per-row save(), no signals.

The shape follows a school term. Every class has the same teacher-made assignments of the
article lesson (fixtures/north-korea-lesson.json), frozen exactly as services.assignment_create
freezes them (the same Lesson.snapshot() and the same AssignmentPrompt copies, built once and
bulk-inserted). Older assignments are mostly returned with feedback, the two current ones are
mostly drafts. Answers have realistic lengths: short answers of one to three sentences,
extended responses of one or two paragraphs.

    seed(class_sizes=[30] * 200)   # 200 classes, 6,000 students, 1,200 assignments, ~200,000 answers
"""

import datetime
import hashlib
import random
import secrets
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from classroom import backends
from classroom.models import (
    JOIN_CODE_LENGTH,
    Assignment,
    AssignmentPrompt,
    Classroom,
    Enrollment,
    Response,
    Submission,
    User,
    new_join_code,
)
from lessons.models import Lesson

LESSON_FIXTURE = "north-korea-lesson"
PASSWORD = "bench-password-not-secret"  # noqa: S105 — accounts of a throwaway bench database
BATCH = 2000

# How the work on an assignment stands, by its age: (returned, turned in, draft) shares; the
# rest have not started. Past work is mostly returned; current work mostly in progress.
PAST_MIX = (0.75, 0.15, 0.05)
CURRENT_MIX = [(0.0, 0.40, 0.45), (0.0, 0.10, 0.60)]  # due in 2 days, due in 6 days

SENTENCES = [
    "China supports North Korea because it wants a buffer zone between itself and South Korea.",
    "The article says the alliance began during the Korean War in the 1950s.",
    "North Korea is isolated, so it depends on China for most of its trade and food.",
    "Sanctions limit what North Korea can buy and sell with other countries.",
    "If the government collapsed, refugees could cross the border into China.",
    "China gets an ally that helps counterbalance the influence of the United States.",
    "I think the support will continue because China cares most about stability.",
    "Japan would see the alliance as a threat because of the missile tests.",
    "The 2024 treaty with Russia shows that China is not the only ally any more.",
    "The article has no named author, so I only partly trust its claims.",
    "South Korea would worry that China protects the North from pressure.",
    "Geopolitical means it has to do with how geography shapes politics.",
    "For example, the article calls China North Korea’s “largest trading partner”.",
    "This matters because trade gives China influence over decisions in Pyongyang.",
    "On the other hand, China also pressures North Korea about its nuclear weapons.",
    "To check the claim I would look at treaties, UN votes and weapons deals.",
    "My evidence is the paragraph about economic aid and investment in mining.",
    "In conclusion, the alliance is about security more than friendship.",
]
TEACHER_COMMENTS = [
    "Good use of evidence from the text.",
    "Explain why this matters — one more sentence would do it.",
    "Quote the article to support this point.",
    "Clear and complete. Well done.",
    "Check the date of the article against the treaty.",
]
FIRST_NAMES = ["Aisha", "Ben", "Chloe", "Diego", "Emma", "Farah", "Gus", "Hana", "Ivan", "Jade"]
LAST_NAMES = ["Khan", "Carter", "Nguyen", "Morales", "Schmidt", "Okafor", "Lopez", "Kim", "Rossi"]


def answer_text(rng: random.Random, kind: str) -> str:
    """A student's answer: short answers 80–350 characters, extended responses 300–1,200."""
    low, high = (300, 1200) if kind == "extended" else (80, 350)
    target = rng.randint(low, high)
    parts, length = [], 0
    while length < target:
        sentence = rng.choice(SENTENCES)
        parts.append(sentence)
        length += len(sentence) + 1
    text = " ".join(parts)
    if kind == "extended" and len(parts) > 4:
        middle = len(text) // 2
        cut = text.find(". ", middle)
        if cut > 0:
            text = text[: cut + 1] + "\n\n" + text[cut + 2 :]
    return text


def receipt(answers: list[tuple[int, str]]) -> str:
    """services.receipt_for over (position, text) pairs already in memory."""
    digest = hashlib.sha256()
    for position, text in sorted(answers):
        digest.update(f"{position}\x1f{text}\x1e".encode())
    value = digest.hexdigest()[:8].upper()
    return f"{value[:4]}-{value[4:]}"


@dataclass
class Seeded:
    """What was made, by pk, for the measurements to pick from."""

    lesson_id: int = 0
    teacher_ids: list[int] = field(default_factory=list)
    classroom_ids: list[int] = field(default_factory=list)
    student_ids: list[int] = field(default_factory=list)
    assignments: int = 0
    submissions: int = 0
    responses: int = 0


def load_lesson() -> Lesson:
    lesson = Lesson.objects.filter(slug="north-korea-only-ally").first()
    if lesson is None:
        call_command("loaddata", LESSON_FIXTURE, verbosity=0)
        lesson = Lesson.objects.get(slug="north-korea-only-ally")
    return lesson


def _schedule(count: int, now) -> list[tuple[datetime.datetime, datetime.datetime, tuple]]:
    """(opens_at, due_at, state mix) for each assignment of a class: all but the last two are
    past (one a week apart), the last two are open and due in 2 and 6 days."""
    plan = []
    past = max(count - len(CURRENT_MIX), 0)
    for index in range(past):
        due = now - datetime.timedelta(days=7 * (past - index))
        plan.append((due - datetime.timedelta(days=7), due, PAST_MIX))
    for days, mix in zip((2, 6), CURRENT_MIX, strict=True):
        if len(plan) < count:
            plan.append(
                (now - datetime.timedelta(days=5), now + datetime.timedelta(days=days), mix)
            )
    return plan


def seed(
    *,
    class_sizes: list[int],
    assignments_per_class: int = 6,
    seed_value: int = 2026,
    first_class: int = 0,
) -> Seeded:
    """One teacher per class (so a teacher's pages compare across databases), the students of
    each class, its assignments and everyone's work on them.

    Each class's work comes from its own random stream, numbered from ``first_class``: a
    database seeded with ``first_class=100`` and one class holds the same work as class 100 of
    the school, which is what P5 compares."""
    rng = random.Random(seed_value)  # noqa: S311 — sample data, reproducible, not secret
    now = timezone.now()
    lesson = load_lesson()
    snapshot = lesson.snapshot()
    prompts = list(lesson.prompts.all())
    password = make_password(PASSWORD)
    out = Seeded(lesson_id=lesson.pk)
    first_user = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1

    with transaction.atomic():
        teachers = User.objects.bulk_create(
            [
                User(
                    username=f"bench-t{first_user + i:06d}",
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    role=User.Role.TEACHER,
                    password=password,
                )
                for i in range(len(class_sizes))
            ],
            batch_size=BATCH,
        )
        codes = set(Classroom.objects.values_list("join_code", flat=True))
        classrooms = []
        for number, teacher in enumerate(teachers, start=1):
            code = new_join_code()
            while code in codes:
                code = new_join_code()
            codes.add(code)
            assert len(code) == JOIN_CODE_LENGTH
            classrooms.append(Classroom(name=f"Period {number}", teacher=teacher, join_code=code))
        classrooms = Classroom.objects.bulk_create(classrooms, batch_size=BATCH)
        students = User.objects.bulk_create(
            [
                User(
                    username=f"bench-s{first_user + i:06d}",
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=f"{rng.choice(LAST_NAMES)} {i}",
                    role=User.Role.STUDENT,
                    password=password,
                )
                for i in range(sum(class_sizes))
            ],
            batch_size=BATCH,
        )
        rosters, start = [], 0
        for size in class_sizes:
            rosters.append(students[start : start + size])
            start += size
        Enrollment.objects.bulk_create(
            [
                Enrollment(classroom=classroom, student=student)
                for classroom, roster in zip(classrooms, rosters, strict=True)
                for student in roster
            ],
            batch_size=BATCH,
        )

        schedule = _schedule(assignments_per_class, now)
        assignments = Assignment.objects.bulk_create(
            [
                Assignment(
                    classroom=classroom,
                    lesson=lesson,
                    title=lesson.title,
                    instructions="Read the article, then answer every prompt with evidence.",
                    opens_at=opens_at,
                    due_at=due_at,
                    content=snapshot,
                )
                for classroom in classrooms
                for opens_at, due_at, _ in schedule
            ],
            batch_size=BATCH,
        )
        frozen = AssignmentPrompt.objects.bulk_create(
            [
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
                for assignment in assignments
                for position, prompt in enumerate(prompts, start=1)
            ],
            batch_size=BATCH,
        )
        prompts_of = {}
        for frozen_prompt in frozen:
            prompts_of.setdefault(frozen_prompt.assignment_id, []).append(frozen_prompt)

        # Submissions first (their pks are needed for the answers), then the answers in batches.
        submissions, answers_of = [], []
        for class_index, roster in enumerate(rosters):
            rng = random.Random(f"{seed_value}-{first_class + class_index}")  # noqa: S311
            for slot, (_, due_at, mix) in enumerate(schedule):
                assignment = assignments[class_index * len(schedule) + slot]
                returned, turned_in, draft = mix
                for student in roster:
                    roll = rng.random()
                    if roll < returned:
                        state = Submission.State.RETURNED
                    elif roll < returned + turned_in:
                        state = Submission.State.TURNED_IN
                    elif roll < returned + turned_in + draft:
                        state = Submission.State.DRAFT
                    else:
                        continue
                    its_prompts = prompts_of[assignment.pk]
                    if state == Submission.State.DRAFT:
                        answered = its_prompts[: rng.randint(1, len(its_prompts) - 1)]
                    else:
                        answered = its_prompts
                    answers = [(p, answer_text(rng, p.kind)) for p in answered]
                    submission = Submission(
                        assignment=assignment, student=student, state=state, updated_at=now
                    )
                    responses = [
                        Response(
                            prompt=p,
                            text=text,
                            revision=rng.randint(1, 30),
                            saved_at=now - datetime.timedelta(hours=2),
                        )
                        for p, text in answers
                    ]
                    if state != Submission.State.DRAFT:
                        turned = min(due_at, now) - datetime.timedelta(hours=rng.randint(1, 72))
                        submission.turned_in_at = turned
                        submission.late = rng.random() < 0.08
                        submission.turn_in_count = 1
                        submission.receipt = receipt([(p.position, t) for p, t in answers])
                        for response in responses:
                            response.saved_at = turned
                    if state == Submission.State.RETURNED:
                        for response in responses:
                            response.points = rng.randint(0, response.prompt.points)
                            response.comment = rng.choice(TEACHER_COMMENTS)
                            response.returned_points = response.points
                            response.returned_comment = response.comment
                        submission.returned_score = sum(r.points for r in responses)
                        submission.returned_at = submission.turned_in_at + datetime.timedelta(
                            days=2
                        )
                        submission.comment = rng.choice(TEACHER_COMMENTS)
                        submission.returned_comment = submission.comment
                    submissions.append(submission)
                    answers_of.append(responses)
        submissions = Submission.objects.bulk_create(submissions, batch_size=BATCH)

        batch, made = [], 0
        for submission, responses in zip(submissions, answers_of, strict=True):
            for response in responses:
                response.submission = submission
            batch.extend(responses)
            if len(batch) >= BATCH:
                Response.objects.bulk_create(batch)
                made += len(batch)
                batch = []
        if batch:
            Response.objects.bulk_create(batch)
            made += len(batch)

    out.teacher_ids = [t.pk for t in teachers]
    out.classroom_ids = [c.pk for c in classrooms]
    out.student_ids = [s.pk for s in students]
    out.assignments = len(assignments)
    out.submissions = len(submissions)
    out.responses = made
    return out


def create_sessions(user_ids: list[int]) -> dict[int, str]:
    """A logged-in session for each user, inserted in bulk: what logging in through the
    (throttled) login form would have stored. Returns {user pk: session key}."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    backend = backends.PATH
    expire = timezone.now() + datetime.timedelta(hours=12)
    store = SessionStore()
    keys, rows = {}, []
    for user in User.objects.filter(pk__in=user_ids).only("pk", "password"):
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        keys[user.pk] = key
    Session.objects.bulk_create(rows, batch_size=BATCH)
    return keys
