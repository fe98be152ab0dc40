"""The North Korea lesson fixture: what `loaddata north-korea-lesson` puts in the library."""

import datetime

import pytest
from django.core.management import call_command

from lessons import text
from lessons.models import GlossaryTerm, Lesson, LessonStep, Prompt, Reading

SEED_DEFINITIONS = {
    "Isolated": "Detached or separated from others; alone or lonely.",
    "Geopolitical": "Relating to politics, especially international relations, as influenced "
    "geographical factors.",
    "Sanctions": "Measures taken countries or international organizations to restrict or "
    "prohibit trade and economic relations with a particular country, typically as a "
    "punishment for political reasons.",
}


@pytest.fixture
def lesson(db):
    call_command("loaddata", "north-korea-lesson", verbosity=0)
    return Lesson.objects.get(slug="north-korea-only-ally")


@pytest.fixture
def reading(lesson):
    return lesson.readings.get()


def test_it_loads_a_published_lesson(lesson):
    assert lesson.title == "Who is North Korea’s only ally?"
    assert lesson.is_published
    assert lesson.published_at is not None
    assert lesson.subject == "Social studies / World history"
    assert lesson.grade_band == "Grades 8–12"
    assert lesson.estimated_minutes == 50
    assert 3 <= len(lesson.objective_list()) <= 4


def test_loading_it_twice_updates_instead_of_duplicating(lesson):
    call_command("loaddata", "north-korea-lesson", verbosity=0)
    assert Lesson.objects.count() == 1
    assert Reading.objects.count() == 1
    assert Prompt.objects.count() == lesson.prompts.count()
    assert GlossaryTerm.objects.count() == lesson.terms.count()
    assert LessonStep.objects.count() == 6


def test_the_reading_is_the_dated_article(reading):
    assert reading.title == "Who is North Korea’s only ally?"
    assert reading.published_on == datetime.date(2023, 11, 25)
    assert reading.source  # named honestly, without an invented publisher


def test_the_body_keeps_the_article_wording_verbatim(reading):
    for sentence in [
        "In the complex web of international relations, North Korea stands as one of the most "
        "isolated nations in the world.",
        "The answer is China.",
        "Firstly, China sees North Korea as a strategic buffer zone between itself and South "
        "Korea, which is home to a significant number of U.S. troops.",
        "Despite international sanctions, China remains North Korea’s largest trading partner, "
        "providing vital economic support to the isolated nation.",
        # The article's own slips stay: the class evaluates it as a source.
        "driven strategic, economic, and geopolitical considerations.",
        "the challenges posed North Korea,",
    ]:
        assert sentence in reading.body


def test_the_body_has_the_articles_questions_as_headings_and_no_title_date_or_definitions(
    reading,
):
    assert text.section_choices(reading.body) == [
        ("intro", "Introduction"),
        ("why-is-china-north-koreas-only-ally", "Why is China North Korea’s only ally?"),
        (
            "what-does-china-gain-from-its-alliance-with-north-korea",
            "What does China gain from its alliance with North Korea?",
        ),
        (
            "will-china-continue-to-support-north-korea",
            "Will China continue to support North Korea?",
        ),
    ]
    assert "2023-11-25" not in reading.body
    assert "Definitions:" not in reading.body
    assert "Detached or separated" not in reading.body
    assert not reading.body.startswith("Who is North Korea")


def test_the_stored_word_count_matches_the_body(reading):
    assert reading.word_count == text.word_count(reading.body) > 400


def test_it_has_the_three_seed_definitions_verbatim(lesson):
    terms = {term.term: term.definition for term in lesson.terms.all()}
    for term, definition in SEED_DEFINITIONS.items():
        assert terms[term] == definition


def test_it_has_the_terms_a_teacher_adds(lesson):
    terms = {term.term.lower(): term for term in lesson.terms.all()}
    assert {"buffer zone", "sanctions regime", "reunification"} <= set(terms)
    assert {"reunified", "reunify"} <= set(terms["reunification"].variant_list())
    assert len(terms) >= 8
    for term in terms.values():
        assert term.definition.strip()


def test_every_glossary_term_except_the_unused_phrase_is_highlighted_in_the_reading(
    lesson, reading
):
    readings, glossary = text.display_readings(lesson.snapshot())
    linked = {
        token.term
        for section in readings[0]["sections"]
        for paragraph in section.paragraphs
        for token in paragraph.tokens
        if token.term
    }
    # "sanctions regime" explains a phrase used in class, not one in the article.
    expected = {entry["anchor"] for entry in glossary} - {"term-sanctions-regime"}
    assert linked == expected


def test_the_steps_fill_exactly_fifty_minutes_in_the_planned_order(lesson):
    steps = list(lesson.steps.all())
    assert sum(step.minutes for step in steps) == 50 == lesson.estimated_minutes
    assert [step.kind for step in steps] == [
        "warm_up",
        "read",
        "vocabulary",
        "discuss",
        "write",
        "exit_ticket",
    ]
    for step in steps:
        assert len(step.instructions) > 80


def test_it_has_at_least_six_prompts_each_with_teacher_notes(lesson):
    prompts = list(lesson.prompts.all())
    assert len(prompts) >= 6
    for prompt in prompts:
        assert len(prompt.teacher_notes) > 100, prompt.text
        assert prompt.points > 0
    assert {prompt.kind for prompt in prompts} == {"short", "extended"}


def test_it_asks_the_articles_three_questions_and_the_required_prompts(lesson):
    prompt_texts = [prompt.text for prompt in lesson.prompts.all()]
    joined = "\n".join(prompt_texts)
    assert "Why is China North Korea’s only ally?" in joined
    assert "What does China gain from its alliance with North Korea?" in joined
    assert "Will China continue to support North Korea?" in joined
    assert "isolated" in joined and "buffer zone" in joined
    assert "South Korea, Japan or the United States" in joined
    assert "19 June 2024" in joined and "only" in joined


def test_the_source_evaluation_notes_give_the_treaty_facts(lesson):
    notes = lesson.prompts.get(text__contains="19 June 2024").teacher_notes
    for fact in ["19 June 2024", "Pyongyang", "Putin", "Kim Jong Un", "mutual-defence", "1961"]:
        assert fact in notes


def test_every_prompt_anchor_is_a_section_of_the_reading(lesson, reading):
    anchors = {anchor for anchor, _ in text.section_choices(reading.body)}
    for prompt in lesson.prompts.all():
        assert prompt.section_anchor in anchors
        prompt.full_clean()  # the model's own check agrees


def test_the_fixture_rows_pass_model_validation(lesson):
    lesson.full_clean()
    for row in [*lesson.steps.all(), *lesson.readings.all(), *lesson.terms.all()]:
        row.full_clean()
