from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.core.views import not_found
from apps.notifications.views import set_language_and_remember

urlpatterns = [
    path("api/v1/", include((("iepteam.api_urls"), "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    # Any other /api/ path answers in the contract's JSON error shape, in DEBUG too.
    re_path(r"^api/", not_found),
    path("django-admin/", admin.site.urls),
    # The footer's language choice is also kept on the person, for their e-mails (apps.notifications).
    path("i18n/setlang/", set_language_and_remember, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("apps.accounts.urls")),
    path("", include("apps.students.urls")),
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
