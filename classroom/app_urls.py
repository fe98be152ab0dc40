from django.urls import path

from classroom import limits
from classroom.forms import JoinClassForm
from classroom.views import library, reading, review, student, teacher

app_name = "classroom"

# Codes that did not work count per student and per network; past the limit the page answers 429.
class_join = limits.limit_join_code_guesses(
    keys=("user", "ip"), template="classroom/student/class_join.html", form_class=JoinClassForm
)(student.class_join)

urlpatterns = [
    # Teachers
    path("teacher/", teacher.dashboard, name="teacher-dashboard"),
    path("lessons/", library.lesson_list, name="lesson-list"),
    path("lessons/<slug:slug>/", library.lesson_detail, name="lesson-detail"),
    path("lessons/<slug:slug>/plan/", library.lesson_plan, name="lesson-plan"),
    path("lessons/<slug:slug>/handout/", library.lesson_handout, name="lesson-handout"),
    path("classes/new/", teacher.class_create, name="class-create"),
    path("classes/<int:pk>/", teacher.class_detail, name="class-detail"),
    path("classes/<int:pk>/edit/", teacher.class_edit, name="class-edit"),
    path("classes/<int:pk>/archive/", teacher.class_archive, name="class-archive"),
    path("classes/<int:pk>/reset-code/", teacher.class_reset_code, name="class-reset-code"),
    path(
        "classes/<int:pk>/students/<int:student_pk>/remove/",
        teacher.class_remove_student,
        name="class-remove-student",
    ),
    path(
        "classes/<int:pk>/students/<int:student_pk>/unlock/",
        teacher.class_unlock_student,
        name="class-unlock-student",
    ),
    path("classes/<int:pk>/assign/", teacher.assignment_create, name="assignment-create"),
    path("assignments/<int:pk>/", review.assignment_detail, name="assignment-detail"),
    path("assignments/<int:pk>/edit/", teacher.assignment_edit, name="assignment-edit"),
    path("assignments/<int:pk>/export.csv", review.assignment_export, name="assignment-export"),
    path(
        "assignments/<int:pk>/students/<int:student_pk>/",
        review.submission_review,
        name="submission-review",
    ),
    path(
        "assignments/<int:pk>/students/<int:student_pk>/return/",
        review.submission_return,
        name="submission-return",
    ),
    path(
        "assignments/<int:pk>/prompts/<int:prompt_pk>/",
        review.prompt_review,
        name="prompt-review",
    ),
    # Students
    path("student/", student.dashboard, name="student-dashboard"),
    path("join/", class_join, name="class-join"),
    path("work/<int:pk>/", student.workspace, name="workspace"),
    path("work/<int:pk>/autosave/", student.autosave, name="autosave"),
    path("work/<int:pk>/turn-in/", student.turn_in, name="turn-in"),
    path("work/<int:pk>/unsubmit/", student.unsubmit, name="unsubmit"),
    # Anyone signed in
    path("reading-preferences/", reading.reading_preferences, name="reading-preferences"),
]
