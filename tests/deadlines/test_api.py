"""The deadlines API of API.md: who sees what (as id sets), hand-made deadlines, closing, and
bad input answered 400 in the error format with nothing saved."""
import pytest

from apps.deadlines.models import Deadline, Kind
from apps.notifications.models import NotificationPreference
from apps.notifications.preferences import KINDS
from tests.core.contract import assert_error, results

FUTURE = "2099-03-01T15:00:00-05:00"


def ids(rows):
    return {r["id"] for r in rows}


def of_student(student):
    return set(Deadline.objects.filter(student=student).values_list("id", flat=True))


def test_each_person_lists_the_deadlines_they_own_or_watch(demo, api_as):
    maya_iep_deadlines = set(Deadline.objects.filter(iep=demo.maya_iep).values_list("id", flat=True))
    mine = results(api_as("parent.maya").get("/api/v1/deadlines/"))
    assert ids(mine) == maya_iep_deadlines  # annual review, reevaluation, consent response
    assert {r["kind"] for r in mine} == {"annual_review", "reevaluation", "consent_response"}
    assert [r["due_at"] for r in mine] == sorted(r["due_at"] for r in mine)
    row = mine[0]
    assert set(row) >= {"id", "kind", "subject", "due_at", "status", "student", "iep", "owners", "url"}
    leos = results(api_as("parent.leo").get("/api/v1/deadlines/"))
    assert ids(leos) and ids(leos) <= of_student(demo.leo) and not ids(leos) & of_student(demo.maya)
    assert results(api_as("evaluator").get("/api/v1/deadlines/")) == []
    assert ids(results(api_as("casemanager").get("/api/v1/deadlines/"))) == of_student(demo.maya) | of_student(demo.leo)


def test_filters_by_status_and_student(demo, api_as):
    client = api_as("casemanager")
    assert ids(results(client.get(f"/api/v1/deadlines/?student={demo.leo.id}"))) == of_student(demo.leo)
    assert results(client.get("/api/v1/deadlines/?status=met")) == []
    assert ids(results(client.get("/api/v1/deadlines/?status=open"))) == of_student(demo.maya) | of_student(demo.leo)
    assert_error(client.get("/api/v1/deadlines/?status=late"), 400)
    assert_error(client.get("/api/v1/deadlines/?student=maya"), 400)


@pytest.mark.parametrize("persona, status", [
    ("parent.maya", 200), ("ot", 200), ("casemanager", 200), ("admin", 200),
    ("parent.leo", 404), ("teacher.leo", 404), ("evaluator", 404),
])
def test_a_childs_deadlines_are_for_the_team_and_the_district(demo, api_as, persona, status):
    answer = api_as(persona).get(f"/api/v1/students/{demo.maya.id}/deadlines/")
    if status == 404:
        assert_error(answer, 404)
    else:
        assert ids(results(answer)) == of_student(demo.maya)
    review = Deadline.objects.get(iep=demo.maya_iep, kind=Kind.ANNUAL_REVIEW)
    detail = api_as(persona).get(f"/api/v1/deadlines/{review.id}/")
    if status == 404:
        assert_error(detail, 404)
    else:
        body = detail.json()
        assert body["id"] == review.id and isinstance(body["reminders"], list)
        assert {r["kind"] for r in body["reminders"]} <= {"before", "overdue", "escalation"}


