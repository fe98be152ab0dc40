"""The lesson library as teachers (and admins previewing content) see it."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, render

from lessons import text
from lessons.models import Lesson


def teacher_or_staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_teacher or request.user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _get_lesson(request, slug):
    lessons = Lesson.objects.all() if request.user.is_staff else Lesson.objects.published()
    return get_object_or_404(lessons, slug=slug)


@teacher_or_staff_required
def lesson_list(request):
    """Teachers and admins: browse published lessons (admins also see drafts)."""
    lessons = Lesson.objects.all() if request.user.is_staff else Lesson.objects.published()
    lessons = lessons.annotate(
        prompt_count=Count("prompts", distinct=True), reading_words=Sum("readings__word_count")
    )
    query = request.GET.get("q", "").strip()
    if query:
        lessons = lessons.filter(title__icontains=query) | lessons.filter(summary__icontains=query)
    classes = []
    if request.user.is_teacher:
        classes = list(request.user.classrooms.active())
    return render(
        request,
        "lessons/lesson_list.html",
        {"lessons": lessons, "query": query, "classes": classes},
    )


@teacher_or_staff_required
def lesson_detail(request, slug):
    """Teachers and admins: preview a lesson exactly as a student will see it."""
    lesson = _get_lesson(request, slug)
    lesson = Lesson.objects.prefetch_related("readings", "terms", "prompts").get(pk=lesson.pk)
    readings, glossary = text.display_readings(lesson.snapshot())
    classes = list(request.user.classrooms.active()) if request.user.is_teacher else []
    return render(
        request,
        "lessons/lesson_detail.html",
        {
            "lesson": lesson,
            "readings": readings,
            "glossary": glossary,
            "prompts": lesson.prompts.all(),
            "classes": classes,
        },
    )


@teacher_or_staff_required
def lesson_plan(request, slug):
    """Teachers and admins: the printable lesson plan, with timings and teacher notes."""
    lesson = _get_lesson(request, slug)
    lesson = Lesson.objects.prefetch_related("steps", "readings", "terms", "prompts").get(
        pk=lesson.pk
    )
    steps = list(lesson.steps.all())
    readings, glossary = text.display_readings(lesson.snapshot())
    return render(
        request,
        "lessons/lesson_plan.html",
        {
            "lesson": lesson,
            "steps": steps,
            "total_minutes": sum(step.minutes for step in steps),
            "readings": readings,
            "glossary": glossary,
            "prompts": lesson.prompts.all(),
        },
    )
