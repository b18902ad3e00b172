"""Sign-in events (Django's and django-axes' signals) into the security log."""
import logging

from apps.core.security import security_event


def on_signed_in(sender, request, user, **kwargs):
    via = "api" if request is not None and request.path.startswith("/api/") else "web"
    security_event("sign_in", request=request, user=user, via=via)


def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    # Not the address typed: it may be a password typed in the wrong box. The lockout line says
    # which account was locked; this one only that an attempt failed from this address.
    security_event("sign_in.failed", request=request, level=logging.WARNING)


def on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    from .models import User

    user = User.objects.filter(email=(username or "").lower()).first()
    security_event("sign_in.locked_out", request=request, user=user, level=logging.WARNING,
                   account_exists=user is not None)
