"""The admin for people and their work.

Students' answers are read-only here: an admin never silently rewrites what a student wrote.
Every admin change to a submission or its feedback is recorded in the audit trail, and a
student's data can be exported, or deleted so that nothing is left behind (classroom.privacy).
"""

import json

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from classroom import audit, privacy
from classroom.models import (
    Assignment,
    AssignmentPrompt,
    AuditEvent,
    Classroom,
    Enrollment,
    Response,
    Submission,
    User,
)
from classroom.sessions import end_user_sessions

# Admins see the school's name for the app, not "Django administration".
admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Lessons, classes and students' work"

# --- People ------------------------------------------------------------------------------------


class StudentEnrollmentInline(admin.TabularInline):
    """A student's classes, on their own page."""

    model = Enrollment
    fk_name = "student"
    extra = 0
    fields = ["classroom", "joined_at"]
    readonly_fields = ["joined_at"]
    raw_id_fields = ["classroom"]
    verbose_name = "class"
    verbose_name_plural = "Classes"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "role",
        "class_count",
        "is_staff",
        "is_active",
        "last_login",
    ]
    list_filter = [
        "role",
        ("enrollments__classroom", admin.RelatedOnlyFieldListFilter),
        "is_staff",
        "is_active",
    ]
    search_fields = ["username", "first_name", "last_name", "email"]
    readonly_fields = ["last_login", "date_joined", "classes_taught", "privacy"]
    fieldsets = [
        (None, {"fields": ["username", "password", "role"]}),
        ("Personal info", {"fields": ["first_name", "last_name", "email"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Important dates", {"fields": ["last_login", "date_joined"]}),
        ("Data and audit trail", {"fields": ["privacy"]}),
    ]
    teacher_fieldsets = [
        *fieldsets[:1],
        ("Classes taught", {"fields": ["classes_taught"]}),
        *fieldsets[1:],
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "role", "password1", "password2"]}),
    ]
    actions = ["export_student_data", "delete_students_and_data"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                enrolled_in=Count("enrollments", distinct=True),
                teaches=Count("classrooms", distinct=True),
            )
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # A deactivated account is logged out on every device at once.
            ended = end_user_sessions(obj)
            if ended:
                self.message_user(request, f"Ended {ended} active session(s) of {obj}.")

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.is_teacher:
            return self.teacher_fieldsets
        return super().get_fieldsets(request, obj)

    def get_inlines(self, request, obj):
        return [StudentEnrollmentInline] if obj is not None and obj.is_student else []

    def get_actions(self, request):
        # Django's "Delete selected users" would leave a student's sessions, sign-in records
        # and admin history behind; students go through "delete_students_and_data".
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_student:
            return False  # only through "Delete student and all their data"
        return super().has_delete_permission(request, obj)

    @admin.display(description="Classes", ordering="enrolled_in")
    def class_count(self, obj):
        if obj.is_teacher:
            return f"teaches {obj.teaches}"
        return obj.enrolled_in if obj.is_student else ""

    @admin.display(description="Classes")
    def classes_taught(self, obj):
        classes = Classroom.objects.filter(teacher=obj)
        if not classes:
            return "None yet."
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:classroom_classroom_change", args=[c.pk]), c.name) for c in classes),
        )

    @admin.display(description="Audit trail and data")
    def privacy(self, obj):
        if obj.pk is None:
            return "—"
        trail = reverse("admin:classroom_auditevent_changelist") + f"?student__id__exact={obj.pk}"
        count = AuditEvent.objects.filter(student=obj).count()
        links = format_html('<a href="{}">Audit trail: {} event(s) about them</a>', trail, count)
        if obj.is_student:
            links = format_html(
                '{} · <a href="{}">Export their data</a> · '
                '<a href="{}">Delete student and all their data</a>',
                links,
                reverse("admin:classroom_user_export", args=[obj.pk]),
                reverse("admin:classroom_user_delete_data", args=[obj.pk]),
            )
        return links

    # --- Export and deletion ---

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/export/",
                wrap(self.export_view),
                name="classroom_user_export",
            ),
            path(
                "<path:object_id>/export.json",
                wrap(self.export_json_view),
                name="classroom_user_export_json",
            ),
            path(
                "<path:object_id>/delete-all-data/",
                wrap(self.delete_data_view),
                name="classroom_user_delete_data",
            ),
            *super().get_urls(),
        ]

    def _get_student(self, request, object_id) -> User:
        user = self.get_object(request, unquote(object_id))
        if user is None:
            raise Http404
        return user

    def _context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "app_label": self.opts.app_label,
            **extra,
        }

    def export_view(self, request, object_id):
        """Staff who may view users: everything stored about one student, as a readable page."""
        student = self._get_student(request, object_id)
        if not self.has_view_permission(request, student):
            raise PermissionDenied
        if not student.is_student:
            messages.error(request, f"{student.username} is not a student account.")
            return redirect("admin:classroom_user_change", student.pk)
        audit.record(
            actor=request.user,
            action=AuditEvent.Action.EXPORT_DATA,
            student=student,
            obj=student,
            detail="readable page",
        )
        return TemplateResponse(
            request,
            "admin/classroom/user/export.html",
            self._context(
                request,
                title=f"Everything stored about {student}",
                original=student,
                data=privacy.export_data(student),
            ),
        )

    def export_json_view(self, request, object_id):
        """Staff who may view users: everything stored about one student, as a JSON file."""
        student = self._get_student(request, object_id)
        if not self.has_view_permission(request, student):
            raise PermissionDenied
        if not student.is_student:
            raise Http404
        audit.record(
            actor=request.user,
            action=AuditEvent.Action.EXPORT_DATA,
            student=student,
            obj=student,
            detail="JSON download",
        )
        return _json_download(privacy.export_json(student), f"student-{student.pk}-data.json")

    def delete_data_view(self, request, object_id):
        """Staff who may delete users: confirm, then delete a student and all their data."""
        student = self._get_student(request, object_id)
        if not request.user.has_perm("classroom.delete_user"):
            raise PermissionDenied
        try:
            privacy.check_deletable(student)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("admin:classroom_user_change", student.pk)
        if request.method == "POST":
            pk = student.pk
            privacy.delete_student(student=student, actor=request.user)
            messages.success(request, f"Deleted user #{pk} and everything stored about them.")
            return redirect("admin:classroom_user_changelist")
        return self._delete_confirmation(request, [student], single=True)

    def _delete_confirmation(self, request, students, *, single=False):
        return TemplateResponse(
            request,
            "admin/classroom/user/delete_data_confirmation.html",
            self._context(
                request,
                title="Delete student and all their data",
                students=[(s, privacy.deletion_counts(s)) for s in students],
                single=single,
                action_checkbox_name=helpers.ACTION_CHECKBOX_NAME,
            ),
        )

    def _refuse_non_students(self, request, queryset) -> bool:
        others = [user.username for user in queryset if not user.is_student]
        if others:
            self.message_user(
                request,
                "Only student accounts can be exported or deleted with all their data. "
                f"Not students: {', '.join(others)}. Nothing was done.",
                messages.ERROR,
            )
        return bool(others)

    @admin.action(description="Export data of the selected students", permissions=["view"])
    def export_student_data(self, request, queryset):
        students = list(queryset)
        if self._refuse_non_students(request, students):
            return None
        if len(students) == 1:
            return redirect("admin:classroom_user_export", students[0].pk)
        audit.record_each(
            actor=request.user,
            action=AuditEvent.Action.EXPORT_DATA,
            targets=[(student, student) for student in students],
            detail="JSON download of several students",
        )
        data = {
            "format": privacy.EXPORT_FORMAT,
            "version": privacy.EXPORT_VERSION,
            "exported_at": timezone.now(),
            "students": [privacy.export_data(student) for student in students],
        }
        content = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        return _json_download(content, f"{len(students)}-students-data.json")

    @admin.action(description="Delete selected students and all their data", permissions=["delete"])
    def delete_students_and_data(self, request, queryset):
        students = list(queryset)
        if self._refuse_non_students(request, students):
            return None
        if request.POST.get("post") != "yes":
            return self._delete_confirmation(request, students)
        for student in students:
            privacy.delete_student(student=student, actor=request.user)
        self.message_user(
            request,
            f"Deleted {len(students)} student(s) and everything stored about them.",
            messages.SUCCESS,
        )
        return None


