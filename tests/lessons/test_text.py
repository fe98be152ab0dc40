"""lessons.text: structured reading text, stable anchors and glossary highlighting."""

from lessons import text

BODY = """Opening paragraph
that spans two lines.

Second opening paragraph.

## Why is China North Korea’s only ally?

First reason.

Second reason.

## Why is China North Korea’s only ally?

A repeated heading.
"""


def linked(body, terms):
    """(text, anchor) for every highlighted token in ``body``."""
    return [
        (token.text, token.term)
        for section in text.render_structure(body, terms)
        for paragraph in section.paragraphs
        for token in paragraph.tokens
        if token.term
    ]


def test_it_splits_sections_at_headings_and_paragraphs_at_blank_lines():
    sections = text.parse(BODY)
    assert [s.heading for s in sections] == [
        "",
        "Why is China North Korea’s only ally?",
        "Why is China North Korea’s only ally?",
    ]
    assert [p.text for p in sections[0].paragraphs] == [
        "Opening paragraph that spans two lines.",
        "Second opening paragraph.",
    ]
    assert len(sections[1].paragraphs) == 2


def test_anchors_come_from_headings_and_positions():
    sections = text.parse(BODY)
    assert sections[0].anchor == "intro"
    assert sections[1].anchor == "why-is-china-north-koreas-only-ally"
    assert [p.anchor for p in sections[1].paragraphs] == [
        "why-is-china-north-koreas-only-ally-p1",
        "why-is-china-north-koreas-only-ally-p2",
    ]


def test_a_duplicate_heading_gets_a_numbered_anchor():
    assert text.parse(BODY)[2].anchor == "why-is-china-north-koreas-only-ally-2"


def test_anchors_stay_put_when_text_above_a_section_changes():
    edited = BODY.replace("Second opening paragraph.", "A rewritten, much longer paragraph.")
    edited = "A new first paragraph.\n\n" + edited
    before = [(s.anchor, [p.anchor for p in s.paragraphs]) for s in text.parse(BODY)[1:]]
    after = [(s.anchor, [p.anchor for p in s.paragraphs]) for s in text.parse(edited)[1:]]
    assert after == before


def test_a_body_without_headings_is_one_introduction():
    assert text.section_choices("Just one paragraph.") == [("intro", "Introduction")]


def test_section_choices_name_each_section():
    assert text.section_choices(BODY)[1] == (
        "why-is-china-north-koreas-only-ally",
        "Why is China North Korea’s only ally?",
    )


def test_windows_line_endings_parse_like_unix_ones():
    assert [s.anchor for s in text.parse(BODY.replace("\n", "\r\n"))] == [
        s.anchor for s in text.parse(BODY)
    ]


def test_an_empty_body_has_no_sections():
    assert text.parse("") == []
    assert text.parse("\n\n   \n") == []


def test_word_count_counts_paragraph_words_but_not_headings():
    assert text.word_count("## A heading here\n\nOne two three.\n\nFour five.") == 5


def test_reading_minutes_rounds_up_and_is_at_least_one():
    assert text.reading_minutes(0) == 1
    assert text.reading_minutes(200) == 1
    assert text.reading_minutes(201) == 2
    assert text.reading_minutes(441) == 3


def test_it_highlights_a_term_case_insensitively_and_keeps_the_original_case():
    assert linked("SANCTIONS bite. Sanctions hurt.", [("sanctions", [])]) == [
        ("SANCTIONS", "term-sanctions"),
        ("Sanctions", "term-sanctions"),
    ]


def test_it_highlights_variants_under_the_main_terms_anchor():
    terms = [("Reunification", ["reunified", "reunify"])]
    assert linked("A reunified Korea; to reunify it; reunification.", terms) == [
        ("reunified", "term-reunification"),
        ("reunify", "term-reunification"),
        ("reunification", "term-reunification"),
    ]


def test_it_matches_whole_words_only():
    assert linked("Isolationist isolatedness; isolated.", [("Isolated", [])]) == [
        ("isolated", "term-isolated")
    ]


def test_the_longest_form_wins_where_terms_overlap():
    terms = [("Sanctions", []), ("Sanctions regime", []), ("Regime", [])]
    assert linked("The sanctions regime and the regime and sanctions.", terms) == [
        ("sanctions regime", "term-sanctions-regime"),
        ("regime", "term-regime"),
        ("sanctions", "term-sanctions"),
    ]


def test_a_multi_word_term_matches_across_its_words():
    assert linked("the dynamics of the Korean Peninsula.", [("Korean Peninsula", [])]) == [
        ("Korean Peninsula", "term-korean-peninsula")
    ]


def test_tokens_rebuild_the_paragraph_exactly():
    paragraph = text.render_structure(
        "Despite international sanctions, China trades.", [("Sanctions", [])]
    )[0].paragraphs[0]
    assert "".join(token.text for token in paragraph.tokens) == paragraph.text


def test_regex_characters_in_a_term_are_treated_literally():
    assert linked("U.S. troops and USAS.", [("U.S.", [])]) == [("U.S.", "term-us")]


def test_without_terms_a_paragraph_is_one_plain_token():
    paragraph = text.render_structure("Plain text.", [])[0].paragraphs[0]
    assert [(t.text, t.term) for t in paragraph.tokens] == [("Plain text.", "")]


def test_display_readings_adds_anchors_dates_and_minutes():
    snapshot = {
        "readings": [{"title": "T", "source": "S", "published_on": "2023-11-25", "body": BODY}],
        "glossary": [{"term": "Second", "definition": "D", "variants": []}],
    }
    readings, glossary = text.display_readings(snapshot)
    assert glossary[0]["anchor"] == "term-second"
    assert readings[0]["published_on"].isoformat() == "2023-11-25"
    assert readings[0]["word_count"] == text.word_count(BODY)
    assert readings[0]["minutes"] == 1
    assert readings[0]["position"] == 1
