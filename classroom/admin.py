from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from classroom.models import (
    Assignment,
    AssignmentPrompt,
    Classroom,
    Enrollment,
    Response,
    Submission,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_staff", "is_active"]
    list_filter = ["role", "is_staff", "is_active"]
    fieldsets = [
        (None, {"fields": ["username", "password", "role"]}),
        ("Personal info", {"fields": ["first_name", "last_name", "email"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Important dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "role", "password1", "password2"]}),
    ]


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    raw_id_fields = ["student"]


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "teacher", "join_code", "archived", "created_at"]
    list_filter = ["archived"]
    search_fields = ["name", "teacher__username", "teacher__last_name"]
    list_select_related = ["teacher"]
    raw_id_fields = ["teacher"]
    inlines = [EnrollmentInline]


class AssignmentPromptInline(admin.StackedInline):
    model = AssignmentPrompt
    extra = 0
    fields = ["position", "text", "kind", "points", "teacher_notes"]
    readonly_fields = ["position", "text", "kind", "points", "teacher_notes"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Prompts are frozen when assigned; adding one later would change what a class answers.
        return False


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["title", "classroom", "opens_at", "due_at", "late_policy"]
    list_filter = ["late_policy"]
    search_fields = ["title", "classroom__name"]
    list_select_related = ["classroom"]
    raw_id_fields = ["classroom", "lesson"]
    inlines = [AssignmentPromptInline]


class ResponseInline(admin.StackedInline):
    model = Response
    extra = 0
    fields = ["prompt", "text", "revision", "saved_at", "comment", "points"]
    readonly_fields = ["prompt", "revision", "saved_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["student", "assignment", "state", "turned_in_at", "late", "returned_at"]
    list_filter = ["state", "late"]
    search_fields = ["student__username", "student__last_name", "assignment__title"]
    list_select_related = ["student", "assignment"]
    raw_id_fields = ["student", "assignment"]
    readonly_fields = ["receipt", "turn_in_count", "created_at", "updated_at"]
    inlines = [ResponseInline]
