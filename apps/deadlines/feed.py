"""A person's secret calendar (RFC 5545, with the icalendar library): one VEVENT per open or
overdue deadline they own or watch. Stable UIDs, SEQUENCE raised when a date moves, all-day
events for date-only deadlines. Calendars are shared and synced to phones: a child is named by
first name only, unless the person chose full names in their preferences."""
from datetime import timedelta
from urllib.parse import urlparse

from django.conf import settings
from django.db import transaction
from django.db.models import Q
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


# At most one entry in the record of access per person per feed in this time, however often the
# calendar app polls (every 15 minutes on many phones).
FEED_LOGGED_EVERY = timedelta(hours=1)


def feed_get(secret: str) -> CalendarFeed:
    feed = CalendarFeed.objects.select_related("user").filter(secret=secret, user__is_active=True).first()
    if feed is None or not secret:
        raise NotFound()
    return feed


def feed_deadlines(user) -> list[Deadline]:
    return list(deadlines_of(user).filter(status=Deadline.Status.OPEN))


@transaction.atomic
def feed_poll_record(feed: CalendarFeed, deadlines: list[Deadline], now=None) -> int:
    """A poll is a read of the children's deadlines by whoever holds the secret: staff's polls go
    into the record of access like any other read (a parent's own, as everywhere, do not), one
    entry per child in the feed, at most once per FEED_LOGGED_EVERY per feed. The claim is one
    conditional update, so two polls at once write one set of entries. Answers how many entries."""
    from apps.audit.recording import Read
    from apps.audit.services import access_records_write

    reads = {}
    for deadline in deadlines:
        reads.setdefault(deadline.student_id, Read(deadline.student_id, deadline.student.district_id,
                                                   "calendarfeed", feed.id, "view"))
    if not reads:
        return 0
    now = now or timezone.now()
    claimed = (CalendarFeed.objects.filter(id=feed.id)
               .filter(Q(logged_at__isnull=True) | Q(logged_at__lte=now - FEED_LOGGED_EVERY)).update(logged_at=now))
    if not claimed:
        return 0
    return len(access_records_write(actor=feed.user, reads=list(reads.values())))


def calendar_for(user, deadlines: list[Deadline] | None = None) -> bytes:
    host = urlparse(settings.SITE_URL).hostname or "iepteam"
    full_names = preference_of(user).calendar_full_names
    deadlines = feed_deadlines(user) if deadlines is None else deadlines
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
