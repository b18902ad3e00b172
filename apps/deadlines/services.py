"""Every write on deadlines. People add meetings and other deadlines by hand and close any of
their students'; the workflows (ieps through its lifecycle, evaluations by calling here) open,
move and close theirs. deadlines knows kinds, dates and calendars, never a workflow."""
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _, override

from apps.core.errors import ApplicationError, Conflict, Forbidden
from apps.students.models import Membership, Student, active_membership_q

from .days import add_days, district_zone, end_of_day, period_for
from .models import MANUAL_KINDS, Deadline, Kind, Participant, Unit
from .policy import may_add_deadline, may_close_deadline
from .reminders import reminders_plan

OPEN = Deadline.Status.OPEN


def _set_people(deadline: Deadline, owners, watchers=()) -> None:
    owner_ids = {u.id if hasattr(u, "id") else int(u) for u in owners}
    watcher_ids = {u.id if hasattr(u, "id") else int(u) for u in watchers} - owner_ids
    Participant.objects.filter(deadline=deadline).delete()
    Participant.objects.bulk_create(
        [Participant(deadline=deadline, user_id=i, role=Participant.Role.OWNER) for i in sorted(owner_ids)]
        + [Participant(deadline=deadline, user_id=i, role=Participant.Role.WATCHER) for i in sorted(watcher_ids)]
    )


def _locked(deadline: Deadline) -> Deadline:
    return Deadline.objects.select_for_update(of=("self",)).select_related("student").get(id=deadline.id)


def _date_fields(student: Student, due_on: date | None, due_at: datetime | None) -> dict:
    zone = district_zone(student.district_id)
    if due_at is not None:
        return {"due_on": due_at.astimezone(zone).date(), "due_at": due_at, "all_day": False}
    return {"due_on": due_on, "due_at": end_of_day(due_on, zone), "all_day": True}


def due_date_for(*, student: Student, kind: str, start: date) -> date:
    """The date a period of this kind ends, counted on the child's district calendar."""
    count, unit = period_for(student.district_id, kind)
    return add_days(student.district_id, start, count, unit)


# Opened, moved and closed by the workflows ------------------------------------------------

@transaction.atomic
def deadline_open(*, kind: str, student: Student, subject: str = "", owners, watchers=(), iep=None,
                  due_on: date | None = None, starts_on: date | None = None, source: tuple[str, int] | None = None,
                  actor=None) -> Deadline:
    """A workflow's deadline: on a given date, or (with starts_on) at the end of the district's
    period for its kind, recomputed when the district's calendar changes."""
    period = {}
    if due_on is None:
        count, unit = period_for(student.district_id, kind)
        due_on = add_days(student.district_id, starts_on, count, unit)
        period = {"starts_on": starts_on, "period_count": count, "period_unit": unit}
    with override("en"):
        subject = subject or _("%(kind)s for %(child)s") % {"kind": Kind(kind).label, "child": student.first_name}
    deadline = Deadline.objects.create(
        kind=kind, subject=subject[:200], student=student, iep=iep, created_by=actor,
        source_type=source[0] if source else "", source_id=source[1] if source else None,
        **_date_fields(student, due_on, None), **period,
    )
    _set_people(deadline, owners, watchers)
    reminders_plan(deadline)
    return deadline


def open_deadlines_of(*, kind: str, source: tuple[str, int]):
    return Deadline.objects.filter(kind=kind, source_type=source[0], source_id=source[1], status=OPEN)


# A workflow that also shows a deadline's date on its own record (an evaluation request's
# "decision due") is told when the date moves, since deadlines knows no workflow: it registers
# listener(deadline) for its source type from its AppConfig.ready().
_move_listeners: dict[str, list] = {}


def on_deadline_moved(source_type: str, listener) -> None:
    if listener not in _move_listeners.setdefault(source_type, []):
        _move_listeners[source_type].append(listener)


@transaction.atomic
def deadline_move(deadline: Deadline, *, due_on: date) -> Deadline:
    """A new date: the feed's SEQUENCE goes up, the reminders are planned anew, and the workflow
    the deadline follows hears of it (in the same transaction)."""
    deadline = _locked(deadline)
    if deadline.due_on == due_on or deadline.status != OPEN:
        return deadline
    for field, value in _date_fields(deadline.student, due_on, None).items():
        setattr(deadline, field, value)
    deadline.sequence += 1
    deadline.save(update_fields=["due_on", "due_at", "all_day", "sequence"])
    reminders_plan(deadline)
    for listener in _move_listeners.get(deadline.source_type, ()):
        listener(deadline)
    return deadline


@transaction.atomic
def deadline_set_people(deadline: Deadline, *, owners, watchers=None) -> Deadline:
    deadline = _locked(deadline)
    if watchers is None:
        watchers = list(deadline.participants.filter(role=Participant.Role.WATCHER).values_list("user_id", flat=True))
    _set_people(deadline, owners, watchers)
    reminders_plan(deadline)
    return deadline


def _close(deadline: Deadline, status: str, actor=None) -> Deadline:
    deadline = _locked(deadline)
    if deadline.status != OPEN:
        return deadline
    deadline.status = status
    deadline.closed_at = timezone.now()
    deadline.closed_by = actor
    deadline.save(update_fields=["status", "closed_at", "closed_by"])
    reminders_plan(deadline)  # closed: drops every unsent reminder
    return deadline


@transaction.atomic
def workflow_deadlines_close(*, kind: str, source: tuple[str, int], met: bool = True) -> int:
    closed = 0
    for deadline in open_deadlines_of(kind=kind, source=source):
        _close(deadline, Deadline.Status.MET if met else Deadline.Status.CANCELLED)
        closed += 1
    return closed


