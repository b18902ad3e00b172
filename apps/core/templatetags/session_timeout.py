"""{% session_warning %}: the dialog that warns a signed-in person before their idle session ends."""
from django import template
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("partials/session_warning.html", takes_context=True)
def session_warning(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    idle = settings.SESSION_COOKIE_AGE
    return {
        "show": bool(user and user.is_authenticated),
        "idle_seconds": idle,
        "idle_minutes": max(1, idle // 60),
        # Never warn earlier than half-way through, whatever the setting says.
        "warn_seconds": min(settings.SESSION_EXPIRY_WARNING_SECONDS, idle // 2),
        "keep_alive_url": reverse("session-keep-alive"),
        "sign_in_url": resolve_url(settings.LOGIN_URL),  # a URL name or a path
    }
