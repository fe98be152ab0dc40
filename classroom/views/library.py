"""The lesson library as teachers (and admins previewing content) see it."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from lessons import text
from lessons.models import Lesson, Prompt, Reading


def teacher_or_staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_teacher or request.user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _get_lesson(request, slug, *related):
    """A lesson a teacher may see (published) or any lesson for staff; 404 otherwise."""
    lessons = Lesson.objects.all() if request.user.is_staff else Lesson.objects.published()
    return get_object_or_404(lessons.prefetch_related(*related), slug=slug)


def _per_lesson(queryset, aggregate):
    # A subquery per figure: two joins in one query would multiply the word count by the number
    # of prompts.
    return Coalesce(
        Subquery(
            queryset.filter(lesson=OuterRef("pk"))
            .order_by()
            .values("lesson")
            .annotate(value=aggregate)
            .values("value"),
            output_field=IntegerField(),
        ),
        0,
    )


def _classes_for(user):
    return list(user.classrooms.active()) if user.is_teacher else []


def _with_sections(prompts, readings):
    """Each prompt with the heading of the reading section it points to, if any."""
    headings = {
        section.anchor: section.heading or "Introduction"
        for reading in readings
        for section in reading["sections"]
    }
    return [
        {"prompt": prompt, "section_heading": headings.get(prompt.section_anchor, "")}
        for prompt in prompts
    ]


@teacher_or_staff_required
def lesson_list(request):
    """Teachers and admins: browse published lessons (admins also see drafts)."""
    lessons = Lesson.objects.all() if request.user.is_staff else Lesson.objects.published()
    lessons = lessons.annotate(
        prompt_count=_per_lesson(Prompt.objects, Count("pk")),
        reading_words=_per_lesson(Reading.objects, Sum("word_count")),
    )
    # PostgreSQL refuses NUL in a query: a pasted one would be a server error, not a search.
    query = request.GET.get("q", "").replace("\x00", "").strip()
    if query:
        lessons = lessons.filter(
            Q(title__icontains=query) | Q(summary__icontains=query) | Q(subject__icontains=query)
        )
    return render(
        request,
        "lessons/lesson_list.html",
        {"lessons": lessons, "query": query, "classes": _classes_for(request.user)},
    )


@teacher_or_staff_required
def lesson_detail(request, slug):
    """Teachers and admins: preview a lesson exactly as a student will see it."""
    lesson = _get_lesson(request, slug, "readings", "terms", "prompts")
    readings, glossary = text.display_readings(lesson.snapshot())
    return render(
        request,
        "lessons/lesson_detail.html",
        {
            "lesson": lesson,
            "readings": readings,
            "glossary": glossary,
            "prompts": _with_sections(lesson.prompts.all(), readings),
            "classes": _classes_for(request.user),
        },
    )


@teacher_or_staff_required
def lesson_plan(request, slug):
    """Teachers and admins: the printable lesson plan, with timings and teacher notes."""
    lesson = _get_lesson(request, slug, "steps", "readings", "terms", "prompts")
    timeline, elapsed = [], 0
    for step in lesson.steps.all():
        timeline.append({"step": step, "start": elapsed, "end": elapsed + step.minutes})
        elapsed += step.minutes
    readings, glossary = text.display_readings(lesson.snapshot())
    prompts = list(lesson.prompts.all())
    return render(
        request,
        "lessons/lesson_plan.html",
        {
            "lesson": lesson,
            "timeline": timeline,
            "total_minutes": elapsed,
            "readings": readings,
            "glossary": glossary,
            "prompts": _with_sections(prompts, readings),
            "total_points": sum(prompt.points for prompt in prompts),
            "classes": _classes_for(request.user),
        },
    )


# Lines to write on, on the printed handout: enough for the answer each kind of prompt expects.
ANSWER_LINES = {Prompt.Kind.SHORT: 5, Prompt.Kind.EXTENDED: 12}


@teacher_or_staff_required
@require_safe
def lesson_handout(request, slug):
    """Teachers and admins: the student handout to print — reading, glossary and prompts with
    lines to write on, never the teacher notes."""
    lesson = _get_lesson(request, slug, "readings", "terms", "prompts")
    readings, glossary = text.display_readings(lesson.snapshot())
    prompts = _with_sections(lesson.prompts.all(), readings)
    for item in prompts:
        item["lines"] = range(ANSWER_LINES.get(item["prompt"].kind, ANSWER_LINES["short"]))
    return render(
        request,
        "lessons/lesson_handout.html",
        {"lesson": lesson, "readings": readings, "glossary": glossary, "prompts": prompts},
    )
