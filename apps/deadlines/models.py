"""Deadlines, the reminders that follow them, and the district calendars that count their days."""
import secrets
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import District
from apps.ieps.models import IEP
from apps.students.models import Student


class Kind(models.TextChoices):
    ANNUAL_REVIEW = "annual_review", _("Annual review")
    REEVALUATION = "reevaluation", _("Reevaluation")
    EVALUATION_DECISION = "evaluation_decision", _("Decision on an independent evaluation")
    EVALUATION_REPORT = "evaluation_report", _("Independent evaluation report")
    CONSENT_RESPONSE = "consent_response", _("Response to the proposed IEP")
    RECORDS_REQUEST = "records_request", _("Records request")
    DRAFT_SHARED = "draft_shared", _("Draft shared before the meeting")
    MEETING = "meeting", _("Meeting")
    OTHER = "other", _("Other")


# Kinds a person adds by hand; the others are opened and closed by the workflows they follow.
MANUAL_KINDS = (Kind.MEETING, Kind.OTHER)


class Unit(models.TextChoices):
    CALENDAR = "calendar", _("Calendar days")
    BUSINESS = "business", _("Business days (Monday to Friday, not holidays)")
    SCHOOL = "school", _("School days (not weekends or any closed day)")
    # California (Ed. Code 56043, 56344): days are calendar days, "not counting days between the
    # pupil's regular school sessions, terms, or days of school vacation in excess of five schooldays".
    CALENDAR_EXCLUDING_LONG_BREAKS = "calendar_excluding_long_breaks", _(
        "Calendar days, not counting school breaks longer than 5 school days (California)")


class DistrictCalendar(models.Model):
    """A district's clock: its time zone. (Its closed days and periods point at the district.)"""

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="deadline_calendar")
    timezone = models.CharField(_("time zone"), max_length=64, default="America/New_York")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class ClosedDay(models.Model):
    """A day the district's schools are closed: a holiday, a break, a weather day."""

    class Reason(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        BREAK = "break", _("Break")
        WEATHER = "weather", _("Weather day")
        OTHER = "other", _("Other")

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="closed_days")
    day = models.DateField(_("day"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, default=Reason.HOLIDAY)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["district", "day"], name="closed_day_unique")]


class DeadlinePeriod(models.Model):
    """How long a district gives for a kind of deadline, when the law lets states choose."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="deadline_periods")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    count = models.PositiveIntegerField()
    unit = models.CharField(max_length=40, choices=Unit.choices, default=Unit.CALENDAR)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district", "kind"], name="deadline_period_unique")]


class Deadline(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MET = "met", _("Met")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(max_length=30, choices=Kind.choices)
    subject = models.CharField(max_length=200)
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="deadlines")
    iep = models.ForeignKey(IEP, null=True, blank=True, on_delete=models.CASCADE, related_name="deadlines")
    # The local date it is due on (district time zone) and the moment it passes: the end of that
    # day for an all-day deadline, the given time otherwise.
    due_on = models.DateField()
    due_at = models.DateTimeField()
    all_day = models.BooleanField(default=True)
    # When the date is a period counted from a start, it is recomputed when the calendar changes.
    starts_on = models.DateField(null=True, blank=True)
    period_count = models.PositiveIntegerField(null=True, blank=True)
    period_unit = models.CharField(max_length=40, choices=Unit.choices, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # What workflow record it follows (e.g. "evaluation_request", 12): deadlines never import it.
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    # Raised whenever the date moves: the calendar feed's SEQUENCE.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["student", "status", "due_at"]),
            models.Index(fields=["source_type", "source_id", "kind"]),
        ]

    def __str__(self):
        return self.subject

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and timezone.now() > self.due_at

    @property
    def shown_status(self) -> str:
        """open, overdue, met or cancelled (API.md): overdue is read off the clock, never stored."""
        return "overdue" if self.is_overdue else self.status


class Participant(models.Model):
    """Who owns a deadline (must act) and who watches it (wants to know)."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        WATCHER = "watcher", _("Watcher")

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deadline_roles")
    role = models.CharField(max_length=10, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deadline", "user"], name="deadline_participant_unique")]
        indexes = [models.Index(fields=["user", "deadline"])]


class Reminder(models.Model):
    """One reminder to one person on one local date. The unique constraint is what makes a second
    send impossible: there is only one row to claim, and the sweep claims it under a row lock."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("Before")
        OVERDUE = "overdue", _("Overdue")
        ESCALATION = "escalation", _("Escalation")

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    on_date = models.DateField()
    at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    # Claimed with a later overdue reminder of the same deadline and person: not sent on its own.
    superseded = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["deadline", "user", "kind", "on_date"], name="reminder_once"),
        ]
        indexes = [
            # The sweep's index: only unsent rows are in it, so it stays as small as what is pending;
            # (at, id) is the sweep's order, so thousands due at the same 08:00 need no sort.
            models.Index(fields=["at", "id"], condition=Q(sent_at__isnull=True), name="reminder_due_idx"),
        ]


def new_feed_secret() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's secret calendar address. Resetting it replaces the secret; the old one is gone."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    secret = models.CharField(max_length=64, unique=True, default=new_feed_secret)
    created_at = models.DateTimeField(auto_now=True)
    # When a poll of this feed last went into the record of access (apps.deadlines.feed): a phone
    # polling every 15 minutes leaves one entry an hour, not four.
    logged_at = models.DateTimeField(null=True, blank=True)
