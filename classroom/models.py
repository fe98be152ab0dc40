"""People and their work: users, classes, enrolment, assignments, submissions and responses."""

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from lessons.models import Lesson, Prompt

# Crockford's base32: no I, L, O or U, so a code read aloud or copied from a board is hard to
# mistype. Eight characters carry 40 random bits.
JOIN_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
JOIN_CODE_LENGTH = 8


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalize_join_code(raw: str) -> str:
    """What a student typed, as stored: upper case, no spaces or dashes, look-alikes mapped."""
    cleaned = "".join(ch for ch in raw.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


class User(AbstractUser):
    class Role(models.TextChoices):
        TEACHER = "teacher", "Teacher"
        STUDENT = "student", "Student"

    class TextSize(models.IntegerChoices):
        STANDARD = 100, "Standard"
        LARGE = 115, "Large"
        LARGER = 130, "Larger"
        LARGEST = 150, "Largest"

    class LineSpacing(models.TextChoices):
        STANDARD = "standard", "Standard"
        RELAXED = "relaxed", "Relaxed"
        LOOSE = "loose", "Loose"

    # Blank for admins who only use the Django admin (createsuperuser makes those).
    role = models.CharField(max_length=10, choices=Role.choices, blank=True, default="")
    # Reading comfort, kept with the account so it follows a student across shared devices.
    text_size = models.PositiveSmallIntegerField(
        choices=TextSize.choices, default=TextSize.STANDARD
    )
    line_spacing = models.CharField(
        max_length=10, choices=LineSpacing.choices, default=LineSpacing.STANDARD
    )

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_teacher(self):
        return self.role == self.Role.TEACHER

    @property
    def is_student(self):
        return self.role == self.Role.STUDENT

    @property
    def sort_name(self):
        if self.last_name:
            return f"{self.last_name}, {self.first_name}".strip(", ")
        return str(self)


class ClassroomQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived=False)


class Classroom(models.Model):
    name = models.CharField(max_length=100)
    teacher = models.ForeignKey(User, on_delete=models.CASCADE, related_name="classrooms")
    join_code = models.CharField(max_length=JOIN_CODE_LENGTH, unique=True, default=new_join_code)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClassroomQuerySet.as_manager()

    class Meta:
        ordering = ["archived", "name", "pk"]
        indexes = [
            # The teacher's dashboard: Classroom.objects.filter(teacher=..., archived=False).
            models.Index(fields=["teacher", "archived"], name="classroom_teacher_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("classroom:class-detail", args=[self.pk])

    @property
    def display_join_code(self):
        return f"{self.join_code[:4]}-{self.join_code[4:]}"

    def reset_join_code(self):
        self.join_code = new_join_code()


class Enrollment(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="enrollments")
    student = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrollments")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["classroom", "student__last_name", "student__first_name", "student__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "student"],
                name="enrollment_unique",
                violation_error_message="This student is already in the class.",
            ),
        ]

    def __str__(self):
        return f"{self.student} in {self.classroom}"


class AssignmentQuerySet(models.QuerySet):
    # services.save_target states these two rules again in SQL, for the autosave;
    # tests/classroom/test_save_target.py holds it to them.
    def open(self, now=None):
        return self.filter(opens_at__lte=now or timezone.now())

    def for_student(self, student):
        """Assignments of the active classes ``student`` is in. Enrollment is unique per class
        and student, so the join never duplicates a row."""
        return self.filter(classroom__archived=False, classroom__enrollments__student=student)


class Assignment(models.Model):
    class LatePolicy(models.TextChoices):
        ACCEPT = "accept", "Accept late work and mark it late"
        CLOSE = "close", "Close at the due time (returned work can still be revised)"

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="assignments")
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField()
    late_policy = models.CharField(
        max_length=10, choices=LatePolicy.choices, default=LatePolicy.ACCEPT
    )
    # The readings and glossary exactly as they were when assigned: an admin's later edit of
    # the lesson never changes what a class read. The prompts are copied into AssignmentPrompt.
    content = models.JSONField(default=dict, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_at__gt=models.F("opens_at")),
                name="assignment_due_after_open",
                violation_error_message="The due time must be after the opening time.",
            ),
        ]
        indexes = [
            # Class page and dashboards: Assignment.objects.filter(classroom=...).order_by("due_at").
            models.Index(fields=["classroom", "due_at"], name="assignment_class_due_idx"),
        ]

    def __str__(self):
        return f"{self.title} ({self.classroom})"

    def get_absolute_url(self):
        return reverse("classroom:assignment-detail", args=[self.pk])

    def is_open(self, now=None):
        return self.opens_at <= (now or timezone.now())

    def is_past_due(self, now=None):
        return (now or timezone.now()) > self.due_at

    def accepts_turn_in(self, submission=None, now=None):
        if not self.is_open(now):
            return False
        if self.late_policy == self.LatePolicy.CLOSE and self.is_past_due(now):
            # Work the teacher returned can always be revised and turned in again.
            return submission is not None and submission.returned_at is not None
        return True

    @property
    def content_key(self) -> str:
        """Names this assignment's content in a cache: the content never changes once assigned,
        and the creation time keeps the name unique even where an id is used again."""
        return f"{self.pk}-{self.created_at.timestamp()}"

    @property
    def readings(self):
        return self.content.get("readings", [])

    @property
    def glossary(self):
        return self.content.get("glossary", [])


