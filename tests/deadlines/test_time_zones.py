"""A person's time zone: changing it moves their unsent reminders to 08:00 in the new zone, and a
digest for someone with no zone of their own goes at the hour where their district is (API.md:
"their preference, else the district's")."""
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.utils.translation import gettext_lazy

from apps.deadlines.models import DistrictCalendar, Reminder
from apps.notifications.models import Notification
from apps.notifications.services import notification_preferences_update, notify
from apps.notifications.tasks import digests_send

from .conftest import local
from .test_sweep import DUE, meeting, run_sweep  # noqa: F401

LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def moments(user, deadline):
    return sorted(r.at for r in Reminder.objects.filter(user=user, deadline=deadline, sent_at__isnull=True))


def test_changing_ones_time_zone_moves_ones_unsent_reminders_to_8_in_the_new_zone(demo, meeting, api_as,
                                                                                 django_capture_on_commit_callbacks):
    before_hers, before_his = moments(demo.parent_maya, meeting), moments(demo.casemanager, meeting)
    assert before_hers and all(m.astimezone(local(2027, 1, 1).tzinfo).hour == 8 for m in before_hers)
    with time_machine.travel(local(2027, 5, 20, 12), tick=False):
        response = api_as("parent.maya").put("/api/v1/me/notification-preferences/",
                                             {"timezone": "America/Los_Angeles"}, format="json")
    assert response.status_code == 200, response.content
    after = moments(demo.parent_maya, meeting)
    assert len(after) == len(before_hers)
    assert all(m.astimezone(LOS_ANGELES).hour == 8 and m.astimezone(LOS_ANGELES).minute == 0 for m in after)
    assert [m.astimezone(LOS_ANGELES).date() for m in after] == [m.astimezone(local(2027, 1, 1).tzinfo).date()
                                                                 for m in before_hers]
    assert moments(demo.casemanager, meeting) == before_his  # nobody else's moved

    # The 14-day reminder (1 June): nothing for her at 08:00 in New York, hers at 08:00 in Los Angeles.
    run_sweep(local(2027, 6, 1, 8, 0), django_capture_on_commit_callbacks)
    mine = Notification.objects.filter(user=demo.parent_maya, kind="deadline.reminder", about_id=meeting.id)
    assert not mine.exists()
    assert Notification.objects.filter(user=demo.casemanager, kind="deadline.reminder", about_id=meeting.id).count() == 1
    run_sweep(datetime(2027, 6, 1, 7, 59, tzinfo=LOS_ANGELES), django_capture_on_commit_callbacks)
    assert not mine.exists()
    run_sweep(datetime(2027, 6, 1, 8, 0, tzinfo=LOS_ANGELES), django_capture_on_commit_callbacks)
    assert mine.count() == 1


def test_an_unchanged_zone_or_another_preference_leaves_the_reminders_alone(demo, meeting):
    before = list(Reminder.objects.filter(user=demo.parent_maya).order_by("id").values_list("id", "at"))
    assert before
    notification_preferences_update(actor=demo.parent_maya, digest_hour=19)
    notification_preferences_update(actor=demo.parent_maya, timezone_name="")
    assert list(Reminder.objects.filter(user=demo.parent_maya).order_by("id").values_list("id", "at")) == before


def test_a_refused_zone_moves_nothing(demo, meeting, api_as):
    before = moments(demo.parent_maya, meeting)
    response = api_as("parent.maya").put("/api/v1/me/notification-preferences/", {"timezone": "Mars/Olympus"},
                                         format="json")
    assert response.status_code == 400
    assert moments(demo.parent_maya, meeting) == before


def test_a_digest_for_someone_without_a_zone_goes_at_the_hour_where_their_district_is(demo,
                                                                                    django_capture_on_commit_callbacks):
    DistrictCalendar.objects.update_or_create(district=demo.maya.district, defaults={"timezone": "America/Los_Angeles"})
    notification_preferences_update(actor=demo.parent_maya, digest_hour=18, kinds={"mention": {"email": "digest"}})
    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=LOS_ANGELES), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            notify([demo.parent_maya], "mention", gettext_lazy("First"), url="/ieps/1/")
    mail.outbox.clear()
    with time_machine.travel(datetime(2027, 3, 1, 18, 0, tzinfo=local(2027, 1, 1).tzinfo), tick=False):
        assert digests_send() == 0  # 15:00 where her district is
    with time_machine.travel(datetime(2027, 3, 1, 17, 59, tzinfo=LOS_ANGELES), tick=False):
        assert digests_send() == 0
    with time_machine.travel(datetime(2027, 3, 1, 18, 0, tzinfo=LOS_ANGELES), tick=False):
        assert digests_send() == 1
    assert [m.to for m in mail.outbox] == [[demo.parent_maya.email]]
