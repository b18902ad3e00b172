"""Which reminders a deadline has, and the sweep that sends those whose moment has come.

A reminder's moment is 08:00 where its recipient is, on its date (API.md). Rows exist only for
what is still to come: planning a deadline (when it opens, or its date or people change) drops
the unsent rows and writes the future ones; a moment already past is not written, so it is never
sent late. Overdue reminders come one a day: sending one writes the next."""
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy

from apps.accounts.models import DistrictMembership, User
from apps.notifications.preferences import zone_of
from apps.notifications.services import Message, NotifyBatch, notify
from apps.students.standing import standings_for

from .days import district_zone, reminder_moment
from .models import Deadline, Participant, Reminder
from .presentation import deadline_title, deadline_url

NOTIFICATION_KIND = {
    Reminder.Kind.BEFORE: "deadline.reminder",
    Reminder.Kind.OVERDUE: "deadline.overdue",
    Reminder.Kind.ESCALATION: "deadline.escalated",
}


def days_before(kind: str) -> tuple[int, ...]:
    return tuple(settings.DEADLINE_REMINDER_DAYS_BEFORE_BY_KIND.get(kind, settings.DEADLINE_REMINDER_DAYS_BEFORE))


def district_admins(district_id: int) -> list[User]:
    return list(User.objects.filter(district_memberships__district_id=district_id, is_active=True,
                                    district_memberships__role=DistrictMembership.Role.ADMIN))


def _first_future_day(day: date, zone, now: datetime) -> date:
    while reminder_moment(day, zone) <= now:
        day += timedelta(days=1)
    return day


def reminders_plan(deadline: Deadline, now: datetime | None = None, only_user_id: int | None = None) -> None:
    """Rewrites the deadline's unsent reminders from its date, people and the clock (only that
    person's, with only_user_id: their time zone changed)."""
    now = now or timezone.now()
    unsent = Reminder.objects.filter(deadline=deadline, sent_at__isnull=True)
    if only_user_id is not None:
        unsent = unsent.filter(user_id=only_user_id)
    unsent.delete()
    if deadline.status != Deadline.Status.OPEN:
        return
    fallback = district_zone(deadline.student.district_id)
    rows = []
    people = User.objects.filter(deadline_roles__deadline=deadline, is_active=True)
    if only_user_id is not None:
        people = people.filter(id=only_user_id)
    for user in people:
        zone = zone_of(user, fallback)
        for n in days_before(deadline.kind):
            day = deadline.due_on - timedelta(days=n)
            if reminder_moment(day, zone) > now:
                rows.append(Reminder(deadline=deadline, user=user, kind=Reminder.Kind.BEFORE, on_date=day,
                                     at=reminder_moment(day, zone)))
        day = _first_future_day(deadline.due_on + timedelta(days=1), zone, now)
        rows.append(Reminder(deadline=deadline, user=user, kind=Reminder.Kind.OVERDUE, on_date=day,
                             at=reminder_moment(day, zone)))
    escalate_on = deadline.due_on + timedelta(days=settings.DEADLINE_ESCALATE_AFTER_DAYS)
    for admin in district_admins(deadline.student.district_id):
        if only_user_id is not None and admin.id != only_user_id:
            continue
        zone = zone_of(admin, fallback)
        if reminder_moment(escalate_on, zone) > now:
            rows.append(Reminder(deadline=deadline, user=admin, kind=Reminder.Kind.ESCALATION, on_date=escalate_on,
                                 at=reminder_moment(escalate_on, zone)))
    # A reminder already sent for the same date stays the only one (the unique constraint).
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)


def reminders_replan_for(user) -> int:
    """Their time zone changed: each of their unsent reminders moves to 08:00 in the new zone (a
    moment that is now past is dropped, as when planning). Answers how many deadlines it touched."""
    from django.db.models import Q

    deadlines = (Deadline.objects.filter(status=Deadline.Status.OPEN)
                 .filter(Q(participants__user=user) | Q(reminders__user=user, reminders__sent_at__isnull=True))
                 .select_related("student").distinct().order_by("id"))
    touched = 0
    for deadline in deadlines:
        reminders_plan(deadline, only_user_id=user.id)
        touched += 1
    return touched


