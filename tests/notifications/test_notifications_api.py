from django.utils.translation import gettext_lazy

from apps.notifications.models import Notification
from apps.notifications.services import notify


def test_people_see_only_their_own_notifications_newest_first(api_as, demo):
    notify([demo.ot], "mention", gettext_lazy("older"))
    notify([demo.ot, demo.slp], "mention", gettext_lazy("newer"))
    rows = api_as("ot").get("/api/v1/notifications/").json()["results"]
    assert [r["subject"] for r in rows] == ["newer", "older"]
    assert [r["subject"] for r in api_as("slp").get("/api/v1/notifications/").json()["results"]] == ["newer"]
    assert api_as("parent.leo").get("/api/v1/notifications/").json()["count"] == 0
    assert api_as(None).get("/api/v1/notifications/").status_code == 401


def test_marking_read_works_for_the_owner_only(api_as, demo):
    [row] = notify([demo.ot], "mention", gettext_lazy("hello"))
    assert api_as("slp").post(f"/api/v1/notifications/{row.id}/read/").status_code == 404
    assert Notification.objects.get(id=row.id).read_at is None
    answer = api_as("ot").post(f"/api/v1/notifications/{row.id}/read/")
    assert answer.status_code == 200 and answer.json()["read_at"]
    assert api_as("ot").post("/api/v1/notifications/999999/read/").status_code == 404


def test_notifying_sends_one_email_each_in_tests_run_inline(demo, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        notify([demo.ot, demo.slp], "mention", gettext_lazy("Look at this"), gettext_lazy("text"), url="/ieps/1/")
    assert sorted(m.to[0] for m in mailoutbox) == ["ot@demo.example", "slp@demo.example"]
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2
