"""The sweep, in process, with the clock moved by time-machine: moments, skips, latest-only,
escalation, closing, and the management command."""
from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from apps.deadlines.models import Deadline, Kind, Reminder
from apps.deadlines.reminders import sweep
from apps.deadlines.services import deadline_close, deadline_open
from apps.notifications.models import Notification, NotificationPreference

from .conftest import local

DUE = date(2027, 6, 15)


def open_meeting(demo):
    """A deadline on Maya's team, opened well ahead: owned by the case manager, watched by Maya's mother."""
    with time_machine.travel(local(2027, 5, 1, 12), tick=False):
        return deadline_open(kind=Kind.OTHER, student=demo.maya, subject="Send the draft to the family", due_on=DUE,
                             owners=[demo.casemanager], watchers=[demo.parent_maya])


@pytest.fixture
def meeting(demo):
    """The meeting alone: the demo's own deadlines stay quiet."""
    Reminder.objects.all().delete()
    return open_meeting(demo)


def run_sweep(at, capture):
    with time_machine.travel(at, tick=False), capture(execute=True):
        return sweep()


def notes(user=None, **filters):
    rows = Notification.objects.filter(about_kind="deadline", **filters)
    return rows.filter(user=user) if user else rows


def test_a_reminder_goes_at_eight_in_the_morning_of_its_day_once(meeting, demo, django_capture_on_commit_callbacks):
    fourteen_before = DUE - timedelta(days=14)
    assert run_sweep(local(2027, 6, 1, 7, 59), django_capture_on_commit_callbacks) == 0
    assert run_sweep(local(2027, 6, 1, 8, 0), django_capture_on_commit_callbacks) == 2
    assert run_sweep(local(2027, 6, 1, 8, 1), django_capture_on_commit_callbacks) == 0
    for person in (demo.casemanager, demo.parent_maya):
        [note] = notes(person, kind="deadline.reminder")
        assert "Send the draft to the family" in note.subject and note.url == f"/deadlines/{meeting.id}/"
        assert note.about_id == meeting.id
    assert Reminder.objects.get(deadline=meeting, user=demo.parent_maya, on_date=fourteen_before).sent_at
    assert sorted(m.to[0] for m in mail.outbox) == sorted([demo.casemanager.email, demo.parent_maya.email])
    assert all("Send the draft to the family" in m.subject for m in mail.outbox)


def test_the_moment_is_eight_where_the_recipient_is(meeting, demo, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=demo.parent_maya, timezone="America/Los_Angeles")
    with time_machine.travel(local(2027, 5, 2, 12), tick=False):
        from apps.deadlines.reminders import reminders_plan

        reminders_plan(meeting)
    assert run_sweep(local(2027, 6, 1, 8, 0), django_capture_on_commit_callbacks) == 1  # New York only
    assert not notes(demo.parent_maya).exists()
    assert run_sweep(local(2027, 6, 1, 11, 0), django_capture_on_commit_callbacks) == 1  # 08:00 in Los Angeles
    assert notes(demo.parent_maya).count() == 1


def test_reminders_whose_moment_passed_when_the_deadline_opened_are_never_sent(demo, django_capture_on_commit_callbacks):
    Reminder.objects.all().delete()
    with time_machine.travel(local(2027, 6, 10, 9), tick=False):
        late = deadline_open(kind=Kind.MEETING, student=demo.maya, subject="IEP meeting", due_on=DUE,
                             owners=[demo.casemanager])
    assert set(late.reminders.values_list("kind", "on_date")) == {
        ("before", DUE - timedelta(days=1)), ("overdue", DUE + timedelta(days=1)),
        ("escalation", DUE + timedelta(days=2))}
    assert run_sweep(local(2027, 6, 14, 8), django_capture_on_commit_callbacks) == 1
    assert notes(demo.casemanager).get().kind == "deadline.reminder"