def _words(reminder: Reminder) -> tuple[Message, Message]:
    """What a reminder says; notify() writes it in each recipient's language (the title too)."""
    deadline = reminder.deadline
    title = lazy(deadline_title, str)(deadline)
    due = deadline.due_on.isoformat()
    if reminder.kind == Reminder.Kind.BEFORE:
        days = (deadline.due_on - reminder.on_date).days
        subject = (Message(gettext_lazy("Due in %(n)s days: %(title)s"), n=days, title=title) if days != 1
                   else Message(gettext_lazy("Due tomorrow: %(title)s"), title=title))
        return subject, Message(gettext_lazy("%(title)s is due on %(due)s."), title=title, due=due)
    if reminder.kind == Reminder.Kind.OVERDUE:
        return (Message(gettext_lazy("Overdue: %(title)s"), title=title),
                Message(gettext_lazy("%(title)s was due on %(due)s and is still open."), title=title, due=due))
    return (Message(gettext_lazy("Escalated, overdue: %(title)s"), title=title),
            Message(gettext_lazy("%(title)s was due on %(due)s and is still open after %(n)s days."),
                    title=title, due=due, n=settings.DEADLINE_ESCALATE_AFTER_DAYS))


class _Outcome:
    """What one claimed batch did, written back in a few statements."""

    def __init__(self, users):
        self.notes = NotifyBatch(users)
        self.sent: list[int] = []
        self.superseded: list[int] = []
        self.stale: list[int] = []
        self.next_overdue: list[Reminder] = []

    def save(self, now: datetime) -> int:
        self.notes.flush()
        stamp = timezone.now()
        Reminder.objects.filter(id__in=self.sent).update(sent_at=stamp)
        Reminder.objects.filter(id__in=self.superseded).update(sent_at=stamp, superseded=True)
        Reminder.objects.filter(id__in=self.stale).delete()
        # A reminder already planned for that date stays the only one (the unique constraint).
        Reminder.objects.bulk_create(self.next_overdue, ignore_conflicts=True)
        return len(self.sent)


def _deliver(reminder: Reminder, now: datetime, out: _Outcome, sees_child: bool) -> None:
    deadline = reminder.deadline
    if deadline.status != Deadline.Status.OPEN:
        out.stale.append(reminder.id)  # closing removes them; this only catches a close racing the claim
        return
    if not sees_child:
        # Taken off the team (or the engagement ended) since it was planned: nothing more about the child.
        out.stale.append(reminder.id)
        return
    if reminder.kind == Reminder.Kind.OVERDUE:
        later = Reminder.objects.filter(deadline_id=deadline.id, user_id=reminder.user_id, kind=reminder.kind,
                                        sent_at__isnull=True, at__lte=now, on_date__gt=reminder.on_date)
        if later.exists():
            # Several overdue reminders for one person at once: only the latest says anything.
            out.superseded.append(reminder.id)
            return
    subject, text = _words(reminder)
    notify([reminder.user], NOTIFICATION_KIND[reminder.kind], subject, text, url=deadline_url(deadline),
           about=("deadline", deadline.id), key=f"reminder:{reminder.id}", batch=out.notes)
    out.sent.append(reminder.id)
    if reminder.kind == Reminder.Kind.OVERDUE:
        zone = zone_of(reminder.user, district_zone(deadline.student.district_id))
        day = _first_future_day(max(reminder.on_date + timedelta(days=1), now.astimezone(zone).date()), zone, now)
        out.next_overdue.append(Reminder(deadline=deadline, user=reminder.user, kind=reminder.kind, on_date=day,
                                         at=reminder_moment(day, zone)))


def sweep(now: datetime | None = None, batch_size: int | None = None) -> int:
    """Sends every reminder whose moment has come; answers how many were sent. Safe to run on
    several workers at once: each batch is claimed under row locks, skipping rows another sweep
    holds, and committed (notifications, sent marks, the e-mail tasks queued on commit) before
    the next is claimed, so a killed worker loses only its open batch, which the next sweep
    takes again."""
    now = now or timezone.now()
    batch_size = batch_size or settings.DEADLINE_SWEEP_BATCH_SIZE
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(sent_at__isnull=True, at__lte=now)
                .select_related("deadline__student", "user")
                .order_by("at", "id")[:batch_size]
            )
            if not batch:
                return sent
            out = _Outcome({r.user for r in batch})
            # Who still sees each child, for the whole batch at once (the same rule as
            # may_view_student: on the team, or an administrator of the child's district).
            standings = standings_for({(r.user, r.deadline.student) for r in batch})
            for reminder in batch:
                standing = standings.get((reminder.user_id, reminder.deadline.student_id))
                _deliver(reminder, now, out, sees_child=standing is not None and standing.sees_child)
            sent += out.save(now)


__all__ = ["reminders_plan", "sweep", "Participant"]
