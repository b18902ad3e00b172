"""Pages share the API's rule: what a person may not know exists is a 404, what they may see
but not do is a 403. Services and selectors raise ApplicationError; here pages turn it into the
product's own error page (the API has its exception handler)."""
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import views
from .bounds import JSONBoundsError, bounded_json_loads
from .errors import ApplicationError, Forbidden, NotFound, error_body
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


class ApiBoundary:
    """Everything under /api/ speaks the contract, whatever view (or none) answers:

    - a JSON body is checked against the bounds (apps.core.bounds) before any view runs, also on
      endpoints that never read their body: an integer past 64 bits or nesting thousands deep is
      a 400, never a 500 and never an action taken on a body the server could not read;
    - an error answered by something that is not our API exception handler (Django's CSRF
      failure page, a schema or docs view, a plain 405 or 404) is answered again in the
      contract's JSON shape, with the same status and headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        refusal = self._refuse_body(request)
        response = refusal or self.get_response(request)
        if response.status_code >= 400 and not _is_json(response):
            response = _in_contract_shape(response)
        return response

    @staticmethod
    def _refuse_body(request):
        if request.method in ("GET", "HEAD", "OPTIONS", "DELETE") or not _is_json_request(request):
            return None
        try:
            body = request.body
        except RequestDataTooBig:
            return JsonResponse(error_body("too_large", _("The request is too large.")), status=413)
        if not body.strip():
            return None
        try:
            bounded_json_loads(body.decode(request.encoding or "utf-8"))
        except JSONBoundsError as error:
            return JsonResponse(error_body(error.code, error.message), status=400)
        except (ValueError, UnicodeDecodeError):
            return None  # not JSON at all: the parser answers that precisely, where it is read
        return None


def _is_json(response) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip() == "application/json"


def _is_json_request(request) -> bool:
    kind = (request.content_type or "").lower()
    return kind == "application/json" or kind.endswith("+json")


# The error code each status gets when the answer was not made by the API's exception handler.
_CODES = {
    400: ("bad_request", gettext_lazy("The request could not be understood.")),
    401: ("not_authenticated", gettext_lazy("Sign in first.")),
    403: ("permission_denied", gettext_lazy("You may not do that.")),
    404: ("not_found", gettext_lazy("Not found.")),
    405: ("method_not_allowed", gettext_lazy("This address does not take that method.")),
    406: ("not_acceptable", gettext_lazy("This answer is only available as JSON.")),
    413: ("too_large", gettext_lazy("The request is too large.")),
    415: ("unsupported_media_type", gettext_lazy("Send JSON.")),
    429: ("throttled", gettext_lazy("Too many requests; try again in a moment.")),
}
_KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After")


def _in_contract_shape(response):
    code, message = _CODES.get(response.status_code, ("server_error", gettext_lazy("Something went wrong on our side.")))
    if response.status_code < 500 and response.status_code not in _CODES:
        code, message = "bad_request", _CODES[400][1]
    answer = JsonResponse(error_body(code, message), status=response.status_code)
    for header in _KEPT_HEADERS:
        if header in response:
            answer[header] = response[header]
    return answer
