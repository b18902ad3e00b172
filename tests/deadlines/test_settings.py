"""The district administrator's deadline settings (page and API): per-kind periods with the
federal defaults shown, and the district's time zone. A change moves the open deadlines that
depend on it; bad input is refused whole (400, nothing saved); nobody else may see or change them."""
from datetime import date, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from apps.deadlines.models import (
    Deadline,
    DeadlinePeriod,
    DistrictCalendar,
    Kind,
    Reminder,
)
from tests.core.contract import assert_error

from .conftest import local

URL = "/api/v1/deadline-settings/"
PAGE = "/deadlines/settings/"


def test_the_administrator_reads_each_kinds_period_with_the_federal_default(demo, api_as):
    body = api_as("admin").get(URL).json()
    assert body["district"] == demo.maya.district_id and body["timezone"] == "America/New_York"
    periods = {p["kind"]: p for p in body["periods"]}
    assert set(periods) == {"evaluation_decision", "evaluation_report", "consent_response"}
    assert periods["consent_response"] == {"kind": "consent_response", "label": "Response to the proposed IEP",
                                           "count": 10, "unit": "calendar", "default_count": 10,
                                           "default_unit": "calendar", "is_default": True}


def test_a_new_period_moves_the_open_deadlines_counted_from_a_start(demo, api_as, flow):
    with time_machine.travel(local(2027, 3, 5, 10), tick=False):
        flow.request()
        deadline = Deadline.objects.get(kind=Kind.EVALUATION_DECISION, source_id=flow.id)
        before = deadline.due_on
        response = api_as("admin").put(URL, {"periods": {"evaluation_decision": {"unit": "school", "count": 15}}},
                                       format="json")
    assert response.status_code == 200, response.content
    assert {p["kind"]: (p["count"], p["unit"], p["is_default"]) for p in response.json()["periods"]}[
        "evaluation_decision"] == (15, "school", False)
    deadline.refresh_from_db()
    # 15 school days from Friday 5 March 2027 (no closed days): Friday 26 March.
    assert deadline.due_on == date(2027, 3, 26) != before
    assert (deadline.period_count, deadline.period_unit, deadline.sequence) == (15, "school", 1)
    # The request says the same date wherever it is shown: its API, as the parent reads it too.
    for persona in ("admin", "parent.maya"):
        shown = api_as(persona).get(f"/api/v1/evaluation-requests/{flow.id}/").json()
        assert shown["decision_due"] == "2027-03-26", persona


def test_a_new_time_zone_moves_all_day_deadlines_and_the_reminders_of_people_without_their_own(demo, api_as):
    annual = Deadline.objects.filter(kind=Kind.ANNUAL_REVIEW, student=demo.maya, status="open").get()
    with time_machine.travel(local(2026, 12, 1, 12), tick=False):
        response = api_as("admin").put(URL, {"timezone": "America/Los_Angeles"}, format="json")
    assert response.status_code == 200 and response.json()["timezone"] == "America/Los_Angeles"
    la = ZoneInfo("America/Los_Angeles")
    annual.refresh_from_db()
    assert annual.due_at.astimezone(la).time() == time(23, 59, 59) and annual.due_at.astimezone(la).date() == annual.due_on
    hers = Reminder.objects.filter(deadline=annual, user=demo.parent_maya, sent_at__isnull=True)
    assert hers and all(r.at.astimezone(la).time() == time(8, 0) for r in hers)


@pytest.mark.parametrize("payload, field", [
    ({"periods": {"no_such_kind": {"unit": "school", "count": 5}}}, "periods.no_such_kind"),
    ({"periods": {"annual_review": {"unit": "school", "count": 5}}}, "periods.annual_review"),
    ({"periods": {"evaluation_decision": {"unit": "fortnights", "count": 5}}}, "periods.evaluation_decision.unit"),
    ({"periods": {"evaluation_decision": {"unit": "school", "count": -3}}}, "periods.evaluation_decision.count"),
    ({"periods": {"evaluation_decision": {"unit": "school", "count": "ten"}}}, "periods.evaluation_decision.count"),
    ({"periods": {"evaluation_decision": {"unit": "school"}}}, "periods.evaluation_decision"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    # One bad part refuses the good one with it.
    ({"timezone": "America/Chicago", "periods": {"consent_response": {"unit": "school", "count": 0}}},
     "periods.consent_response.count"),
])
def test_bad_settings_are_refused_whole_and_nothing_is_saved(demo, api_as, payload, field):
    response = api_as("admin").put(URL, payload, format="json")
    assert_error(response, 400)
    assert field in response.json()["error"]["fields"]
    assert not DeadlinePeriod.objects.exists()
    assert not DistrictCalendar.objects.exclude(timezone="America/New_York").exists()


@pytest.mark.parametrize("persona", ["casemanager", "ot", "teacher.leo", "parent.maya", "parent.leo", "evaluator"])
def test_only_the_districts_administrators_see_or_change_them(demo, api_as, persona):
    assert api_as(persona).get(URL).status_code == 404
    put = api_as(persona).put(URL, {"timezone": "America/Chicago"}, format="json")
    assert put.status_code == 404
    client = Client()
    client.force_login(demo.users[persona])
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE, {"timezone": "America/Chicago"}).status_code == 404
    assert not DistrictCalendar.objects.exclude(timezone="America/New_York").exists()
    assert api_as(None).get(URL).status_code == 401


def _form(**changes):
    data = {"timezone": "America/New_York", "evaluation_decision__count": 60, "evaluation_decision__unit": "calendar",
            "evaluation_report__count": 60, "evaluation_report__unit": "calendar",
            "consent_response__count": 10, "consent_response__unit": "calendar"}
    return {**data, **changes}


def test_the_page_shows_the_defaults_saves_and_shows_refusals_next_to_the_field(demo, settings):
    client = Client()
    client.force_login(demo.admin)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Federal default" in page.content.decode()
    refused = client.post(PAGE, _form(consent_response__count=-1))
    assert refused.status_code == 400 and "field__error" in refused.content.decode()
    assert not DeadlinePeriod.objects.exists()
    saved = client.post(PAGE, _form(consent_response__count=15, consent_response__unit="school",
                                    timezone="America/Chicago"))
    assert saved.status_code == 302
    assert DeadlinePeriod.objects.get(kind="consent_response").unit == "school"
    assert DistrictCalendar.objects.get(district=demo.maya.district).timezone == "America/Chicago"
