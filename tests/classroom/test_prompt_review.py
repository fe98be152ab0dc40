from decimal import Decimal

import pytest
from django.urls import reverse

from classroom.models import Response
from tests import factories


def url(assignment, prompt):
    return reverse("classroom:prompt-review", args=[assignment.pk, prompt.pk])


@pytest.fixture
def prompts(assignment):
    return list(assignment.prompts.all())


@pytest.fixture
def second_student(classroom):
    student = factories.StudentFactory(first_name="Zoe", last_name="Zed", username="zoe")
    factories.enroll(classroom, student)
    return student


@pytest.fixture
def answers(assignment, student, second_student):
    first = factories.submit_work(assignment, student, {1: "Sam's <b>answer</b>", 2: "Sam two"})
    first.comment = "Overall note"
    first.save()
    second = factories.submit_work(assignment, second_student, {1: "Zoe's answer"}, state="draft")
    return {
        "sam": first.responses.get(prompt__position=1),
        "zoe": second.responses.get(prompt__position=1),
    }


def test_it_sends_visitors_to_log_in(client, assignment, prompts):
    response = client.get(url(assignment, prompts[0]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_refuses_students(client, assignment, prompts, student):
    client.force_login(student)

    assert client.get(url(assignment, prompts[0])).status_code == 403


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_hides_other_teachers_assignments(
    client, assignment, prompts, answers, other_teacher, method
):
    client.force_login(other_teacher)

    response = getattr(client, method)(
        url(assignment, prompts[0]), {f"comment_{answers['sam'].pk}": "Sneaky"}
    )

    assert response.status_code == 404
    answers["sam"].refresh_from_db()
    assert answers["sam"].comment == ""


def test_it_404s_for_a_prompt_of_another_assignment(client, teacher, assignment, other_assignment):
    client.force_login(teacher)

    response = client.get(url(assignment, other_assignment.prompts.first()))

    assert response.status_code == 404


def test_it_shows_every_students_answer_to_the_prompt(
    client, teacher, assignment, prompts, answers
):
    idle = factories.StudentFactory(first_name="Ivy", last_name="Idle")
    factories.enroll(assignment.classroom, idle)
    client.force_login(teacher)

    response = client.get(url(assignment, prompts[0]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Prompt 1: every answer" in content
    assert "Look for evidence from the text." in content
    assert "Sam&#x27;s &lt;b&gt;answer&lt;/b&gt;" in content
    assert "Zoe&#x27;s answer" in content
    assert "Sam two" not in content
    assert "Idle, Ivy" in content
    assert "No answer yet." in content
    assert "2 of 3 students answered" in content
    assert "Comment on Sam Student’s answer" in content
    assert "Points for Zoe Zed’s answer (out of 4)" in content
    assert f'rel="next" href="{url(assignment, prompts[1])}"' in content
    assert 'rel="prev"' not in content


def test_it_saves_everyones_feedback_at_once(client, teacher, assignment, prompts, answers):
    sam, zoe = answers["sam"], answers["zoe"]
    client.force_login(teacher)

    response = client.post(
        url(assignment, prompts[0]),
        {
            f"comment_{sam.pk}": "Cite the text.",
            f"points_{sam.pk}": "2.5",
            f"comment_{zoe.pk}": "Clear.",
            f"points_{zoe.pk}": "4",
            "action": "save",
        },
        follow=True,
    )

    assert response.redirect_chain == [(url(assignment, prompts[0]), 302)]
    sam.refresh_from_db()
    zoe.refresh_from_db()
    assert (sam.comment, sam.points) == ("Cite the text.", Decimal("2.5"))
    assert (zoe.comment, zoe.points) == ("Clear.", Decimal("4"))
    assert sam.returned_comment == ""
    sam.submission.refresh_from_db()
    assert sam.submission.comment == "Overall note"
    assert sam.submission.returned_at is None
    assert b"Saved feedback on 2 answers to prompt 1." in response.content


def test_bad_points_save_nothing_and_keep_what_was_typed(
    client, teacher, assignment, prompts, answers
):
    sam, zoe = answers["sam"], answers["zoe"]
    client.force_login(teacher)

    response = client.post(
        url(assignment, prompts[0]),
        {
            f"comment_{sam.pk}": "Typed for Sam",
            f"points_{sam.pk}": "3",
            f"comment_{zoe.pk}": "Typed for Zoe",
            f"points_{zoe.pk}": "5",
        },
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "Nothing was saved." in content
    assert "Ensure this value is less than or equal to 4." in content
    assert "Typed for Sam" in content
    assert "Typed for Zoe" in content
    sam.refresh_from_db()
    assert sam.comment == ""
    assert sam.points is None


def test_saving_unchanged_feedback_says_so(client, teacher, assignment, prompts, answers):
    sam, zoe = answers["sam"], answers["zoe"]
    client.force_login(teacher)

    response = client.post(
        url(assignment, prompts[0]),
        {
            f"comment_{sam.pk}": "",
            f"points_{sam.pk}": "",
            f"comment_{zoe.pk}": "",
            f"points_{zoe.pk}": "",
        },
        follow=True,
    )

    assert b"Nothing had changed" in response.content


def test_save_and_next_goes_to_the_next_prompt(client, teacher, assignment, prompts, answers):
    sam = answers["sam"]
    client.force_login(teacher)

    response = client.post(
        url(assignment, prompts[0]),
        {f"comment_{sam.pk}": "Good", f"points_{sam.pk}": "4", "action": "next"},
    )

    assert response.status_code == 302
    assert response.url == url(assignment, prompts[1])
    sam.refresh_from_db()
    assert sam.points == Decimal("4")
    page = client.get(response.url).content.decode()
    assert f'rel="prev" href="{url(assignment, prompts[0])}"' in page


@pytest.mark.parametrize("size", [5, 30])
def test_its_query_count_does_not_grow_with_the_class(
    client, teacher, lesson, django_assert_max_num_queries, size
):
    classroom = factories.ClassroomFactory(teacher=teacher)
    students = factories.StudentFactory.create_batch(size)
    factories.enroll(classroom, *students)
    assignment = factories.make_assignment(classroom, lesson)
    for student in students[::2]:
        factories.submit_work(assignment, student)
    page = url(assignment, assignment.prompts.first())
    client.force_login(teacher)

    with django_assert_max_num_queries(7):
        response = client.get(page)

    assert response.content.decode().count('class="answer-text') == len(students[::2])
    assert Response.objects.filter(prompt__assignment=assignment).exists()


def test_its_page_is_clean_markup(client, teacher, assignment, prompts, answers):
    client.force_login(teacher)

    content = client.get(url(assignment, prompts[0])).content.decode()

    assert content.count("<h1") == 1
    assert "<script>" not in content
    assert " style=" not in content
    assert "Expects:" not in content
