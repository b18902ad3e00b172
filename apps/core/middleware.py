"""Pages share the API's rule: what a person may not know exists is a 404, what they may see
but not do is a 403. Services and selectors raise ApplicationError; here pages turn it into
Django's own 404/403 handling (the API has its exception handler)."""
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .bounds import JSONBoundsError, bounded_json_loads
from .errors import Forbidden, NotFound, error_body


class ApplicationErrorPages:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        if isinstance(exception, Forbidden):
            raise PermissionDenied(exception.message) from exception
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
