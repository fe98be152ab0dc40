"""factory_boy factories: tests build exactly the data they need."""

import datetime

import factory
from django.utils import timezone

from classroom import services
from classroom.models import Classroom, Enrollment, User
from lessons.models import GlossaryTerm, Lesson, LessonStep, Prompt, Reading

PASSWORD = "correct-horse-battery"

READING_BODY = """Intro paragraph about an isolated country and its neighbours.

## Why does it matter?

Sanctions limit trade. Geopolitical reasons explain the alliance.

A second paragraph in the same section.
"""


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = User.Role.STUDENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TeacherFactory(UserFactory):
    username = factory.Sequence(lambda n: f"teacher{n}")
    role = User.Role.TEACHER


class StudentFactory(UserFactory):
    username = factory.Sequence(lambda n: f"student{n}")
    role = User.Role.STUDENT


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    title = factory.Sequence(lambda n: f"Lesson {n}")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    summary = "A lesson for tests."
    subject = "Social studies"
    grade_band = "Grades 9–12"
    objectives = "Explain the alliance\nEvaluate a claim"
    estimated_minutes = 50
    status = Lesson.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class LessonStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonStep

    lesson = factory.SubFactory(LessonFactory)
    order = factory.Sequence(int)
    kind = LessonStep.Kind.READ
    title = "Read the article"
    minutes = 10
    instructions = "Students read silently."


class ReadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reading

    lesson = factory.SubFactory(LessonFactory)
    title = "Who is North Korea’s only ally?"
    source = "Test source"
    published_on = datetime.date(2023, 11, 25)
    body = READING_BODY


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GlossaryTerm

    lesson = factory.SubFactory(LessonFactory)
    term = factory.Sequence(lambda n: f"term{n}")
    definition = "A definition."


class PromptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prompt

    lesson = factory.SubFactory(LessonFactory)
    order = factory.Sequence(int)
    text = factory.Sequence(lambda n: f"Question {n}: why?")
    kind = Prompt.Kind.SHORT
    points = 4
    teacher_notes = "Look for evidence from the text."


def full_lesson(**kwargs) -> Lesson:
    """A published lesson with a plan, one reading, three glossary terms and three prompts."""
    lesson = LessonFactory(**kwargs)
    LessonStepFactory(lesson=lesson, order=1, kind=LessonStep.Kind.WARM_UP, title="Warm-up")
    LessonStepFactory(lesson=lesson, order=2)
    ReadingFactory(lesson=lesson)
    for term, definition in [
        ("Isolated", "Detached or separated from others."),
        ("Geopolitical", "Relating to politics as influenced by geography."),
        ("Sanctions", "Measures that restrict trade with a country."),
    ]:
        GlossaryTermFactory(lesson=lesson, term=term, definition=definition)
    for n in range(1, 4):
        PromptFactory(lesson=lesson, order=n, text=f"Prompt {n}: explain.")
    return lesson


class ClassroomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Classroom

    name = factory.Sequence(lambda n: f"Period {n}")
    teacher = factory.SubFactory(TeacherFactory)


def enroll(classroom: Classroom, *students: User) -> None:
    for student in students:
        Enrollment.objects.get_or_create(classroom=classroom, student=student)


def make_assignment(classroom, lesson=None, *, opens_at=None, due_at=None, **kwargs):
    now = timezone.now()
    return services.assignment_create(
        classroom=classroom,
        lesson=lesson or full_lesson(),
        instructions=kwargs.pop("instructions", "Read, then answer every prompt."),
        opens_at=opens_at or now - datetime.timedelta(days=1),
        due_at=due_at or now + datetime.timedelta(days=7),
        **kwargs,
    )


def submit_work(assignment, student, answers=None, *, state="turned_in", late=False, **fields):
    """A student's submission built directly: ``answers`` maps prompt position to answer text
    (default: an answer to every prompt); turned in now unless ``state`` says otherwise."""
    from classroom.models import Response, Submission

    turned_in = state in (Submission.State.TURNED_IN, Submission.State.RETURNED)
    submission = Submission.objects.create(
        assignment=assignment,
        student=student,
        state=state,
        late=late,
        turned_in_at=fields.pop("turned_in_at", timezone.now() if turned_in else None),
        turn_in_count=1 if turned_in else 0,
        **fields,
    )
    prompts = {p.position: p for p in assignment.prompts.all()}
    if answers is None:
        answers = {position: f"Answer to prompt {position}." for position in prompts}
    Response.objects.bulk_create(
        Response(submission=submission, prompt=prompts[position], text=text, revision=1)
        for position, text in answers.items()
    )
    return submission


def full_student_record(
    assignment,
    student,
    *,
    answer="My answer to prompt 1.",
    earlier="An earlier draft of prompt 1.",
    comment="Working comment, not yet returned.",
    returned_comment="Comment the student was returned.",
):
    """A student's returned work with everything the app keeps about it: two answers, a kept
    earlier version of the first, returned feedback, and newer working feedback on top."""
    from classroom.models import ResponseRevision

    submission = submit_work(
        assignment,
        student,
        {1: answer, 2: "Second answer."},
        state="returned",
        returned_at=timezone.now(),
        returned_comment=returned_comment,
        returned_score="3",
        comment=comment,
        receipt="ABCD-1234",
    )
    first = submission.responses.get(prompt__position=1)
    ResponseRevision.objects.create(
        response=first, revision=1, text=earlier, saved_at=timezone.now()
    )
    first.revision = 2
    first.saved_at = timezone.now()
    first.returned_comment, first.returned_points = returned_comment, "3"
    first.comment, first.points = comment, "4"
    first.save()
    return submission
