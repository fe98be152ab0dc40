"""A URLconf with a view that fails, to see the 500 page as a user would."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from classroom.urls import handler403, handler404, handler500  # noqa: F401


@login_not_required
def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom)]
