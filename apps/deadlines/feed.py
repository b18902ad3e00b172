"""A person's secret calendar (RFC 5545, with the icalendar library): one VEVENT per open or
overdue deadline they own or watch. Stable UIDs, SEQUENCE raised when a date moves, all-day
events for date-only deadlines. Calendars are shared and synced to phones: a child is named by
first name only, unless the person chose full names in their preferences."""
from datetime import timedelta
from urllib.parse import urlparse

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from icalendar import Calendar, Event

from apps.core.errors import NotFound
from apps.notifications.preferences import preference_of

from .models import CalendarFeed, Deadline, new_feed_secret
from .presentation import deadline_title, deadline_url
from .selectors import deadlines_of


def feed_of(user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def feed_url(feed: CalendarFeed) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/calendar/{feed.secret}.ics"


@transaction.atomic
def calendar_feed_reset(*, actor) -> CalendarFeed:
    """A new secret at once: the old address answers 404 from this commit on."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=actor)
    if not created:
        feed.secret = new_feed_secret()
        feed.save(update_fields=["secret", "created_at"])
    return feed


def feed_user(secret: str):
    feed = CalendarFeed.objects.select_related("user").filter(secret=secret, user__is_active=True).first()
    if feed is None or not secret:
        raise NotFound()
    return feed.user


def calendar_for(user) -> bytes:
    host = urlparse(settings.SITE_URL).hostname or "iepteam"
    full_names = preference_of(user).calendar_full_names
    deadlines = deadlines_of(user).filter(status=Deadline.Status.OPEN)
    calendar = Calendar()
    calendar.add("prodid", "-//IEP Team Workspace//Deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "IEP deadlines")
    with translation.override(user.preferred_language or "en"):
        for deadline in deadlines:
            event = Event()
            event.add("uid", f"deadline-{deadline.id}@{host}")
            event.add("sequence", deadline.sequence)
            event.add("dtstamp", timezone.now())
            title = deadline_title(deadline)
            if full_names:
                title = f"{title} ({deadline.student.full_name})"
            event.add("summary", title)
            if deadline.all_day:
                event.add("dtstart", deadline.due_on)
                event.add("dtend", deadline.due_on + timedelta(days=1))
            else:
                event.add("dtstart", deadline.due_at)
                event.add("dtend", deadline.due_at + timedelta(minutes=30))
            event.add("url", settings.SITE_URL.rstrip("/") + deadline_url(deadline))
            calendar.add_component(event)
    return calendar.to_ical()
