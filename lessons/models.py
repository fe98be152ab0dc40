"""The content library: lessons, their plan steps, readings, glossary and discussion prompts.

This app never imports ``classroom``; classes and students' work build on it, not the reverse.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from lessons import text


class LessonQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Lesson.Status.PUBLISHED)


class Lesson(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(help_text="Two or three sentences a teacher reads in the library.")
    subject = models.CharField(max_length=100, blank=True)
    grade_band = models.CharField(max_length=50, blank=True, help_text="For example “Grades 9–12”.")
    objectives = models.TextField(blank=True, help_text="One learning objective per line.")
    estimated_minutes = models.PositiveSmallIntegerField(default=50)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(estimated_minutes__gt=0), name="lesson_minutes_positive"
            ),
        ]
        indexes = [
            # The teacher's library: Lesson.objects.published().order_by("title").
            models.Index(fields=["status", "title"], name="lesson_status_title_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("classroom:lesson-detail", args=[self.slug])

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def objective_list(self):
        return [line.strip(" -•\t") for line in self.objectives.splitlines() if line.strip(" -•\t")]

    def snapshot(self) -> dict:
        """The readings and glossary as plain data: what an assignment freezes when created."""
        return {
            "lesson_title": self.title,
            "readings": [
                {
                    "title": r.title,
                    "source": r.source,
                    "published_on": r.published_on.isoformat() if r.published_on else "",
                    "body": r.body,
                    "word_count": r.word_count,
                }
                for r in self.readings.all()
            ],
            "glossary": [
                {"term": t.term, "definition": t.definition, "variants": t.variant_list()}
                for t in self.terms.all()
            ],
        }

    def publish(self):
        self.status = self.Status.PUBLISHED
        self.published_at = self.published_at or timezone.now()


class LessonStep(models.Model):
    class Kind(models.TextChoices):
        WARM_UP = "warm_up", "Warm-up"
        READ = "read", "Read"
        VOCABULARY = "vocabulary", "Vocabulary"
        DISCUSS = "discuss", "Discuss"
        WRITE = "write", "Write"
        EXIT_TICKET = "exit_ticket", "Exit ticket"
        OTHER = "other", "Other"

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(max_length=200)
    minutes = models.PositiveSmallIntegerField()
    instructions = models.TextField(help_text="What the teacher does and says in this step.")

    class Meta:
        ordering = ["lesson", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(minutes__gt=0), name="step_minutes_positive"),
        ]

    def __str__(self):
        return f"{self.title} ({self.minutes} min)"


class Reading(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="readings")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=200, blank=True, help_text="Publication or author.")
    published_on = models.DateField(null=True, blank=True)
    body = models.TextField(
        help_text="Plain text. Start a line with “## ” to make a section heading; "
        "leave a blank line between paragraphs."
    )
    word_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["lesson", "order", "pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.word_count = text.word_count(self.body)
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "word_count"}
        super().save(*args, **kwargs)

    def clean(self):
        if not text.parse(self.body):
            raise ValidationError({"body": "The reading needs at least one paragraph of text."})

    @property
    def reading_minutes(self):
        return text.reading_minutes(self.word_count)


class GlossaryTerm(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=100)
    definition = models.TextField()
    variants = models.CharField(
        max_length=300,
        blank=True,
        help_text="Other forms to highlight in the reading, separated by commas "
        "(for example “reunified, reunify”).",
    )

    class Meta:
        ordering = ["lesson", Lower("term")]
        constraints = [
            models.UniqueConstraint(
                "lesson",
                Lower("term"),
                name="glossary_term_unique_per_lesson",
                violation_error_message="This lesson already has that glossary term.",
            ),
        ]

    def __str__(self):
        return self.term

    def variant_list(self):
        return [v.strip() for v in self.variants.split(",") if v.strip()]


class Prompt(models.Model):
    class Kind(models.TextChoices):
        SHORT = "short", "Short answer"
        EXTENDED = "extended", "Extended response"

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="prompts")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SHORT)
    points = models.PositiveSmallIntegerField(default=2)
    teacher_notes = models.TextField(
        blank=True, help_text="What a strong answer includes. Never shown to students."
    )
    section_anchor = models.CharField(
        max_length=200,
        blank=True,
        help_text="Optional: the anchor of the reading section this prompt points to "
        "(for example “why-is-china-north-koreas-only-ally”).",
    )

    class Meta:
        ordering = ["lesson", "order", "pk"]

    def __str__(self):
        return self.text[:80]

    def clean(self):
        if self.section_anchor and self.lesson_id:
            anchors = {
                anchor
                for reading in self.lesson.readings.all()
                for anchor, _ in text.section_choices(reading.body)
            }
            if self.section_anchor not in anchors:
                raise ValidationError(
                    {
                        "section_anchor": "No section of this lesson's readings has that anchor. "
                        "Choose one of: " + ", ".join(sorted(anchors))
                    }
                )
