"""Views every visitor can reach: the role-aware home page, the health check and the error
pages."""

import logging
import secrets

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@login_not_required
def home(request):
    """Anyone: sends people to their own dashboard, visitors to the login page."""
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    if user.is_teacher:
        return redirect("classroom:teacher-dashboard")
    if user.is_staff and not user.is_student:
        return redirect("admin:index")
    return redirect("classroom:student-dashboard")


def _database_works() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        # Whatever the driver raised: the operator reads it in the log, the caller sees only
        # which check failed.
        logger.exception("Health check: the database did not answer")
        return False


def _cache_works() -> bool:
    # A key of its own per check, so checks arriving together never read each other's value.
    key, value = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=30)
        works = cache.get(key) == value
        cache.delete(key)
    except Exception:
        logger.exception("Health check: the cache did not answer")
        return False
    if not works:
        logger.error("Health check: the cache did not keep a value")
    return works


@login_not_required
@require_safe
@never_cache
def healthz(request):
    """Anyone (load balancers, monitors): 200 when the database and the shared cache answer,
    503 naming the check that failed. Says nothing else about the server."""
    checks = {"database": _database_works(), "cache": _cache_works()}
    failed = [name for name, works in checks.items() if not works]
    body = {"status": "ok"} if not failed else {"status": "unavailable", "failed": failed}
    return JsonResponse(body, status=503 if failed else 200)


@login_not_required
@requires_csrf_token
def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


@login_not_required
@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


@login_not_required
def server_error(request):
    # Rendered without the request: the 500 page must work even when the database is what failed.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
