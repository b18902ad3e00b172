"""django-axes' hooks: whose account an attempt names, and what a locked-out person is told."""
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from apps.core.errors import error_body


def username_of(request, credentials) -> str | None:
    """The account an attempt is for, as stored: the web form posts `username`, the API `email`;
    either way the address is compared in lower case, as accounts are kept."""
    credentials = credentials or {}
    data = getattr(request, "data", None) or request.POST
    name = credentials.get("username") or credentials.get("email") or data.get("username") or data.get("email")
    return name.strip().lower() if isinstance(name, str) else None


def lockout_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def locked_out_message() -> str:
    minutes = max(1, lockout_seconds() // 60)
    return _("Too many wrong passwords in a row for this account. Sign-in is paused for %(minutes)s "
             "minutes; try again then, or reset your password.") % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    if request.path.startswith("/api/"):
        answer = JsonResponse(error_body("locked_out", locked_out_message()), status=429)
    else:
        answer = render(request, "accounts/locked_out.html",
                        {"minutes": max(1, lockout_seconds() // 60)}, status=429)
    answer["Retry-After"] = str(lockout_seconds())
    return answer
