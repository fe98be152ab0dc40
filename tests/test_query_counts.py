"""P1 of the benchmark: every page of both roles needs the same few queries for a class of 10
as for a class of 40 (no query per student, answer or prompt), and never more than 12.

The pages are bench/pages.py's list, the one `make bench` counts on SQLite and PostgreSQL; the
data is bench/seed.py's, the shape of a real term (returned, turned-in and draft work, the
article lesson frozen into six assignments per class). Counts include the session and user
lookups of every request, and BEGIN/COMMIT where the database driver reports them."""

import pytest

import classroom.views.review as review
from bench import pages
from classroom.models import User

SIZES = [10, 40]


@pytest.fixture
def classes(db):
    """A class of 10 and a class of 40, each with its own teacher and six assignments."""
    return pages.seeded_classrooms(SIZES)


def test_the_list_covers_every_page_of_both_roles(classes):
    assert [page.name for page in pages.pages_for(classes[0])] == pages.PAGE_NAMES


def test_every_page_needs_the_same_few_queries_at_10_and_40_students(classes):
    counts = pages.measure(classes)
    assert list(counts) == pages.PAGE_NAMES
    growing = {name: sizes for name, sizes in counts.items() if sizes[10] != sizes[40]}
    too_many = {name: sizes for name, sizes in counts.items() if sizes[40] > pages.MAX_QUERIES}
    assert growing == {}
    assert too_many == {}


def test_a_page_reading_its_roster_one_by_one_is_caught(classes, monkeypatch):
    """The check can fail: a query per student shows up as unequal counts."""
    roster = review._roster

    def one_by_one(classroom_id):
        return [User.objects.get(pk=student.pk) for student in roster(classroom_id)]

    monkeypatch.setattr(review, "_roster", one_by_one)
    counts = pages.measure(classes)
    assert counts["progress"][40] == counts["progress"][10] + 30
    assert counts["progress"][40] > pages.MAX_QUERIES


@pytest.mark.parametrize("size", SIZES)
def test_the_pages_show_the_seeded_class(classes, size):
    """The counted pages are real pages of the class, not error pages or empty states."""
    classroom = next(c for c in classes if c.enrollments.count() == size)
    page = next(p for p in pages.pages_for(classroom) if p.name == "progress")
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(page.user)
    response = client.get(page.path)
    assert response.status_code == 200
    students = [e.student for e in classroom.enrollments.select_related("student")]
    assert all(student.last_name in response.content.decode() for student in students)
