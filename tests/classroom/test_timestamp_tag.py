"""{% timestamp %}: the <time> element pages write, the same as the date filter wrote it, in
every time zone and language, though each app server keeps what it has written."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

FORMATS = ["D j M, g:i A", "l j F, g:i A", "l j F Y, g:i A", "D j M Y, g:i A", "j M Y", "g:i A"]
UTC = datetime.UTC
MOMENTS = [
    datetime.datetime(2026, 12, 7, 15, 4, 0, tzinfo=UTC),
    datetime.datetime(2026, 3, 8, 6, 59, 59, tzinfo=UTC),  # New York: just before DST starts
    datetime.datetime(2026, 3, 8, 7, 0, 0, tzinfo=UTC),  # … and just after
    datetime.datetime(2026, 11, 1, 5, 30, 0, tzinfo=UTC),  # the hour New York lives twice
    datetime.datetime(2027, 1, 1, 0, 0, 0, 123456, tzinfo=UTC),  # midnight, with microseconds
    datetime.datetime(2026, 6, 30, 12, 0, 0, tzinfo=ZoneInfo("Asia/Kolkata")),  # not in UTC
]


def with_filter(moment, shown_format):
    return Template(
        """<time datetime="{{ m|date:'Y-m-d\\TH:i:sO' }}">{{ m|date:f }}</time>"""
    ).render(Context({"m": moment, "f": shown_format}))


def with_tag(moment, shown_format):
    return Template("{% load times %}{% timestamp m f %}").render(
        Context({"m": moment, "f": shown_format})
    )


@pytest.mark.parametrize("shown_format", FORMATS)
@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_it_writes_what_the_date_filter_wrote(moment, shown_format):
    expected = with_filter(moment, shown_format)

    assert with_tag(moment, shown_format) == expected
    assert with_tag(moment, shown_format) == expected  # and again, from what it kept


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo", "Pacific/Chatham", "UTC"])
def test_each_time_zone_gets_its_own(zone):
    moment = MOMENTS[0]
    with_tag(moment, FORMATS[0])  # kept for the default zone first

    with timezone.override(ZoneInfo(zone)):
        assert with_tag(moment, FORMATS[0]) == with_filter(moment, FORMATS[0])


def test_each_language_gets_its_own():
    moment = MOMENTS[0]
    english = with_tag(moment, "l j F")

    with translation.override("fr"):
        french = with_tag(moment, "l j F")
        assert french == with_filter(moment, "l j F")
    assert "lundi" in french
    assert "Monday" in english
    assert with_tag(moment, "l j F") == english


def test_no_moment_writes_nothing():
    assert with_tag(None, FORMATS[0]) == ""
