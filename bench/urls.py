"""The app's URLs plus one bench-only route: never included by classroom/urls.py."""

from django.urls import path

from bench import views
from classroom.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401

urlpatterns = [
    *urlpatterns,
    path("bench/bare/<int:pk>/", views.bare_update, name="bench-bare"),
]
