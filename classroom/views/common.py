"""Views every visitor can reach: the role-aware home page and the error pages."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


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