def test_after_days_of_downtime_one_overdue_reminder_is_sent_and_the_next_is_tomorrow(meeting, demo,
                                                                                    django_capture_on_commit_callbacks):
    meeting.reminders.filter(kind="before").delete()
    five_days_late = local(2027, 6, 20, 9)
    run_sweep(five_days_late, django_capture_on_commit_callbacks)
    for person in (demo.casemanager, demo.parent_maya):
        assert notes(person, kind="deadline.overdue").count() == 1
    assert set(meeting.reminders.filter(kind="overdue", sent_at__isnull=True).values_list("on_date", flat=True)) == {
        date(2027, 6, 21)}
    assert run_sweep(local(2027, 6, 21, 8), django_capture_on_commit_callbacks) == 2
    assert notes(demo.parent_maya, kind="deadline.overdue").count() == 2


def test_of_several_overdue_reminders_due_at_once_only_the_latest_is_sent(meeting, demo,
                                                                      django_capture_on_commit_callbacks):
    meeting.reminders.all().delete()
    for day in (16, 17, 18):
        Reminder.objects.create(deadline=meeting, user=demo.casemanager, kind="overdue", on_date=date(2027, 6, day),
                                at=local(2027, 6, day, 8))
    assert run_sweep(local(2027, 6, 18, 9), django_capture_on_commit_callbacks) == 1
    [note] = notes(demo.casemanager)
    assert Reminder.objects.get(on_date=date(2027, 6, 18), user=demo.casemanager).superseded is False
    assert Reminder.objects.filter(superseded=True, user=demo.casemanager).count() == 2


def test_escalation_reaches_the_districts_administrators_and_only_them(meeting, demo,
                                                                   django_capture_on_commit_callbacks):
    meeting.reminders.exclude(kind="escalation").delete()
    assert run_sweep(local(2027, 6, 17, 8), django_capture_on_commit_callbacks) == 1
    assert {n.user_id for n in notes(kind="deadline.escalated")} == {demo.admin.id}
    assert set(notes().values_list("user_id", flat=True)) == {demo.admin.id}


def test_a_met_or_cancelled_deadline_sends_nothing_more(meeting, demo, django_capture_on_commit_callbacks):
    with time_machine.travel(local(2027, 6, 2), tick=False):
        deadline_close(actor=demo.casemanager, deadline=meeting, met=True)
    for day in range(1, 30):
        run_sweep(local(2027, 6, 1, 8) + timedelta(days=day), django_capture_on_commit_callbacks)
    assert not notes().exists() and not mail.outbox
    assert not Reminder.objects.filter(deadline=meeting, sent_at__isnull=True).exists()


def test_the_other_family_is_never_reminded_of_maya(demo, django_capture_on_commit_callbacks):
    open_meeting(demo)
    for day in range(0, 130, 3):  # past Leo's annual review reminders in September
        run_sweep(local(2027, 5, 20, 8) + timedelta(days=day), django_capture_on_commit_callbacks)
    mayas = set(Deadline.objects.filter(student=demo.maya).values_list("id", flat=True))
    leos = set(Deadline.objects.filter(student=demo.leo).values_list("id", flat=True))
    assert mayas and leos
    about = set(notes(demo.parent_leo).values_list("about_id", flat=True))
    assert about and about <= leos and not about & mayas
    assert not set(notes(demo.teacher_leo).values_list("about_id", flat=True)) & mayas
    for insider in (demo.parent_maya, demo.ot):
        assert not set(notes(insider).values_list("about_id", flat=True)) & leos


def test_the_command_sweeps_as_if_the_clock_read_at(meeting, demo):
    out = StringIO()
    call_command("sweep_reminders", "--at", "2027-06-01T08:00:00-04:00", stdout=out)
    assert out.getvalue().strip() == "2"
    out = StringIO()
    call_command("sweep_reminders", "--at", "2027-06-01T08:00:00-04:00", stdout=out)
    assert out.getvalue().strip() == "0"


def test_the_command_refuses_a_malformed_time(demo):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("sweep_reminders", "--at", "next tuesday")


def test_closing_keeps_the_sent_reminders_as_history(meeting, demo, django_capture_on_commit_callbacks):
    run_sweep(local(2027, 6, 1, 8), django_capture_on_commit_callbacks)
    with time_machine.travel(local(2027, 6, 2), tick=False):
        deadline_close(actor=demo.admin, deadline=meeting, met=False)
    assert meeting.reminders.count() == 2 and all(r.sent_at for r in meeting.reminders.all())
    assert Deadline.objects.get(id=meeting.id).status == "cancelled"