@transaction.atomic
def workflow_deadlines_cancel_all(*, source: tuple[str, int]) -> None:
    for deadline in Deadline.objects.filter(source_type=source[0], source_id=source[1], status=OPEN):
        _close(deadline, Deadline.Status.CANCELLED)


@transaction.atomic
def calendar_recompute(*, district_id: int) -> int:
    """The district's closed days changed: open deadlines counted in business or school days (or
    California's calendar days without long breaks) move with them. Answers how many moved."""
    moved = 0
    counted = Deadline.objects.filter(student__district_id=district_id, status=OPEN,
                                      period_unit__in=[Unit.BUSINESS, Unit.SCHOOL,
                                                       Unit.CALENDAR_EXCLUDING_LONG_BREAKS]).exclude(starts_on=None)
    for deadline in counted:
        due_on = add_days(district_id, deadline.starts_on, deadline.period_count, deadline.period_unit)
        if due_on != deadline.due_on:
            deadline_move(deadline, due_on=due_on)
            moved += 1
    return moved


@transaction.atomic
def periods_recompute(*, district_id: int, kind: str) -> int:
    """The district's period for a kind changed: its open deadlines counted from a start end
    where the new period ends. Answers how many moved."""
    moved = 0
    count, unit = period_for(district_id, kind)
    for deadline in Deadline.objects.filter(student__district_id=district_id, status=OPEN, kind=kind).exclude(
            starts_on=None).select_for_update(of=("self",)):
        if (deadline.period_count, deadline.period_unit) != (count, unit):
            Deadline.objects.filter(id=deadline.id).update(period_count=count, period_unit=unit)
        due_on = add_days(district_id, deadline.starts_on, count, unit)
        if due_on != deadline.due_on:
            deadline_move(deadline, due_on=due_on)
            moved += 1
    return moved


@transaction.atomic
def zone_recompute(*, district_id: int) -> int:
    """The district's time zone changed: an all-day deadline ends at 23:59 in the new zone, and
    everyone's reminders are planned anew (those with no zone of their own get 08:00 there)."""
    zone = district_zone(district_id)
    touched = 0
    for deadline in Deadline.objects.filter(student__district_id=district_id, status=OPEN).select_related(
            "student").select_for_update(of=("self",)):
        if deadline.all_day:
            deadline.due_at = end_of_day(deadline.due_on, zone)
            deadline.sequence += 1
            deadline.save(update_fields=["due_at", "sequence"])
        reminders_plan(deadline)
        touched += 1
    return touched


# By hand: meetings and other deadlines, and closing any deadline -------------------------------

def _check_owners(student: Student, owner_ids: list[int]) -> list[int]:
    team = set(Membership.objects.filter(active_membership_q(), student=student, user_id__in=owner_ids)
               .exclude(role="evaluator").values_list("user_id", flat=True))
    strangers = sorted(set(owner_ids) - team)
    if strangers:
        raise ApplicationError(_("Every owner must be on the child's team."),
                               fields={"owners": [_("Not on the team: %s") % ", ".join(map(str, strangers))]})
    return list(dict.fromkeys(owner_ids))


def _default_owners(actor, student: Student) -> list[int]:
    """The one who adds it, if on the team; else the child's case managers."""
    on_team = Membership.objects.filter(active_membership_q(), student=student)
    if on_team.filter(user=actor).exists():
        return [actor.id]
    return list(on_team.filter(role="case_manager").values_list("user_id", flat=True))


@transaction.atomic
def deadline_create(*, actor, student: Student, kind: str, subject: str, due_at: datetime | None = None,
                    due_on: date | None = None, owners: list[int] | None = None) -> Deadline:
    if not may_add_deadline(actor, student):
        raise Forbidden(_("Only the case manager or a district administrator adds deadlines."))
    if kind not in Kind.values:
        raise ApplicationError(_("Unknown kind of deadline."), fields={"kind": [_("Not a kind of deadline.")]})
    if kind not in MANUAL_KINDS:
        raise ApplicationError(
            _("This kind of deadline is opened by its workflow; add a meeting or another deadline by hand."),
            fields={"kind": [_("Choose meeting or other.")]})
    subject = (subject or "").strip()
    if not subject or len(subject) > 200:
        raise ApplicationError(_("Give the deadline a subject of at most 200 characters."),
                               fields={"subject": [_("1 to 200 characters.")]})
    if (due_at is None) == (due_on is None):
        raise ApplicationError(_("Give a due time."), fields={"due_at": [_("Required.")]})
    fields = _date_fields(student, due_on, due_at)
    if fields["due_at"] <= timezone.now():
        raise ApplicationError(_("A new deadline cannot be in the past."),
                               fields={"due_at": [_("Choose a later time.")]})
    owner_ids = _check_owners(student, owners) if owners else _default_owners(actor, student)
    deadline = Deadline.objects.create(kind=kind, subject=subject, student=student, created_by=actor, **fields)
    _set_people(deadline, owner_ids)
    reminders_plan(deadline)
    return deadline


@transaction.atomic
def deadline_close(*, actor, deadline: Deadline, met: bool) -> Deadline:
    """Met or cancelled by a case manager or district administrator; nothing more is sent for it."""
    fresh = _locked(deadline)
    if not may_add_deadline(actor, fresh.student):
        raise Forbidden(_("Only the case manager or a district administrator closes a deadline."))
    if not may_close_deadline(actor, fresh):
        raise Conflict(_("This deadline is already closed."), code="deadline_closed")
    return _close(fresh, Deadline.Status.MET if met else Deadline.Status.CANCELLED, actor)
