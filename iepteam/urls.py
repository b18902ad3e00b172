from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.accounts.views import language
from apps.core.session import keep_alive
from apps.core.views import api_not_found

urlpatterns = [
    path("api/v1/", include((("iepteam.api_urls"), "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
         name="api-docs"),
    # Any other /api/ path answers in the contract's JSON error shape, in DEBUG too.
    re_path(r"^api/", api_not_found),
    path(settings.ADMIN_URL_PATH, admin.site.urls),
    # The footer's language form: Django's set_language that also saves the choice on the person.
    path("i18n/setlang/", language, name="set_language"),
    path("session/keep-alive/", keep_alive, name="session-keep-alive"),
    path("accounts/", include("apps.accounts.urls")),
    path("", include("apps.students.urls")),
    path("", include("apps.audit.urls")),
    path("", include("apps.ieps.urls")),
    path("", include("apps.discussions.urls")),
    path("", include("apps.notifications.urls")),
    path("", include("apps.deadlines.urls")),
    path("", include("apps.evaluations.urls")),
]

handler400 = "apps.core.views.bad_request"
handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.not_found"
handler500 = "apps.core.views.server_error"
