"""Sign-up, log in and out, password change, and the page shown after too many wrong passwords."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator

from classroom import backends, limits, services
from classroom.forms import LoginForm, StudentSignupForm, TeacherSignupForm

# Anyone may sign up, so wrong codes count per network address.
SIGNUP_LIMIT_KEYS = ("ip",)
# What a 429 page shows again of what was typed (never the passwords).
SIGNUP_KEPT_FIELDS = ("join_code", "first_name", "last_name", "username")


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # Django's login view sets site_name to the request's host ("127.0.0.1:8000") when
        # django.contrib.sites is off, which hid the app's name in the page's title and chrome.
        return super().get_context_data(**kwargs) | {"site_name": settings.SITE_NAME}


@method_decorator(login_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You are logged out.")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed.")
        return response


@login_not_required
def signup_choice(request):
    """Anyone: choose between a teacher and a student account."""
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "registration/signup_choice.html")


@login_not_required
def signup_teacher(request):
    """Anyone: create a teacher account and start using it."""
    if request.user.is_authenticated:
        return redirect("home")
    form = TeacherSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend=backends.PATH)
        messages.success(
            request, "Welcome! Your teacher account is ready. Start by creating a class."
        )
        return redirect("classroom:teacher-dashboard")
    return render(request, "registration/signup_teacher.html", {"form": form})


@login_not_required
def signup_student(request):
    """Anyone with a class join code: create a student account in that class."""
    if request.user.is_authenticated:
        return redirect("home")
    if request.method == "POST":
        wait = limits.join_code_wait(request, SIGNUP_LIMIT_KEYS)
        if wait:
            # Unbound, so the code is not checked; passwords are never sent back.
            typed = {name: request.POST.get(name, "") for name in SIGNUP_KEPT_FIELDS}
            return limits.join_code_limited(
                request,
                wait=wait,
                template="registration/signup_student.html",
                form=StudentSignupForm(initial=typed),
            )
    form = StudentSignupForm(
        request.POST or None, initial={"join_code": request.GET.get("code", "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
                enrollment = services.enrollment_join(
                    student=user, code=form.cleaned_data["join_code"]
                )
        except ValidationError as error:
            form.add_error("join_code", error)
        else:
            login(request, user, backend=backends.PATH)
            messages.success(request, f"Welcome! You have joined {enrollment.classroom.name}.")
            return redirect("classroom:student-dashboard")
    if request.method == "POST" and form.has_error("join_code"):
        limits.record_join_code_miss(request, SIGNUP_LIMIT_KEYS)
    return render(request, "registration/signup_student.html", {"form": form})


def locked_out(request, original_response=None, credentials=None):
    """Anyone: the page django-axes shows instead of logging in (status 429), after too many
    wrong passwords for one username from one address. Not routed: AXES_LOCKOUT_CALLABLE."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    ip_address = getattr(request, "axes_ip_address", None) or limits.client_ip(request)
    retry_at = limits.login_retry_at(username=username, ip_address=ip_address)
    wait = max(0, int((retry_at - timezone.now()).total_seconds()))
    response = render(
        request,
        "registration/locked_out.html",
        {
            "username": username,
            "retry_at": retry_at,
            "minutes": max(1, round(wait / 60)),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response
