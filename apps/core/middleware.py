"""Pages share the API's rule: what a person may not know exists is a 404, what they may see
but not do is a 403. Services and selectors raise ApplicationError; here pages turn it into the
product's own error page (the API has its exception handler)."""
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone, translation

from . import views
from .errors import ApplicationError, Forbidden, NotFound
from .security import security_event
from .timezones import time_zone_for


class PreferredLanguage:
    """A signed-in person reads the product in the language saved on their account, on any
    browser. The language switcher's cookie (a choice made in this browser) still wins. Every
    account starts with the site's default saved, which says nothing about the person, so that
    one (like a language the product does not speak) leaves the browser's Accept-Language in
    charge. Runs after LocaleMiddleware and AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.chosen = {code for code, _name in settings.LANGUAGES} - {settings.LANGUAGE_CODE}

    def __call__(self, request):
        user = getattr(request, "user", None)
        saved = getattr(user, "preferred_language", "") if user is not None and user.is_authenticated else ""
        if saved in self.chosen and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(saved)
            request.LANGUAGE_CODE = saved
        return self.get_response(request)


class PersonTimeZone:
    """Every time on a page is written in the reader's zone (apps/core/timezones.py), named, so a
    page never mixes two zones. Runs after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = time_zone_for(request)
        if zone is not None:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class ApplicationErrorPages:
    """Answers an expected refusal with the product's page here, instead of re-raising it:
    Django's exception path would log a PermissionDenied with its whole traceback, while a
    response we return is logged once, as one line ("Forbidden: /path"), like any other 4xx.
    With DEBUG on, Django's own 404/403 handling (the technical pages) stays in charge."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (NotFound, Forbidden)):
            security_event("access.refused", request=request, level=logging.WARNING,
                           status=exception.status_code, code=exception.code)
        if settings.DEBUG:
            if isinstance(exception, NotFound):
                raise Http404(exception.message) from exception
            if isinstance(exception, Forbidden):
                raise PermissionDenied(exception.message) from exception
            return None
        if isinstance(exception, (NotFound, Http404)):
            return views.not_found(request, exception)
        if isinstance(exception, (Forbidden, PermissionDenied)):
            return views.permission_denied(request, exception)
        if isinstance(exception, ApplicationError):
            # A refusal no form caught (a state conflict, bad input): its message, its status.
            return views.refusal(request, exception)
        return None
