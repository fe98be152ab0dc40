"""Structured reading text: headings become sections, blank lines separate paragraphs.

Admins type plain text in the admin; nothing in it is ever treated as HTML. A line starting with
``## `` (or ``# ``) is a section heading. Every section and paragraph gets an anchor derived from
its heading and position, so links like ``#why-is-china-north-koreas-only-ally-p2`` stay stable
while the text above them changes.
"""

import datetime
import math
import re
from dataclasses import dataclass, field

from django.utils.text import slugify

HEADING = re.compile(r"^#{1,3}\s+(?P<title>.+?)\s*#*\s*$")
WORDS_PER_MINUTE = 200  # a typical silent-reading pace for secondary students


@dataclass
class Token:
    text: str
    term: str = ""  # the glossary term's anchor when this token is a glossary word


@dataclass
class Paragraph:
    anchor: str
    text: str
    tokens: list[Token] = field(default_factory=list)


@dataclass
class Section:
    anchor: str
    heading: str
    paragraphs: list[Paragraph] = field(default_factory=list)


def parse(body: str) -> list[Section]:
    sections: list[Section] = []
    used: set[str] = set()

    def unique(anchor: str) -> str:
        candidate, n = anchor or "section", 2
        while candidate in used:
            candidate = f"{anchor}-{n}"
            n += 1
        used.add(candidate)
        return candidate

    current = Section(anchor=unique("intro"), heading="")
    lines: list[str] = []

    def flush_paragraph() -> None:
        text = " ".join(line.strip() for line in lines).strip()
        lines.clear()
        if text:
            n = len(current.paragraphs) + 1
            current.paragraphs.append(Paragraph(anchor=f"{current.anchor}-p{n}", text=text))

    for line in body.replace("\r\n", "\n").split("\n"):
        match = HEADING.match(line.strip())
        if match:
            flush_paragraph()
            if current.heading or current.paragraphs:
                sections.append(current)
            title = match["title"]
            current = Section(anchor=unique(slugify(title)), heading=title)
        elif line.strip():
            lines.append(line)
        else:
            flush_paragraph()
    flush_paragraph()
    if current.heading or current.paragraphs:
        sections.append(current)
    return sections


def section_choices(body: str) -> list[tuple[str, str]]:
    return [(s.anchor, s.heading or "Introduction") for s in parse(body)]


def word_count(body: str) -> int:
    return sum(len(p.text.split()) for s in parse(body) for p in s.paragraphs)


def reading_minutes(words: int) -> int:
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def term_anchor(term: str) -> str:
    return "term-" + (slugify(term) or "x")


def term_pattern(terms: list[tuple[str, list[str]]]) -> tuple[re.Pattern | None, dict[str, str]]:
    """One case-insensitive regex for every term and its variants, longest first.

    ``terms`` is ``[(term, [variant, ...]), ...]``; the returned dict maps each lower-cased form
    back to its term's anchor.
    """
    forms: dict[str, str] = {}
    for term, variants in terms:
        for form in [term, *variants]:
            form = form.strip()
            if form:
                forms.setdefault(form.lower(), term_anchor(term))
    if not forms:
        return None, forms
    alternatives = sorted(forms, key=len, reverse=True)
    regex = r"(?<!\w)(" + "|".join(re.escape(f) for f in alternatives) + r")(?!\w)"
    return re.compile(regex, re.IGNORECASE), forms


def tokenize(text: str, pattern: re.Pattern | None, forms: dict[str, str]) -> list[Token]:
    if pattern is None:
        return [Token(text)]
    tokens: list[Token] = []
    position = 0
    for match in pattern.finditer(text):
        if match.start() > position:
            tokens.append(Token(text[position : match.start()]))
        tokens.append(Token(match.group(0), term=forms[match.group(0).lower()]))
        position = match.end()
    if position < len(text):
        tokens.append(Token(text[position:]))
    return tokens


def render_structure(body: str, terms: list[tuple[str, list[str]]]) -> list[Section]:
    """Sections with each paragraph split into plain and glossary tokens, for the templates."""
    pattern, forms = term_pattern(terms)
    sections = parse(body)
    for section in sections:
        for paragraph in section.paragraphs:
            paragraph.tokens = tokenize(paragraph.text, pattern, forms)
    return sections


def display_readings(snapshot: dict) -> tuple[list[dict], list[dict]]:
    """Readings ready for the templates, and the glossary with each term's anchor.

    ``snapshot`` is ``Lesson.snapshot()`` or an assignment's frozen copy of it, so a lesson
    preview and a student's workspace render the same way.
    """
    glossary = [
        {**entry, "anchor": term_anchor(entry["term"])} for entry in snapshot.get("glossary", [])
    ]
    terms = [(entry["term"], entry.get("variants", [])) for entry in glossary]
    readings = []
    for position, reading in enumerate(snapshot.get("readings", []), start=1):
        words = reading.get("word_count") or word_count(reading["body"])
        readings.append(
            {
                **reading,
                "published_on": (
                    datetime.date.fromisoformat(reading["published_on"])
                    if reading.get("published_on")
                    else None
                ),
                "position": position,
                "word_count": words,
                "minutes": reading_minutes(words),
                "sections": render_structure(reading["body"], terms),
            }
        )
    return readings, glossary
