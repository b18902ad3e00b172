"""Whose time zone a page is written in. Apps that know a person's zone (a saved preference)
register a source in their AppConfig.ready(); the first that answers wins, then the zone the
person's browser reported (the `tz` cookie app.js sets), then settings.TIME_ZONE."""
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

COOKIE = "tz"
_sources = []


def register_time_zone_source(source):
    """`source(user) -> "America/New_York" | None`, asked for signed-in people only."""
    _sources.append(source)


def _valid(name):
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def time_zone_for(request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        for source in _sources:
            if zone := _valid(source(user)):
                return zone
    return _valid(unquote(request.COOKIES.get(COOKIE, ""))[:64])
