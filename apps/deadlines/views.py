"""Deadline pages: one deadline, the calendar feed, the compliance view, the school calendar."""
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from .feed import calendar_for, feed_user


@require_GET
def calendar_feed(request, secret):
    """Whoever holds the secret reads that person's deadlines; a wrong or reset one is 404."""
    user = feed_user(secret)
    response = HttpResponse(calendar_for(user), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
