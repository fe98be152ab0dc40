"""Reading comfort: the text size and line spacing each person keeps with their account, so the
setting follows a student from one shared Chromebook to the next."""

from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from classroom.forms import ReadingPreferencesForm


def _safe_next(request):
    """The page the form was on, if it is a path on this site; None otherwise."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _back(request):
    target = _safe_next(request)
    # HttpResponseRedirect, not redirect(): redirect() would try a posted word as a URL name.
    return HttpResponseRedirect(target) if target else redirect("home")


def _describe(user) -> str:
    return (
        f"text size {user.get_text_size_display()}, line spacing {user.get_line_spacing_display()}"
    )


@require_POST
def reading_preferences(request):
    """Anyone signed in: set their own text size and line spacing. The reading-settings script
    asks for JSON (Accept: application/json); the plain form is redirected back with a message."""
    user = request.user
    form = ReadingPreferencesForm(request.POST, instance=user)
    wants_json = "application/json" in request.headers.get("Accept", "")
    if not form.is_valid():
        error = "Reading settings not saved: choose a text size and a line spacing from the lists."
        if wants_json:
            return JsonResponse({"error": error, "errors": form.errors.get_json_data()}, status=400)
        messages.error(request, error)
        return _back(request)
    user = form.save(commit=False)
    # Only these two columns: a whole-row save could undo a change made meanwhile elsewhere.
    user.save(update_fields=["text_size", "line_spacing"])
    message = f"Reading settings saved: {_describe(user)}."
    if wants_json:
        return JsonResponse(
            {"text_size": user.text_size, "line_spacing": user.line_spacing, "message": message}
        )
    messages.success(request, message)
    return _back(request)
