"""Deadline pages: what needs my attention, a child's deadlines with signs, one deadline, the
compliance view and its CSV, the school calendar, and the notification settings with the feed."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.deadlines.models import CalendarFeed, ClosedDay, Deadline, Kind
from apps.deadlines.services import deadline_open
from apps.notifications.models import NotificationPreference
from apps.notifications.preferences import KINDS as NOTIFICATION_KINDS

NY = ZoneInfo("America/New_York")


def page(client, user, url, status=200):
    client.force_login(user)
    answer = client.get(url)
    assert answer.status_code == status, (answer.status_code, url)
    return answer.content.decode()


def test_the_case_managers_home_shows_an_overdue_deadline_first(demo, client):
    with time_machine.travel(datetime(2026, 11, 1, 9, tzinfo=NY), tick=False):
        late = deadline_open(kind=Kind.MEETING, student=demo.maya, subject="Send the meeting notice",
                             due_on=date(2026, 11, 20), owners=[demo.casemanager])
    html = page(client, demo.casemanager, "/")
    assert "What needs my attention" in html
    assert html.index("Send the meeting notice") < html.index("Annual review for Maya")
    assert 'data-group="overdue"' in html and late.is_overdue


def test_a_parent_sees_her_childs_deadlines_and_not_the_other_familys(demo, client):
    html = page(client, demo.parent_maya, "/")
    assert "Annual review for Maya" in html and "Leo" not in html
    html = page(client, demo.parent_maya, f"/students/{demo.maya.id}/")
    assert "Annual review for Maya" in html and "deadline-sign" in html
    html = page(client, demo.parent_maya, f"/ieps/{demo.maya_iep.id}/")
    assert "Response to the proposed IEP for Maya" in html
    review = Deadline.objects.get(iep=demo.maya_iep, kind=Kind.ANNUAL_REVIEW)
    html = page(client, demo.parent_maya, f"/deadlines/{review.id}/")
    assert "Mark as met" not in html  # the same predicate as the service: parents do not close them
    page(client, demo.parent_leo, f"/deadlines/{review.id}/", 404)
    page(client, demo.evaluator, f"/deadlines/{review.id}/", 404)


def test_the_case_manager_closes_a_deadline_on_its_page(demo, client):
    review = Deadline.objects.get(iep=demo.maya_iep, kind=Kind.ANNUAL_REVIEW)
    assert "Mark as met" in page(client, demo.casemanager, f"/deadlines/{review.id}/")
    client.post(f"/deadlines/{review.id}/close/", {"how": "met"})
    review.refresh_from_db()
    assert review.status == "met"
    client.force_login(demo.parent_maya)
    client.post(f"/deadlines/{review.id}/close/", {"how": "cancel"})
    review.refresh_from_db()
    assert review.status == "met" and review.closed_by == demo.casemanager


def test_the_compliance_view_lists_the_districts_open_deadlines_filters_and_exports(demo, client):
    html = page(client, demo.admin, "/deadlines/district/")
    assert "Maya Rivera" in html and "Leo Chen" in html
    html = page(client, demo.admin, f"/deadlines/district/?school={demo.leo.school_id}")
    assert "Leo Chen" in html and "Maya Rivera" not in html
    html = page(client, demo.admin, "/deadlines/district/?kind=consent_response")
    assert "Maya Rivera" in html and "Leo Chen" not in html
    answer = client.get("/deadlines/district/?format=csv")
    assert answer["Content-Type"].startswith("text/csv")
    lines = answer.content.decode().strip().splitlines()
    assert len(lines) == 1 + Deadline.objects.filter(status="open").count()
    for persona in (demo.casemanager, demo.parent_maya, demo.parent_leo, demo.evaluator):
        page(client, persona, "/deadlines/district/", 404)


def test_the_school_calendar_adds_removes_and_imports_days(demo, client):
    client.force_login(demo.admin)
    client.post("/deadlines/school-calendar/", {"action": "add", "day": "2027-03-15", "reason": "break"})
    assert ClosedDay.objects.filter(day=date(2027, 3, 15)).exists()
    client.post("/deadlines/school-calendar/", {"action": "remove", "day": "2027-03-15"})
    assert not ClosedDay.objects.exists()
    good = SimpleUploadedFile("days.csv", b"day,reason,note\n2027-01-18,holiday,MLK Day\n2027-02-15,holiday,\n")
    client.post("/deadlines/school-calendar/", {"action": "import", "file": good})
    assert ClosedDay.objects.count() == 2
    bad = SimpleUploadedFile("days.csv", b"2027-05-31,holiday\n31/05/2027,holiday\n")
    answer = client.post("/deadlines/school-calendar/", {"action": "import", "file": bad})
    assert answer.status_code == 400 and "is not a date" in answer.content.decode()
    assert ClosedDay.objects.count() == 2
    for persona in (demo.casemanager, demo.parent_maya, demo.parent_leo):
        page(client, persona, "/deadlines/school-calendar/", 404)


def test_the_settings_page_saves_a_digest_and_shows_and_resets_the_calendar_address(demo, client):
    html = page(client, demo.parent_maya, "/notifications/settings/")
    feed = CalendarFeed.objects.get(user=demo.parent_maya)
    assert f"/calendar/{feed.secret}.ics" in html and "Copy address" in html
    data = {"timezone": "", "digest_hour": "19", "calendar_full_names": ""}
    # Every kind the page offers (a form missing one is refused, as a browser never sends that).
    for kind in NOTIFICATION_KINDS:
        data[f"email__{kind}"] = "digest" if kind.startswith("deadline.") else "immediate"
        data[f"in_app__{kind}"] = "on"
    answer = client.post("/notifications/settings/", data)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    saved = NotificationPreference.objects.get(user=demo.parent_maya)
    assert saved.digest_hour == 19 and saved.kinds["deadline.reminder"]["email"] == "digest"
    old = feed.secret
    client.post("/calendar/reset/")
    feed.refresh_from_db()
    assert feed.secret != old
    assert client.get(f"/calendar/{old}.ics").status_code == 404


@pytest.mark.parametrize("language", ["es"])
def test_the_attention_panel_speaks_spanish(demo, client, language):
    client.force_login(demo.parent_maya)
    client.cookies["django_language"] = language
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "Revisión anual de Maya" in html


def test_a_timed_deadline_reads_in_the_readers_zone_with_the_zone_named(demo, client):
    """A meeting at 15:00 UTC is 9 a.m. in Chicago: the page says so, never "UTC" beside a local time."""
    from apps.deadlines.services import deadline_create

    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=NY), tick=False):
        meeting = deadline_create(actor=demo.casemanager, student=demo.maya, kind=Kind.MEETING,
                                  subject="Team meeting", due_at=datetime(2027, 1, 12, 15, tzinfo=ZoneInfo("UTC")))
    client.cookies["tz"] = "America/Chicago"
    html = page(client, demo.casemanager, f"/deadlines/{meeting.id}/")
    shown = html.split('<time datetime="', 1)[1].split("</time>", 1)[0]
    assert "9 a.m. CST" in shown and "UTC" not in shown, shown


@pytest.mark.parametrize("persona, url", [("parent_maya", "/notifications/settings/"), ("admin", "/deadlines/settings/"),
                                          ("admin", "/deadlines/school-calendar/")])
def test_every_hint_a_control_points_to_is_on_the_page(demo, client, persona, url):
    """aria-describedby names the hint a screen reader reads with the control: it must exist."""
    import re

    html = page(client, getattr(demo, persona), url)
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    described = [ref for refs in re.findall(r'aria-describedby="([^"]+)"', html) for ref in refs.split()]
    assert described and not [ref for ref in described if ref not in ids]
