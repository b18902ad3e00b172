"""The district administrator's school calendar: closed days (added, removed, imported from CSV),
the time zone, and per-kind periods. Every change recomputes the open deadlines it moves."""
import csv
import io
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.selectors import admin_district_ids
from apps.core.errors import ApplicationError, Forbidden
from apps.notifications.preferences import is_known_timezone

from .days import default_periods, district_zone
from .models import ClosedDay, DeadlinePeriod, DistrictCalendar, Kind, Unit
from .services import calendar_recompute, periods_recompute, zone_recompute

# The kinds whose date is a period counted from a start (the others follow the IEP's dates or are
# set by hand): the ones a district may count its own way.
PERIOD_KINDS = tuple(default_periods())

CSV_MAX_ROWS = 2000


def may_manage_calendar(user, district_id: int) -> bool:
    return user.is_authenticated and district_id in admin_district_ids(user)


def _require(actor, district_id):
    if not may_manage_calendar(actor, district_id):
        raise Forbidden(_("Only the district's administrators change its school calendar."))


@transaction.atomic
def closed_day_add(*, actor, district_id: int, day: date, reason: str = ClosedDay.Reason.HOLIDAY,
                   note: str = "") -> ClosedDay:
    _require(actor, district_id)
    if reason not in ClosedDay.Reason.values:
        raise ApplicationError(_("Unknown reason."), fields={"reason": [_("holiday, break, weather or other")]})
    row, _created = ClosedDay.objects.update_or_create(district_id=district_id, day=day,
                                                       defaults={"reason": reason, "note": note[:200]})
    calendar_recompute(district_id=district_id)
    return row


@transaction.atomic
def closed_day_remove(*, actor, district_id: int, day: date) -> None:
    _require(actor, district_id)
    ClosedDay.objects.filter(district_id=district_id, day=day).delete()
    calendar_recompute(district_id=district_id)


def _parse_csv(text: str) -> list[tuple[date, str, str]]:
    """day,reason,note (a header line is allowed). Any bad line refuses the whole file."""
    rows, problems = [], []
    reader = csv.reader(io.StringIO(text))
    for number, line in enumerate(reader, start=1):
        if not line or not any(cell.strip() for cell in line):
            continue
        if number == 1 and line[0].strip().lower() in ("day", "date"):
            continue
        try:
            day = date.fromisoformat(line[0].strip())
        except ValueError:
            problems.append(_("Line %(n)s: %(value)r is not a date (YYYY-MM-DD).") % {"n": number, "value": line[0]})
            continue
        reason = (line[1].strip().lower() if len(line) > 1 and line[1].strip() else ClosedDay.Reason.HOLIDAY)
        if reason not in ClosedDay.Reason.values:
            problems.append(_("Line %(n)s: unknown reason %(value)r.") % {"n": number, "value": reason})
            continue
        rows.append((day, reason, (line[2].strip() if len(line) > 2 else "")[:200]))
        if len(rows) > CSV_MAX_ROWS:
            problems.append(_("At most %(n)s closed days per file.") % {"n": CSV_MAX_ROWS})
            break
    if problems or not rows:
        raise ApplicationError(_("The calendar file could not be read; nothing was changed."),
                               code="malformed_calendar", fields={"file": problems or [_("No days in the file.")]})
    return rows


@transaction.atomic
def closed_days_import(*, actor, district_id: int, text: str) -> int:
    """Adds (or updates) every day of the file, all or nothing; answers how many."""
    _require(actor, district_id)
    rows = _parse_csv(text)
    for day, reason, note in rows:
        ClosedDay.objects.update_or_create(district_id=district_id, day=day, defaults={"reason": reason, "note": note})
    calendar_recompute(district_id=district_id)
    return len(rows)


