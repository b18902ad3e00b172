"""Error pages: API paths answer in the contract's JSON shape, pages in HTML, in the person's
language (LocaleMiddleware and PreferredLanguage ran before any of these)."""
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from .csp import allow_its_inline_styles
from .errors import error_body


def _is_api(request):
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    return render(request, "errors/404.html", status=404)


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Any /api/ path no endpoint has, whatever the method. Exempt from CSRF: a token client's POST
    to a mistyped path learns it does not exist, rather than getting the HTML CSRF failure page
    (nothing is changed here, so there is nothing to forge)."""
    return JsonResponse(error_body("not_found", _("Not found.")), status=404)


def permission_denied(request, exception=None):
    if _is_api(request):
        return JsonResponse(error_body("permission_denied", _("You may not do that.")), status=403)
    return render(request, "errors/403.html", status=403)


def bad_request(request, exception=None):
    if _is_api(request):
        return JsonResponse(error_body("bad_request", _("The request could not be understood.")), status=400)
    return render(request, "errors/400.html", status=400)


def server_error(request):
    if _is_api(request):
        return JsonResponse(error_body("server_error", _("Something went wrong on our side.")), status=500)
    return allow_its_inline_styles(render(request, "errors/500.html", status=500))


def refusal(request, error):
    """A service's refusal that no form on the page showed: its own message and status."""
    if _is_api(request):
        return JsonResponse(error_body(error.code, error.message, error.fields), status=error.status_code)
    return render(request, "errors/refusal.html", {"message": error.message, "status": error.status_code},
                  status=error.status_code)


def csrf_failure(request, reason=""):
    """Django's CSRF_FAILURE_VIEW. Most often a form left open past its session, or cookies
    blocked: the person needs to reload and send again, not Django's explanation for developers."""
    if _is_api(request):
        return JsonResponse(error_body("csrf_failed", _("The request was refused: reload the page and try again.")),
                            status=403)
    return render(request, "errors/csrf.html", status=403)
