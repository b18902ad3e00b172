from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.core.session import keep_alive
from apps.core.views import not_found

urlpatterns = [
    path("api/v1/", include((("iepteam.api_urls"), "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
         name="api-docs"),
    # Any other /api/ path answers in the contract's JSON error shape, in DEBUG too.
    re_path(r"^api/", not_found),
    path("django-admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("session/keep-alive/", keep_alive, name="session-keep-alive"),
    path("accounts/", include("apps.accounts.urls")),
    path("", include("apps.students.urls")),
    path("", include("apps.ieps.urls")),
    path("", include("apps.discussions.urls")),
    path("", include("apps.notifications.urls")),
    path("", include("apps.evaluations.urls")),
]

handler400 = "apps.core.views.bad_request"
handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.not_found"
handler500 = "apps.core.views.server_error"
