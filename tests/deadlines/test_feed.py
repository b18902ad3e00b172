"""The secret calendar feed: what it holds (id sets), stable UIDs and SEQUENCE, all-day events,
no child's full name unless chosen, and a reset that kills the old address at once."""
from datetime import UTC, date

from icalendar import Calendar

from apps.deadlines.models import Deadline, Kind
from apps.deadlines.services import deadline_move
from apps.notifications.services import notification_preferences_update


def feed(api_as, client, persona):
    url = api_as(persona).get("/api/v1/me/calendar/").json()["url"]
    path = url.split("://", 1)[1].split("/", 1)[1]
    answer = client.get("/" + path)
    return url, answer


def events(answer):
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/calendar")
    return [c for c in Calendar.from_ical(answer.content).walk("VEVENT")]


def deadline_ids(vevents):
    return {int(str(e["UID"]).split("@")[0].removeprefix("deadline-")) for e in vevents}


def test_the_feed_holds_the_persons_open_deadlines_and_nothing_of_another_family(demo, api_as, client):
    _url, answer = feed(api_as, client, "parent.maya")
    mine = events(answer)
    open_of_hers = set(Deadline.objects.filter(participants__user=demo.parent_maya, status="open")
                       .values_list("id", flat=True))
    assert deadline_ids(mine) == open_of_hers and open_of_hers
    _url, answer = feed(api_as, client, "parent.leo")
    leos = deadline_ids(events(answer))
    assert leos and not leos & set(Deadline.objects.filter(student=demo.maya).values_list("id", flat=True))


def test_summaries_name_the_child_by_first_name_unless_chosen(demo, api_as, client):
    _url, answer = feed(api_as, client, "parent.maya")
    assert b"Rivera" not in answer.content and b"Maya" in answer.content
    review = next(e for e in events(answer) if "Annual review" in str(e["SUMMARY"]))
    assert str(review["SUMMARY"]) == "Annual review for Maya"
    notification_preferences_update(actor=demo.parent_maya, calendar_full_names=True)
    _url, answer = feed(api_as, client, "parent.maya")
    assert b"Maya Rivera" in answer.content


def test_uids_are_stable_and_sequence_rises_when_the_date_moves(demo, api_as, client):
    review = Deadline.objects.get(iep=demo.maya_iep, kind=Kind.ANNUAL_REVIEW)
    _url, answer = feed(api_as, client, "parent.maya")
    before = next(e for e in events(answer) if str(e["UID"]).startswith(f"deadline-{review.id}@"))
    assert before["DTSTART"].dt == review.due_on and int(before["SEQUENCE"]) == 0  # all day: a date
    deadline_move(review, due_on=date(2027, 9, 1))
    _url, answer = feed(api_as, client, "parent.maya")
    after = next(e for e in events(answer) if str(e["UID"]).startswith(f"deadline-{review.id}@"))
    assert str(after["UID"]) == str(before["UID"]) and int(after["SEQUENCE"]) == 1
    assert after["DTSTART"].dt == date(2027, 9, 1)


def test_a_timed_deadline_has_a_time(demo, api_as, client):
    api_as("casemanager").post(f"/api/v1/students/{demo.maya.id}/deadlines/", {
        "kind": "meeting", "subject": "IEP meeting", "due_at": "2099-03-01T15:00:00-05:00"}, format="json")
    _url, answer = feed(api_as, client, "casemanager")
    meeting = next(e for e in events(answer) if str(e["SUMMARY"]) == "IEP meeting")
    assert meeting["DTSTART"].dt.isoformat() == "2099-03-01T20:00:00+00:00"


def test_a_reset_kills_the_old_address_at_once_and_a_wrong_secret_is_404(demo, api_as, client):
    old, answer = feed(api_as, client, "parent.maya")
    assert answer.status_code == 200
    new = api_as("parent.maya").post("/api/v1/me/calendar/reset/").json()["url"]
    assert new != old
    assert client.get("/" + old.split("://", 1)[1].split("/", 1)[1]).status_code == 404
    assert client.get("/" + new.split("://", 1)[1].split("/", 1)[1]).status_code == 200
    assert client.get("/calendar/not-the-secret.ics").status_code == 404
    assert api_as(None).get("/api/v1/me/calendar/").status_code == 401


# The record of access: a poll is staff's read of the children's deadlines --------------------

def test_staffs_polls_go_into_the_record_of_access_once_an_hour_and_parents_not_at_all(demo, api_as, client):
    from datetime import datetime, timedelta

    import time_machine

    from apps.audit.models import AccessLog

    start = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    children = set(Deadline.objects.filter(participants__user=demo.casemanager, status="open")
                   .values_list("student_id", flat=True))
    assert len(children) == 2  # Maya and Leo
    for minutes in (0, 15, 30, 45):  # a phone polling every 15 minutes
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            _url, answer = feed(api_as, client, "casemanager")
            assert answer.status_code == 200
    entries = list(AccessLog.objects.filter(user=demo.casemanager))
    assert {e.student_id for e in entries} == children and len(entries) == 2
    assert {(e.role, e.object_type, e.purpose) for e in entries} == {("case_manager", "calendarfeed", "IEP team work")}
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        feed(api_as, client, "casemanager")
    assert AccessLog.objects.filter(user=demo.casemanager).count() == 4

    for minutes in (0, 90):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            _url, answer = feed(api_as, client, "parent.maya")
            assert len(events(answer)) >= 1
    assert not AccessLog.objects.filter(user=demo.parent_maya).exists()


def test_a_wrong_secret_records_nothing(demo, client):
    from apps.audit.models import AccessLog

    assert client.get("/calendar/not-a-secret.ics").status_code == 404
    assert not AccessLog.objects.exists()
