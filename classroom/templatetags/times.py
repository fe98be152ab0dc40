"""``{% timestamp %}``: a moment as an HTML ``<time>`` element, in the school's time zone.

Pages write each time twice, for people and in the element's ``datetime`` attribute for
machines. Django's date filter is exact but slow for what it does (about 30 µs a time on the
benchmark machine, docs/performance.md), and a dashboard shows a dozen or more, most of them the
same due times for every student of a class. What a moment looks like in one format, time zone
and language never changes, so each app server keeps the ones it has written (a bounded cache).
"""

from functools import lru_cache

from django import template
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

register = template.Library()

# What the date filter writes for 'Y-m-d\TH:i:sO': 2026-12-07T15:04:00-0500.
MACHINE_FORMAT = "Y-m-d\\TH:i:sO"


@lru_cache(maxsize=8192)
def _element(moment, shown_format, zone, language):
    # The language is part of the key: month and day names are translated.
    local = timezone.localtime(moment, zone)
    return format_html(
        '<time datetime="{}">{}</time>',
        date_format(local, MACHINE_FORMAT),
        date_format(local, shown_format),
    )


@register.simple_tag
def timestamp(moment, shown_format):
    """``<time datetime="2026-12-07T15:04:00-0500">Mon 7 Dec, 3:04 PM</time>``: the aware
    datetime ``moment`` in the current time zone, shown in ``shown_format`` (a format of the
    date filter); nothing for None."""
    if moment is None:
        return ""
    return _element(
        moment, shown_format, timezone.get_current_timezone(), translation.get_language()
    )
