"""``manage.py load_demo``: the North Korea lesson, demo accounts and a class with work in progress.

`make run` calls this on every start, so it is safe to rerun: it loads the lesson fixture only
when the lesson is missing (so an admin's edits survive a restart), resets the demo passwords so the README logins always
work, and creates the class, assignment and students' work only where they are missing. Demo
work goes through classroom.services, so it obeys the same rules as real work.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from classroom import services
from classroom.models import Assignment, Classroom, Enrollment, Submission, User
from lessons.models import Lesson

FIXTURE = "north-korea-lesson"
LESSON_SLUG = "north-korea-only-ally"
CLASS_NAME = "Period 2 · World History"
URL = "http://127.0.0.1:8000"

ADMIN_PASSWORD = "admin-demo-pass"  # noqa: S105 — published in the README; DEBUG only
TEACHER_PASSWORD = "teacher-demo-pass"  # noqa: S105
STUDENT_PASSWORD = "student-demo-pass"  # noqa: S105

# (username, first name, last name, what the demo has them doing)
STUDENTS = [
    ("student1", "Aisha", "Khan", "turned in"),
    ("student2", "Ben", "Carter", "draft, two answers"),
    ("student3", "Chloe", "Nguyen", "returned with feedback"),
    ("student4", "Diego", "Morales", "not started"),
    ("student5", "Emma", "Schmidt", "not started"),
]

INSTRUCTIONS = (
    "Read the article with the glossary open beside it, then answer every prompt. "
    "Use evidence from the text and quote it where you can. Turn in when you are done."
)

# Answers by prompt position (the fixture's prompt order).
AISHA = {
    1: "It started in the Korean War in the 1950s, when China sent military support to North "
    "Korea. Since then China has given it economic aid, diplomatic support and trade.",
    2: "First, North Korea is a buffer zone that keeps South Korea and the U.S. troops there away "
    "from China’s border. Second, if the North Korean government collapsed, lots of refugees "
    "would cross into China and cause problems, so China wants things to stay stable.",
    3: "Isolated means North Korea is cut off from most countries, so it depends on China. A "
    "buffer zone is land between two rivals that keeps them apart. Together they show why each "
    "side needs the other.",
    4: "Geopolitically China gets an ally that helps “counterbalance the influence of the United "
    "States and its allies”. Economically it is North Korea’s “largest trading partner” and its "
    "companies invest in “mining and manufacturing”.",
    5: "The article says support “is likely to continue in the near future” because China cares "
    "most about stability on its borders. I agree, but China also pressures North Korea about its "
    "nuclear ambitions, so the support has limits.",
    6: "I chose Japan. Japan would see the alliance as dangerous because North Korea fires "
    "missiles near Japan and China protects North Korea from pressure. The article says China "
    "wants to counterbalance the U.S. and allies like Japan, so Japan would feel it is aimed at "
    "them.",
    7: "To test the claim I would look for treaties, weapons deals and UN votes. The 2024 treaty "
    "means Russia promised to defend North Korea if it is attacked, so China is not the only ally "
    "any more. The article has no author and was written before the treaty, so I only partly "
    "trust it.",
}

BEN = {
    1: "In the Korean War in the 1950s. China helped North Korea fight South Korea and its allies.",
    2: "China wants North Korea as a buffer zone because there are U.S. troops in South Korea. "
    "Also if the regime collapsed",
}

CHLOE = {
    1: "The Korean War (1950s). China gave North Korea military support, and later economic aid "
    "and diplomatic support.",
    2: "China supports North Korea because it is a buffer zone and because China wants stability.",
    3: "Isolated means alone. A buffer zone is a zone in between.",
    4: "China gets an ally against the United States and its allies like Japan and South Korea, "
    "and it is North Korea’s largest trading partner even with sanctions.",
    5: "Yes, because the article says China’s “primary concern remains stability on its borders”. "
    "As long as that is true China will keep helping, even if other countries criticise it.",
    6: "From the United States’ view the alliance is a problem: the U.S. has troops in South Korea "
    "and China is helping the country they are there to deter. The U.S. wants China to enforce "
    "sanctions, but China is still North Korea’s largest trading partner.",
    7: "I would check whether any other country has a defence treaty with North Korea. The June "
    "2024 treaty with Russia says each side helps the other militarily if attacked, so Russia is "
    "an ally too and the article is out of date. It is also missing an author, so I would not use "
    "it alone.",
}

# Chloe's feedback by prompt position: (comment, points).
CHLOE_FEEDBACK = {
    1: ("Accurate and complete.", "2"),
    2: (
        "You name both reasons but do not explain them: what is the buffer for, and what would "
        "instability bring (refugees)?",
        "1.5",
    ),
    3: (
        "“Alone” is a start. Use the sentence: why does being isolated make China so important "
        "to North Korea?",
        "1",
    ),
    4: ("Good — both gains are there. Quote the text next time.", "2.5"),
    5: (
        "Clear judgement with a quotation. Also weigh the limit the article mentions: China "
        "pressing North Korea over its nuclear ambitions.",
        "3",
    ),
    6: ("Strong U.S. perspective with a link back to the article.", "4"),
    7: (
        "You used the 2024 treaty well. To reach full marks, say what other evidence you would "
        "check (trade, UN votes) and whether “closest ally” would still be true.",
        "4.5",
    ),
}
CHLOE_COMMENT = (
    "Solid work, Chloe. Your later answers use evidence well; go back to prompts 2 and 3 and "
    "explain in full sentences, then turn in again if you like."
)

WORK = {"student1": (AISHA, "turn_in"), "student2": (BEN, "draft"), "student3": (CHLOE, "return")}


class Command(BaseCommand):
    help = (
        "Load the North Korea lesson and create demo accounts, a class and work in progress. "
        "Only runs with DEBUG on; safe to rerun (an admin's edits to the lesson are kept)."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "load_demo creates accounts with published passwords, so it only runs with "
                "DEBUG on. Use it on a laptop (DEBUG=true), never on a school's server."
            )
        with transaction.atomic():
            if not Lesson.objects.filter(slug=LESSON_SLUG).exists():
                call_command("loaddata", FIXTURE, verbosity=0)
            lesson = Lesson.objects.get(slug=LESSON_SLUG)
            # No role: like a createsuperuser admin, it lands in the Django admin (and may still
            # browse and preview the library as staff).
            admin = self._user("admin", ADMIN_PASSWORD, "Priya", "Shah", "", staff=True)
            teacher = self._user("teacher", TEACHER_PASSWORD, "Elena", "Ramirez", User.Role.TEACHER)
            students = [
                self._user(username, STUDENT_PASSWORD, first, last, User.Role.STUDENT)
                for username, first, last, _ in STUDENTS
            ]
            classroom = self._classroom(teacher, students)
            assignment = self._assignment(classroom, lesson)
            for student in students:
                self._work(assignment, student)
        self._report(admin, teacher, students, classroom, lesson)

    def _user(self, username, password, first, last, role, staff=False):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=first, last_name=last)
            user.email = f"{username}@example.org"
        # The README's logins must always work, so these are reset on every run.
        user.role = role
        user.is_active = True
        if staff:
            user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        return user

    def _classroom(self, teacher, students):
        classroom, _ = Classroom.objects.get_or_create(teacher=teacher, name=CLASS_NAME)
        if classroom.archived:
            classroom.archived = False
            classroom.save(update_fields=["archived"])
        for student in students:
            Enrollment.objects.get_or_create(classroom=classroom, student=student)
        return classroom

    def _assignment(self, classroom, lesson):
        existing = Assignment.objects.filter(classroom=classroom, lesson=lesson).first()
        if existing:
            return existing
        today = timezone.localtime()
        return services.assignment_create(
            classroom=classroom,
            lesson=lesson,
            instructions=INSTRUCTIONS,
            opens_at=(today - datetime.timedelta(days=1)).replace(
                hour=8, minute=0, second=0, microsecond=0
            ),
            due_at=(today + datetime.timedelta(days=7)).replace(
                hour=23, minute=59, second=0, microsecond=0
            ),
        )

    def _work(self, assignment, student):
        if student.username not in WORK:
            return
        if Submission.objects.filter(assignment=assignment, student=student).exists():
            return  # leave whatever the demo student has done since
        answers, outcome = WORK[student.username]
        prompts = {p.position: p for p in assignment.prompts.all()}
        for position, answer in answers.items():
            if position in prompts:
                services.response_save(
                    assignment=assignment,
                    student=student,
                    prompt=prompts[position],
                    text=answer,
                    base_revision=None,
                )
        if outcome == "draft":
            return
        submission = services.submission_turn_in(assignment=assignment, student=student)
        if outcome == "return":
            feedback = {
                response.pk: (
                    CHLOE_FEEDBACK[response.prompt.position][0],
                    Decimal(CHLOE_FEEDBACK[response.prompt.position][1]),
                )
                for response in submission.responses.select_related("prompt")
                if response.prompt.position in CHLOE_FEEDBACK
            }
            services.feedback_save(submission=submission, comment=CHLOE_COMMENT, responses=feedback)
            services.submission_return(submission=submission)

    def _report(self, admin, teacher, students, classroom, lesson):
        rows = [
            ("Admin", admin.username, ADMIN_PASSWORD, str(admin), f"{URL}/admin/"),
            ("Teacher", teacher.username, TEACHER_PASSWORD, str(teacher), CLASS_NAME),
        ]
        rows += [
            ("Student", student.username, STUDENT_PASSWORD, str(student), doing)
            for student, (_, _, _, doing) in zip(students, STUDENTS, strict=True)
        ]
        header = ("Role", "Username", "Password", "Name", "Demo state")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

        def line(cells):
            return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

        out = self.stdout
        out.write(self.style.SUCCESS(f"Demo ready: {URL}"))
        out.write(f"Lesson: {lesson.title} ({lesson.prompts.count()} prompts)")
        out.write(f"Class: {classroom.name} · join code {classroom.display_join_code}")
        out.write("")
        out.write(line(header).rstrip())
        out.write(line(["-" * width for width in widths]))
        for row in rows:
            out.write(line(row).rstrip())