class AssignmentPrompt(models.Model):
    """A lesson prompt as it was when assigned; students answer these, never the live Prompt."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="prompts")
    source = models.ForeignKey(
        Prompt, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    kind = models.CharField(max_length=10, choices=Prompt.Kind.choices)
    points = models.PositiveSmallIntegerField()
    teacher_notes = models.TextField(blank=True)
    section_anchor = models.CharField(max_length=200, blank=True)

    class Meta:
        # assignment_id, not assignment: "assignment" would order by the Assignment's own
        # ordering, joining its table into every read of an assignment's prompts.
        ordering = ["assignment_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "position"], name="assignment_prompt_position_unique"
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.text[:80]}"


class SubmissionQuerySet(models.QuerySet):
    def turned_in(self):
        return self.filter(state=Submission.State.TURNED_IN)


class Submission(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        TURNED_IN = "turned_in", "Turned in"
        RETURNED = "returned", "Returned"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions")
    student = models.ForeignKey(User, on_delete=models.CASCADE, related_name="submissions")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    turned_in_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False)
    turn_in_count = models.PositiveSmallIntegerField(default=0)
    receipt = models.CharField(
        max_length=16, blank=True, help_text="Short hash of the answers as last turned in."
    )
    # The teacher's working feedback stays private until the work is returned; returning copies
    # it into the returned_* fields, which are all the student ever sees.
    comment = models.TextField(blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_comment = models.TextField(blank=True)
    returned_score = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["assignment", "student__last_name", "student__first_name", "student__username"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "student"], name="submission_unique"),
            models.CheckConstraint(
                condition=~models.Q(state="turned_in") | models.Q(turned_in_at__isnull=False),
                name="submission_turned_in_has_time",
            ),
        ]
        indexes = [
            # The student's dashboard: Submission.objects.filter(student=...).
            models.Index(fields=["student", "state"], name="submission_student_state_idx"),
        ]

    def __str__(self):
        return f"{self.student} — {self.assignment.title}"

    @property
    def is_editable(self):
        return self.state in (self.State.DRAFT, self.State.RETURNED)

    @property
    def has_feedback(self):
        return self.returned_at is not None

    def can_unsubmit(self, now=None):
        return self.state == self.State.TURNED_IN and not self.assignment.is_past_due(now)


class Response(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="responses")
    prompt = models.ForeignKey(AssignmentPrompt, on_delete=models.CASCADE, related_name="responses")
    text = models.TextField(blank=True)
    # Bumped on every save: a save based on an older revision is a conflict, never an overwrite.
    revision = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)
    points = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    returned_comment = models.TextField(blank=True)
    returned_points = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        # submission_id, not submission: "submission" would order by the Submission's ordering,
        # joining the submission, its assignment and its student into every read of answers.
        ordering = ["submission_id", "prompt__position"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "prompt"], name="response_unique"),
            models.CheckConstraint(
                condition=models.Q(points__isnull=True) | models.Q(points__gte=0),
                name="response_points_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.submission.student} — prompt {self.prompt.position}"

    def clean(self):
        if self.points is not None and self.points > self.prompt.points:
            raise ValidationError(
                {"points": f"At most {self.prompt.points} points for this prompt."}
            )
        limit = settings.ANSWER_MAX_CHARS
        if len(self.text) > limit:
            raise ValidationError({"text": f"Answers can be at most {limit:,} characters long."})


class ResponseRevision(models.Model):
    """An earlier version of an answer, kept so a mistaken overwrite can always be undone."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveIntegerField()
    text = models.TextField()
    saved_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["response", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "revision"], name="response_revision_unique"
            ),
        ]

    def __str__(self):
        return f"{self.response} — revision {self.revision}"


class AuditEvent(models.Model):
    """Who viewed or changed a student's work, and when. Never holds the answer text itself."""

    class Action(models.TextChoices):
        VIEW_WORK = "view_work", "Viewed work"
        SAVE_FEEDBACK = "save_feedback", "Saved feedback"
        RETURN_WORK = "return_work", "Returned work"
        EXPORT_SCORES = "export_scores", "Exported scores"
        ADMIN_CHANGE = "admin_change", "Changed in the admin"
        EXPORT_DATA = "export_data", "Exported a student's data"
        DELETE_STUDENT = "delete_student", "Deleted a student"
        UNLOCK_LOGIN = "unlock_login", "Unlocked a login"

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text so the trail still reads after the actor's account is gone.
    actor_name = models.CharField(max_length=150)
    # The student whose work or data this is about; their events go when they are deleted.
    student = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=50, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            # A student's trail in the admin: AuditEvent.objects.filter(student=...).
            models.Index(fields=["student", "-at"], name="audit_student_at_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()}"
