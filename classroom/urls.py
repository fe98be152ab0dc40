"""Root URLs. Route names are kebab-case and namespaced: ``classroom:assignment-detail``."""

from django.contrib import admin
from django.urls import include, path

from classroom.views import common

handler403 = "classroom.views.common.permission_denied"
handler404 = "classroom.views.common.page_not_found"
handler500 = "classroom.views.common.server_error"

urlpatterns = [
    path("", common.home, name="home"),
    # For load balancers and monitors: no login, no redirect to https (see settings).
    path("healthz", common.healthz, name="healthz"),
    path("accounts/", include("classroom.account_urls")),
    path("", include("classroom.app_urls")),
    path("admin/", admin.site.urls),
]
