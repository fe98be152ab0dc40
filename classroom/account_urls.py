from django.urls import path

from classroom.views import accounts

app_name = "accounts"

urlpatterns = [
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", accounts.LogoutView.as_view(), name="logout"),
    path("signup/", accounts.signup_choice, name="signup"),
    path("signup/teacher/", accounts.signup_teacher, name="signup-teacher"),
    path("signup/student/", accounts.signup_student, name="signup-student"),
    path("password/", accounts.PasswordChangeView.as_view(), name="password-change"),
]
