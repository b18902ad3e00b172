"""A sweep's batch costs the same few queries whatever number of reminders it holds: who still
sees each child is read for the whole batch at once, not once per reminder (at 10,000 due that was
40% of a worker's time, bench/reminders.py)."""
from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.deadlines.models import Deadline, Kind, Participant, Reminder
from apps.deadlines.reminders import sweep
from apps.notifications.models import Notification

from .conftest import local

NOW = local(2027, 6, 1, 9)


def _due(demo, per_child: int):
    """per_child due reminders for each of Maya's and Leo's parents and case manager."""
    Reminder.objects.all().delete()
    for student, people in ((demo.maya, (demo.parent_maya, demo.casemanager)),
                            (demo.leo, (demo.parent_leo, demo.casemanager))):
        for n in range(per_child):
            deadline = Deadline.objects.create(kind=Kind.OTHER, subject=f"Deadline {n}", student=student,
                                               due_on=date(2027, 7, 1), due_at=local(2027, 7, 1, 23, 59))
            for user in people:
                Participant.objects.create(deadline=deadline, user=user, role="owner")
                Reminder.objects.create(deadline=deadline, user=user, kind="before", on_date=date(2027, 6, 1),
                                        at=NOW - timedelta(hours=1))


def _sweep_queries(demo, per_child: int) -> int:
    _due(demo, per_child)
    with CaptureQueriesContext(connection) as captured:
        sent = sweep(now=NOW, batch_size=1000)
    assert sent == 4 * per_child
    return len(captured.captured_queries)


def test_a_batch_costs_the_same_queries_for_four_reminders_or_forty(demo):
    assert _sweep_queries(demo, 1) == _sweep_queries(demo, 10)


def test_a_batch_still_leaves_out_whoever_no_longer_sees_the_child(demo):
    from apps.students.services import membership_remove

    _due(demo, 3)
    membership_remove(actor=demo.admin, student=demo.maya, user=demo.casemanager)
    sweep(now=NOW, batch_size=1000)
    about_maya = set(Deadline.objects.filter(student=demo.maya).values_list("id", flat=True))
    told = Notification.objects.filter(about_kind="deadline")
    assert set(told.filter(user=demo.casemanager).values_list("about_id", flat=True)).isdisjoint(about_maya)
    assert told.filter(user=demo.casemanager).count() == 3  # still Leo's case manager
    assert told.filter(user=demo.parent_maya).count() == 3
