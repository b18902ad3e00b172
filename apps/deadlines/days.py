"""How days are counted: calendar, business or school days, on a district's calendar.

A period of n days from a start date ends on the n-th counted day after it (the start itself is
not counted, as 34 CFR 300.11 and the state rules count). Business days skip weekends and
holidays; school days skip weekends and every closed day (holidays, breaks, weather days)."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from .models import ClosedDay, DeadlinePeriod, DistrictCalendar, Kind, Unit

# The number of counted days a period may reach before we call the calendar broken (a district
# that closed every day would otherwise loop for ever).
_MAX_SPAN_DAYS = 3660


def default_periods() -> dict[str, tuple[int, str]]:
    """Federal defaults, in calendar days; districts change them per kind."""
    return {
        Kind.EVALUATION_DECISION: (settings.EVALUATION_DECISION_DAYS, Unit.CALENDAR),
        Kind.EVALUATION_REPORT: (settings.EVALUATION_REPORT_DAYS, Unit.CALENDAR),
        Kind.CONSENT_RESPONSE: (settings.CONSENT_RESPONSE_DAYS, Unit.CALENDAR),
    }


def period_for(district_id: int, kind: str) -> tuple[int, str] | None:
    row = DeadlinePeriod.objects.filter(district_id=district_id, kind=kind).first()
    if row:
        return row.count, row.unit
    return default_periods().get(kind)


def closed_days(district_id: int, start: date, reasons=None) -> set[date]:
    rows = ClosedDay.objects.filter(district_id=district_id, day__gt=start,
                                    day__lte=start + timedelta(days=_MAX_SPAN_DAYS))
    if reasons is not None:
        rows = rows.filter(reason__in=reasons)
    return set(rows.values_list("day", flat=True))


def add_days(district_id: int, start: date, count: int, unit: str) -> date:
    if unit == Unit.CALENDAR:
        return start + timedelta(days=count)
    skipped = closed_days(district_id, start, reasons=[ClosedDay.Reason.HOLIDAY] if unit == Unit.BUSINESS else None)
    day, counted = start, 0
    while counted < count:
        day += timedelta(days=1)
        if (day - start).days > _MAX_SPAN_DAYS:
            raise ValueError("the district's calendar has no open days in ten years")
        if day.weekday() < 5 and day not in skipped:
            counted += 1
    return day


def district_zone(district_id: int) -> ZoneInfo:
    calendar = DistrictCalendar.objects.filter(district_id=district_id).first()
    return calendar.zone if calendar else ZoneInfo(settings.DEADLINE_DEFAULT_TIMEZONE)


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone)


def reminder_moment(day: date, zone: ZoneInfo) -> datetime:
    """08:00 on that day where the person is (API.md): nobody is reminded at 3 a.m."""
    return datetime.combine(day, time(settings.DEADLINE_REMINDER_HOUR, 0), tzinfo=zone)