def test_the_case_manager_adds_a_meeting(demo, api_as):
    answer = api_as("casemanager").post(f"/api/v1/students/{demo.maya.id}/deadlines/", {
        "kind": "meeting", "subject": "IEP meeting", "due_at": FUTURE, "owners": [demo.casemanager.id, demo.ot.id]},
        format="json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["owners"] == sorted([demo.casemanager.id, demo.ot.id]) and body["status"] == "open"
    assert body["due_at"].startswith("2099-03-01T20:00:00") and body["all_day"] is False
    deadline = Deadline.objects.get(id=body["id"])
    assert deadline.reminders.filter(kind="before").count() == 2 * 3


def test_an_administrator_adds_one_owned_by_the_case_manager(demo, api_as):
    answer = api_as("admin").post(f"/api/v1/students/{demo.maya.id}/deadlines/", {
        "kind": "other", "subject": "Transport plan", "due_at": "2099-03-01"}, format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["owners"] == [demo.casemanager.id] and answer.json()["all_day"] is True


@pytest.mark.parametrize("change, field", [
    ({"due_at": "2020-01-01T10:00:00Z"}, "due_at"),
    ({"due_at": "2099-02-30"}, "due_at"),
    ({"due_at": "next tuesday"}, "due_at"),
    ({"due_at": 1234}, "due_at"),
    ({"kind": "birthday"}, "kind"),
    ({"kind": "annual_review"}, "kind"),
    ({"owners": "PARENT_LEO"}, "owners"),
    ({"owners": ["x"]}, "owners.0"),
    ({"subject": ""}, "subject"),
    ({"subject": "x" * 201}, "subject"),
])
def test_bad_input_is_refused_and_nothing_is_saved(demo, api_as, change, field):
    payload = {"kind": "meeting", "subject": "IEP meeting", "due_at": FUTURE, **change}
    if change.get("owners") == "PARENT_LEO":
        payload["owners"] = [demo.parent_leo.id]
        field = "owners"
    before = Deadline.objects.count()
    error = assert_error(api_as("casemanager").post(f"/api/v1/students/{demo.maya.id}/deadlines/", payload,
                                                    format="json"), 400)
    assert any(key == field or key.startswith(field) for key in error["fields"]), error
    assert Deadline.objects.count() == before


def test_who_may_not_add_one(demo, api_as):
    payload = {"kind": "meeting", "subject": "IEP meeting", "due_at": FUTURE}
    before = Deadline.objects.count()
    for persona in ("parent.maya", "ot"):
        assert_error(api_as(persona).post(f"/api/v1/students/{demo.maya.id}/deadlines/", payload, format="json"), 403)
    for persona in ("parent.leo", "teacher.leo", "evaluator"):
        assert_error(api_as(persona).post(f"/api/v1/students/{demo.maya.id}/deadlines/", payload, format="json"), 404)
    assert_error(api_as(None).post(f"/api/v1/students/{demo.maya.id}/deadlines/", payload, format="json"), 401)
    assert Deadline.objects.count() == before


def test_closing_a_deadline(demo, api_as):
    review = Deadline.objects.get(iep=demo.maya_iep, kind=Kind.ANNUAL_REVIEW)
    url = f"/api/v1/deadlines/{review.id}/"
    for persona in ("parent.maya", "ot"):
        assert_error(api_as(persona).post(url + "met/"), 403)
    for persona in ("parent.leo", "teacher.leo", "evaluator"):
        assert_error(api_as(persona).post(url + "cancel/"), 404)
    answer = api_as("casemanager").post(url + "met/")
    assert answer.status_code == 200 and answer.json()["status"] == "met"
    assert not review.reminders.filter(sent_at__isnull=True).exists()
    assert_error(api_as("admin").post(url + "cancel/"), 409, "deadline_closed")


def test_preferences_list_every_kind_and_change_only_what_is_given(demo, api_as):
    client = api_as("parent.maya")
    body = client.get("/api/v1/me/notification-preferences/").json()
    assert set(body["kinds"]) == set(KINDS)
    assert body["kinds"]["deadline.reminder"] == {"email": "immediate", "in_app": True}
    answer = client.put("/api/v1/me/notification-preferences/", {
        "timezone": "America/Chicago", "kinds": {"deadline.reminder": {"email": "digest"}}}, format="json")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["timezone"] == "America/Chicago" and body["digest_hour"] == 7
    assert body["kinds"]["deadline.reminder"] == {"email": "digest", "in_app": True}
    assert body["kinds"]["mention"] == {"email": "immediate", "in_app": True}
    client.put("/api/v1/me/notification-preferences/", {"kinds": {"deadline.reminder": {"in_app": False}}},
               format="json")
    assert client.get("/api/v1/me/notification-preferences/").json()["kinds"]["deadline.reminder"] == {
        "email": "digest", "in_app": False}
    # Somebody else's preferences are their own.
    assert api_as("parent.leo").get("/api/v1/me/notification-preferences/").json()["timezone"] == ""


@pytest.mark.parametrize("payload, field", [
    ({"kinds": {"birthday": {"email": "off"}}}, "kinds.birthday"),
    ({"kinds": {"mention": {"email": "weekly"}}}, "kinds.mention.email"),
    ({"kinds": {"mention": {"in_app": "yes"}}}, "kinds.mention.in_app"),
    ({"kinds": {"mention": {"sms": True}}}, "kinds.mention"),
    ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
    ({"digest_hour": 24}, "digest_hour"),
])
def test_unknown_preferences_are_refused_and_nothing_changes(demo, api_as, payload, field):
    error = assert_error(api_as("parent.maya").put("/api/v1/me/notification-preferences/",
                                                   {"timezone": "America/Chicago", **payload}, format="json"), 400)
    assert field in error["fields"], error
    assert not NotificationPreference.objects.filter(user=demo.parent_maya).exists()
