"""Someone taken off a child's team stops seeing the child's deadlines, though they are still
named on them as owner or watcher: not in their list, not by id, not in their calendar feed."""
from apps.deadlines.feed import calendar_for
from apps.deadlines.models import Deadline, Kind
from apps.students.services import membership_remove
from tests.core.contract import assert_error, results


def test_a_case_manager_taken_off_the_team_no_longer_sees_its_deadlines(demo, api_as):
    review = Deadline.objects.get(iep=demo.maya_iep, kind=Kind.ANNUAL_REVIEW)
    assert review.participants.filter(user=demo.casemanager, role="owner").exists()
    client = api_as("casemanager")
    assert client.get(f"/api/v1/deadlines/{review.id}/").status_code == 200

    membership_remove(actor=demo.admin, student=demo.maya, user=demo.casemanager)

    assert_error(client.get(f"/api/v1/deadlines/{review.id}/"), 404)
    assert_error(client.post(f"/api/v1/deadlines/{review.id}/met/"), 404)
    listed = {row["student"] for row in results(client.get("/api/v1/deadlines/"))}
    assert demo.maya.id not in listed and demo.leo.id in listed  # still Leo's case manager
    assert review.subject.encode() not in calendar_for(demo.casemanager)
    assert b"Leo" in calendar_for(demo.casemanager)
    # The district's administrator still sees it (and the parent who watches it).
    assert api_as("admin").get(f"/api/v1/deadlines/{review.id}/").status_code == 200
    assert api_as("parent.maya").get(f"/api/v1/deadlines/{review.id}/").status_code == 200


def test_no_reminder_reaches_someone_taken_off_the_team(demo):
    from apps.deadlines.reminders import sweep
    from apps.notifications.models import Notification

    review = Deadline.objects.get(iep=demo.maya_iep, kind=Kind.ANNUAL_REVIEW)
    first = review.reminders.filter(user=demo.casemanager).order_by("at").first()
    assert first is not None
    membership_remove(actor=demo.admin, student=demo.maya, user=demo.casemanager)

    sweep(now=first.at)  # the moment of the case manager's first reminder

    about_maya = Notification.objects.filter(subject__contains=review.subject)
    assert about_maya.filter(user=demo.parent_maya).exists()  # the watcher still hears of it
    assert not about_maya.filter(user=demo.casemanager).exists()
