"""Error pages: API paths answer in the contract's JSON shape, pages in HTML."""
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .csp import allow_its_inline_styles
from .errors import error_body


def _is_api(request):
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    return render(request, "errors/404.html", status=404)


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