@transaction.atomic
def district_calendar_set(*, actor, district_id: int, timezone: str) -> DistrictCalendar:
    """The district's time zone. Open deadlines end at 23:59 there and reminders of people with no
    zone of their own come at 08:00 there: both are recomputed."""
    _require(actor, district_id)
    if not isinstance(timezone, str) or not is_known_timezone(timezone):
        raise ApplicationError(_("Unknown time zone."), fields={"timezone": [_("Use a name such as America/Chicago.")]})
    DistrictCalendar.objects.get_or_create(district_id=district_id)
    row = DistrictCalendar.objects.select_for_update().get(district_id=district_id)
    if row.timezone != timezone:
        row.timezone = timezone
        row.save(update_fields=["timezone"])
        zone_recompute(district_id=district_id)
    return row


def _period_problems(kind, count, unit) -> dict:
    problems = {}
    if kind not in PERIOD_KINDS:
        problems["kind"] = [_("Not a kind of deadline counted from a start; one of: %(kinds)s.")
                            % {"kinds": ", ".join(PERIOD_KINDS)}]
    if unit not in Unit.values:
        problems["unit"] = [_("One of: %(units)s.") % {"units": ", ".join(Unit.values)}]
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 365:
        problems["count"] = [_("From 1 to 365.")]
    return problems


@transaction.atomic
def deadline_period_set(*, actor, district_id: int, kind: str, count: int, unit: str) -> DeadlinePeriod:
    """A state's rule for a kind (Texas: 15 school days to answer an evaluation request). Open
    deadlines of that kind counted from a start move to the new end."""
    _require(actor, district_id)
    problems = _period_problems(kind, count, unit)
    if problems:
        raise ApplicationError(_("This period is not valid."), fields=problems)
    row, _created = DeadlinePeriod.objects.update_or_create(district_id=district_id, kind=kind,
                                                            defaults={"count": count, "unit": unit})
    periods_recompute(district_id=district_id, kind=kind)
    return row


@transaction.atomic
def deadline_settings_update(*, actor, district_id: int, timezone: str | None = None,
                             periods: dict | None = None) -> None:
    """The settings page and API: the time zone and any periods given, all or nothing."""
    _require(actor, district_id)
    problems = {}
    if timezone is not None and (not isinstance(timezone, str) or not is_known_timezone(timezone)):
        problems["timezone"] = [_("Unknown time zone; use a name such as America/Chicago.")]
    if periods is not None and not isinstance(periods, dict):
        problems["periods"] = [_("An object: {kind: {unit, count}}.")]
        periods = {}
    for kind, period in (periods or {}).items():
        if not isinstance(period, dict) or set(period) != {"unit", "count"}:
            problems[f"periods.{kind}"] = [_("Give unit and count.")]
            continue
        for field, messages in _period_problems(kind, period["count"], period["unit"]).items():
            problems[f"periods.{kind}" if field == "kind" else f"periods.{kind}.{field}"] = messages
    if problems:
        raise ApplicationError(_("These settings are not valid; nothing was changed."), fields=problems)
    if timezone is not None:
        district_calendar_set(actor=actor, district_id=district_id, timezone=timezone)
    for kind, period in (periods or {}).items():
        deadline_period_set(actor=actor, district_id=district_id, kind=kind, count=period["count"],
                            unit=period["unit"])


def deadline_settings_of(district_id: int) -> dict:
    """What the settings page and API show: the zone, and each kind's period with the federal default."""
    defaults = default_periods()
    saved = {p.kind: p for p in DeadlinePeriod.objects.filter(district_id=district_id)}
    calendar = DistrictCalendar.objects.filter(district_id=district_id).first()
    periods = []
    for kind in PERIOD_KINDS:
        count, unit = (saved[kind].count, saved[kind].unit) if kind in saved else defaults[kind]
        periods.append({"kind": kind, "label": Kind(kind).label, "count": count, "unit": unit,
                        "default_count": defaults[kind][0], "default_unit": defaults[kind][1],
                        "is_default": kind not in saved})
    return {"district": district_id, "timezone": calendar.timezone if calendar else district_zone(district_id).key,
            "periods": periods}
