from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminTextareaWidget
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from lessons.models import GlossaryTerm, Lesson, LessonStep, Prompt, Reading


class LessonStepInline(admin.StackedInline):
    model = LessonStep
    extra = 0
    fields = [("order", "kind", "minutes"), "title", "instructions"]


class ReadingInline(admin.StackedInline):
    model = Reading
    extra = 0
    fields = [("order", "title"), ("source", "published_on"), "body", "word_count"]
    readonly_fields = ["word_count"]


class GlossaryTermInline(admin.TabularInline):
    model = GlossaryTerm
    extra = 0
    fields = ["term", "definition", "variants"]
    # The admin's usual textarea is 48em wide, which pushed this table past a laptop's screen
    # (the lesson page scrolled sideways at 1280 px); 20em fits beside the other two columns.
    formfield_overrides = {
        models.TextField: {"widget": AdminTextareaWidget(attrs={"class": "vTextField", "rows": 3})}
    }


class PromptInline(admin.StackedInline):
    model = Prompt
    extra = 0
    fields = [("order", "kind", "points"), "text", "teacher_notes", "section_anchor"]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title", "subject", "grade_band", "status", "updated_at", "preview_link"]
    list_filter = ["status", "subject", "grade_band"]
    search_fields = ["title", "summary", "readings__title", "readings__body", "terms__term"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["published_at", "created_at", "updated_at", "preview_link"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "status", "preview_link"]}),
        (
            "For the library",
            {"fields": ["subject", "grade_band", "estimated_minutes", "objectives"]},
        ),
        ("Record", {"fields": ["author", "published_at", "created_at", "updated_at"]}),
    ]
    inlines = [LessonStepInline, ReadingInline, GlossaryTermInline, PromptInline]
    actions = ["publish", "unpublish"]
    save_on_top = True

    def get_queryset(self, request):
        # search_fields span related rows; distinct keeps one row per lesson.
        return super().get_queryset(request).distinct()

    @admin.display(description="Preview")
    def preview_link(self, obj):
        if not obj.pk:
            return "Save the lesson to preview it."
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Preview as a student sees it</a>',
            reverse("classroom:lesson-detail", args=[obj.slug]),
        )

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        if obj.is_published and obj.published_at is None:
            obj.published_at = timezone.now()
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish the selected lessons")
    def publish(self, request, queryset):
        count = 0
        for lesson in queryset.exclude(status=Lesson.Status.PUBLISHED):
            lesson.publish()
            lesson.save(update_fields=["status", "published_at", "updated_at"])
            count += 1
        self.message_user(request, f"Published {count} lesson(s).", messages.SUCCESS)

    @admin.action(description="Unpublish the selected lessons (classes keep what was assigned)")
    def unpublish(self, request, queryset):
        count = queryset.filter(status=Lesson.Status.PUBLISHED).update(
            status=Lesson.Status.DRAFT, updated_at=timezone.now()
        )
        self.message_user(request, f"Unpublished {count} lesson(s).", messages.SUCCESS)


@admin.register(Prompt)
class PromptAdmin(admin.ModelAdmin):
    list_display = ["__str__", "lesson", "order", "kind", "points"]
    list_filter = ["kind", "lesson"]
    search_fields = ["text", "teacher_notes"]
    list_select_related = ["lesson"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["term", "lesson"]
    list_filter = ["lesson"]
    search_fields = ["term", "definition"]
    list_select_related = ["lesson"]