def _json_download(content: str, filename: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type="application/json; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- Classes -----------------------------------------------------------------------------------


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    raw_id_fields = ["student"]


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "teacher", "join_code", "student_count", "archived", "created_at"]
    list_filter = ["archived"]
    search_fields = ["name", "teacher__username", "teacher__last_name"]
    list_select_related = ["teacher"]
    raw_id_fields = ["teacher"]
    inlines = [EnrollmentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(students=Count("enrollments"))

    @admin.display(description="Students", ordering="students")
    def student_count(self, obj):
        return obj.students

    def construct_change_message(self, request, form, formsets, add=False):
        # An enrolment's name is the student's name; the class's history would keep it after
        # the student is deleted. Name the row by the student's id instead.
        message = super().construct_change_message(request, form, formsets, add)
        names = {
            str(enrollment): f"student #{enrollment.student_id}"
            for formset in formsets or []
            if formset.model is Enrollment
            for enrollment in [
                *formset.new_objects,
                *formset.deleted_objects,
                *(obj for obj, _fields in formset.changed_objects),
            ]
        }
        for item in message:
            for value in item.values():
                if isinstance(value, dict) and value.get("object") in names:
                    value["object"] = names[value["object"]]
        return message


# --- Assignments -------------------------------------------------------------------------------


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


# --- Work --------------------------------------------------------------------------------------


class ResponseInline(admin.StackedInline):
    model = Response
    extra = 0
    fields = [
        "prompt",
        "text",
        ("revision", "saved_at"),
        ("comment", "points"),
        ("returned_comment", "returned_points"),
    ]
    # The answer is the student's own words: shown, never edited here.
    readonly_fields = ["prompt", "text", "revision", "saved_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def _changed(fields) -> str:
    # Field names only: never the values, which are a student's work or a teacher's comments.
    return "changed " + ", ".join(fields)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["student", "assignment", "state", "turned_in_at", "late", "returned_at"]
    list_filter = ["state", "late"]
    search_fields = ["student__username", "student__last_name", "assignment__title"]
    list_select_related = ["student", "assignment"]
    readonly_fields = [
        "student",
        "assignment",
        "receipt",
        "turn_in_count",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["student", "assignment", "state", "late"]}),
        (
            "Times",
            {"fields": ["created_at", "updated_at", "turned_in_at", "turn_in_count", "receipt"]},
        ),
        ("Working feedback (the student sees it only when returned)", {"fields": ["comment"]}),
        (
            "Returned feedback (what the student sees)",
            {"fields": ["returned_at", "returned_comment", "returned_score"]},
        ),
    ]
    inlines = [ResponseInline]

    def has_add_permission(self, request):
        # Submissions start when a student writes; an admin never makes one up.
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            audit.record(
                actor=request.user,
                action=AuditEvent.Action.ADMIN_CHANGE,
                student=obj.student_id,
                obj=obj,
                detail=_changed(form.changed_data),
            )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Response:
            for obj, fields in formset.changed_objects:
                audit.record(
                    actor=request.user,
                    action=AuditEvent.Action.ADMIN_CHANGE,
                    student=form.instance.student_id,
                    obj=obj,
                    detail=_changed(fields),
                )

    def delete_model(self, request, obj):
        audit.record(
            actor=request.user,
            action=AuditEvent.Action.ADMIN_CHANGE,
            student=obj.student_id,
            obj=obj,
            detail=f"deleted submission #{obj.pk}",
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        audit.record_each(
            actor=request.user,
            action=AuditEvent.Action.ADMIN_CHANGE,
            targets=[(obj.student_id, obj) for obj in queryset],
            detail="deleted submission",
        )
        super().delete_queryset(request, queryset)


# --- Audit trail -------------------------------------------------------------------------------


class WhenFilter(admin.DateFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "when"


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is only ever written by the app."""

    list_display = ["when", "actor_name", "action", "student", "object_type", "object_id", "detail"]
    list_filter = ["action", ("at", WhenFilter)]
    date_hierarchy = "at"
    search_fields = ["actor_name", "student__username"]
    list_select_related = ["student"]
    fields = ["at", "actor_name", "action", "student", "object_type", "object_id", "detail"]

    @admin.display(description="When", ordering="at")
    def when(self, obj):
        return obj.at

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
