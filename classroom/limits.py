"""Limits on guessing: whose IP address a request comes from, login lockouts after wrong
passwords (django-axes), and how many join codes that did not work one student or one network
may try before waiting (django-ratelimit).

Join-code counting uses django-ratelimit's counters (shared through the cache by every app server). Only
codes that did not work count, so a class signing up together behind one school address never
uses up the limit; a guesser, whose codes almost never work, does.
"""

import datetime
import ipaddress
from functools import wraps

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import time_format
from django_ratelimit.core import get_usage

from classroom import audit

JOIN_CODE_GROUP = "join-code"


def client_ip(request) -> str:
    """The address of the person's device, as the first of our own proxies saw it.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so
    the client is the TRUSTED_PROXY_COUNT-th entry from the right. Anything further left was
    written by the client and can be forged, so it is never used.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        if len(forwarded) >= proxies and _is_ip(forwarded[-proxies]):
            return forwarded[-proxies]
    # An unknown address shares one bucket rather than escaping the limits.
    return remote if _is_ip(remote) else "0.0.0.0"  # noqa: S104


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _rates(key: str) -> list[str]:
    return {
        "ip": settings.JOIN_CODE_LIMITS_PER_IP,
        "user": settings.JOIN_CODE_LIMITS_PER_USER,
    }[key]


def _usages(request, keys, *, increment: bool):
    for key in keys:
        for rate in _rates(key):
            usage = get_usage(
                request,
                group=JOIN_CODE_GROUP,
                key=key,
                rate=rate,
                method="POST",
                increment=increment,
            )
            if usage is not None:
                yield usage


def join_code_wait(request, keys) -> int:
    """Seconds until this request may try another join code; 0 when it may now."""
    # The limit is how many codes may fail in the window: once reached, the next try waits.
    full = [
        u["time_left"] for u in _usages(request, keys, increment=False) if u["count"] >= u["limit"]
    ]
    return max([max(seconds, 1) for seconds in full], default=0)


def record_join_code_miss(request, keys) -> None:
    """Count one join code that did not work against every limit in ``keys``."""
    for _usage in _usages(request, keys, increment=True):
        pass


def join_code_limited(request, *, wait: int, template: str, form, context=None):
    """The 429 page: the form as it was typed (not checked again), and when to try again."""
    retry_at = timezone.localtime() + datetime.timedelta(seconds=wait)
    minutes = max(1, round(wait / 60))
    messages.error(
        request,
        "Too many class codes did not work, so joining a class is paused for a while to keep "
        f"classes private. Try again in about {minutes} minute{'s' * (minutes != 1)} "
        f"(at {time_format(retry_at, 'g:i A')}). Meanwhile, check the code with your teacher: "
        "codes look like ABCD-1234.",
    )
    response = render(request, template, {"form": form, **(context or {})}, status=429)
    response["Retry-After"] = str(wait)
    return response


def limit_join_code_guesses(*, keys, template: str, form_class):
    """For a view whose only way to fail a POST is a code that did not work (it shows the form
    again with status 200): refuse with 429 once the limits in ``keys`` are used up, and count
    each failed POST."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method != "POST":
                return view(request, *args, **kwargs)
            wait = join_code_wait(request, keys)
            if wait:
                # Unbound, so the code is not checked (no hint whether it was right).
                form = form_class(initial={"join_code": request.POST.get("join_code", "")})
                return join_code_limited(request, wait=wait, template=template, form=form)
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                record_join_code_miss(request, keys)
            return response

        return wrapper

    return decorator


# --- Login lockouts (django-axes) ------------------------------------------------------------


def locked_out_usernames(usernames) -> set[str]:
    """Which of these usernames are locked out now from some address, in one query.

    The same sum django-axes makes for one login: failures per username and address within the
    cool-off, against the failure limit."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    locked = (
        AccessAttempt.objects.filter(username__in=list(usernames), attempt_time__gte=since)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .values_list("username", flat=True)
    )
    return set(locked)


def login_retry_at(*, username: str, ip_address: str | None) -> datetime.datetime:
    """When a locked-out username may log in again from this address."""
    last = AccessAttempt.objects.filter(username=username, ip_address=ip_address).aggregate(
        last=Max("attempt_time")
    )["last"]
    return (last or timezone.now()) + settings.AXES_COOLOFF_TIME


def unlock_login(*, student, actor) -> int:
    """Clear every failed login of the student's username, wherever it came from, and record
    who did it. Returns how many records were cleared."""
    with transaction.atomic():
        cleared = axes_reset(username=student.get_username())
        audit.record(
            actor=actor,
            action=audit.Action.UNLOCK_LOGIN,
            student=student,
            obj=student,
            detail=f"cleared {cleared} failed-login record{'s' * (cleared != 1)}",
        )
    return cleared
