"""How days are counted: calendar, business or school days, on a district's calendar.

A period of n days from a start date ends on the n-th counted day after it (the start itself is
not counted, as 34 CFR 300.11 and the state rules count). Business days skip weekends and
holidays; school days skip weekends and every closed day (holidays, breaks, weather days).
California's unit is calendar days that leave out long school breaks (see long_break_days)."""
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


# California leaves out a school vacation "in excess of five schooldays".
LONG_BREAK_SCHOOL_DAYS = 5


def long_break_days(closed: set[date], start: date, end: date) -> set[date]:
    """The days of long breaks between start and end, as modelled for California (Ed. Code 56043,
    56344: "not counting days between the pupil's regular school sessions, terms, or days of school
    vacation in excess of five schooldays").

    A break is a run of consecutive days without school: closed days of any reason and the
    weekends that join them (a weekend alone is no break). It is long when it holds more than five
    closed weekdays, i.e. more than five days that would have been school days; then every day of
    it is left out, weekends inside and at its edges included (the days "between the sessions").
    A shorter closure (a three-day weekend, a 3-day weather closure, Thanksgiving's two days) is
    counted: those are calendar days like any other. Summer, if the district enters it as closed
    days, is one long break. (School days already skip every closed day; this is for calendar days.)"""
    left_out: set[date] = set()
    day = start + timedelta(days=1)
    while day <= end:
        if day not in closed:
            day += timedelta(days=1)
            continue
        # Widen the run of days off around this closed day: back over a weekend, forward over
        # closed days and weekends.
        first = day
        while (first - timedelta(days=1)).weekday() >= 5 or (first - timedelta(days=1)) in closed:
            first -= timedelta(days=1)
            if (day - first).days > _MAX_SPAN_DAYS:
                break
        last = day
        while (last + timedelta(days=1)).weekday() >= 5 or (last + timedelta(days=1)) in closed:
            last += timedelta(days=1)
            if (last - day).days > _MAX_SPAN_DAYS:
                break
        run = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        if sum(1 for d in run if d.weekday() < 5 and d in closed) > LONG_BREAK_SCHOOL_DAYS:
            left_out.update(run)
        day = last + timedelta(days=1)
    return left_out


def add_days(district_id: int, start: date, count: int, unit: str) -> date:
    if unit == Unit.CALENDAR:
        return start + timedelta(days=count)
    if unit == Unit.CALENDAR_EXCLUDING_LONG_BREAKS:
        # From a month before: a break under way at the start counts its earlier days towards five.
        closed = closed_days(district_id, start - timedelta(days=31))
        day, counted = start, 0
        horizon = start + timedelta(days=_MAX_SPAN_DAYS)
        left_out = long_break_days(closed, start, horizon) if closed else set()
        while counted < count:
            day += timedelta(days=1)
            if day > horizon:
                raise ValueError("the district's calendar has no open days in ten years")
            if day not in left_out:
                counted += 1
        return day
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


def person_district_zone(user_id: int) -> ZoneInfo | None:
    """The zone of the person's district: where they work, else where their child goes to school."""
    from apps.accounts.models import DistrictMembership
    from apps.students.models import Membership

    staff = DistrictMembership.objects.filter(user_id=user_id).order_by("id").values_list("district_id", flat=True)
    family = Membership.objects.filter(user_id=user_id).order_by("id").values_list("student__district_id", flat=True)
    district_id = staff.first() or family.first()
    return district_zone(district_id) if district_id else None


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone)


def reminder_moment(day: date, zone: ZoneInfo) -> datetime:
    """08:00 on that day where the person is (API.md): nobody is reminded at 3 a.m."""
    return datetime.combine(day, time(settings.DEADLINE_REMINDER_HOUR, 0), tzinfo=zone)
