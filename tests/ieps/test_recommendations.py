"""Recommendations keep every version, every change is an event, and IEPs move through their statuses."""
from datetime import date

import pytest

from apps.ieps.models import IEP, Event, RecommendationVersion
from tests.consent import give_every_parent_consent
from tests.core.contract import assert_error, results

CONTRACT_FIELDS = {"id", "iep", "author", "area", "kind", "title", "description", "rationale",
                   "minutes_per_week", "setting", "status", "version"}


def _events(client, iep, after=None):
    path = f"/api/v1/ieps/{iep.id}/events/" + (f"?after={after}" if after is not None else "")
    return results(client.get(path))


def test_a_new_recommendation_answers_201_with_the_contracts_fields(api_as, demo):
    response = api_as("slp").post(f"/api/v1/ieps/{demo.maya_iep.id}/recommendations/", {
        "kind": "service", "area": "Articulation", "title": "Articulation therapy, 20 minutes a week",
        "description": "Individual sessions.", "rationale": "Two sounds still in error at age 9.",
        "minutes_per_week": 20, "setting": "Speech room",
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert CONTRACT_FIELDS <= set(body)
    assert body["iep"] == demo.maya_iep.id
    assert body["author"]["id"] == demo.slp.id
    assert (body["kind"], body["minutes_per_week"], body["status"], body["version"]) == ("service", 20, "proposed", 1)
    versions = results(api_as("slp").get(f"/api/v1/recommendations/{body['id']}/versions/"))
    assert [(v["version"], v["title"]) for v in versions] == [(1, "Articulation therapy, 20 minutes a week")]


def test_a_patch_makes_a_new_version_and_keeps_the_old_one_intact(api_as, demo):
    rec = demo.maya_recs[0]
    old_rationale, old_title = rec.rationale, rec.title
    response = api_as("ot").patch(f"/api/v1/recommendations/{rec.id}/", {
        "rationale": "Updated after the March work samples.", "minutes_per_week": 45, "change_note": "New data",
    }, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["version"], body["minutes_per_week"], body["rationale"]) == (
        2, 45, "Updated after the March work samples.")

    versions = results(api_as("parent.maya").get(f"/api/v1/recommendations/{rec.id}/versions/"))
    assert [v["version"] for v in versions] == [1, 2]
    first, second = versions
    assert (first["rationale"], first["minutes_per_week"], first["title"]) == (old_rationale, 30, old_title)
    assert (second["rationale"], second["minutes_per_week"], second["title"]) == (
        "Updated after the March work samples.", 45, old_title)
    assert second["change_note"] == "New data"
    assert first["edited_by"]["id"] == second["edited_by"]["id"] == demo.ot.id


def test_the_case_manager_may_change_anyones_recommendation_and_is_named_on_the_version(api_as, demo):
    rec = demo.maya_recs[1]  # the SLP's
    response = api_as("casemanager").patch(f"/api/v1/recommendations/{rec.id}/", {"setting": "Classroom"},
                                           format="json")
    assert response.status_code == 200, response.content
    versions = results(api_as("slp").get(f"/api/v1/recommendations/{rec.id}/versions/"))
    assert [(v["version"], v["edited_by"]["id"], v["setting"]) for v in versions] == [
        (1, demo.slp.id, "Small group"), (2, demo.casemanager.id, "Classroom")]


def test_versions_are_listed_oldest_first_with_every_old_value(api_as, demo):
    rec = demo.maya_recs[2]
    client = api_as("casemanager")
    titles = [rec.title, "Extended time (1.25×)", "Extended time (2×)", "Extended time (1.5×), tests and quizzes"]
    for title in titles[1:]:
        assert client.patch(f"/api/v1/recommendations/{rec.id}/", {"title": title}, format="json").status_code == 200
    versions = results(client.get(f"/api/v1/recommendations/{rec.id}/versions/"))
    assert [(v["version"], v["title"]) for v in versions] == list(enumerate(titles, start=1))
    assert all(v["rationale"] == rec.rationale for v in versions)
    assert client.get(f"/api/v1/recommendations/{rec.id}/").json()["version"] == 4


def test_a_patch_that_changes_nothing_makes_no_version_and_no_event(api_as, demo):
    rec = demo.maya_recs[0]
    before = (RecommendationVersion.objects.count(), Event.objects.count())
    response = api_as("ot").patch(f"/api/v1/recommendations/{rec.id}/", {"title": rec.title}, format="json")
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert (RecommendationVersion.objects.count(), Event.objects.count()) == before


def test_each_change_is_an_event_with_the_next_gapless_number(api_as, demo):
    iep = demo.maya_iep
    reader = api_as("parent.maya")
    start = [e["seq"] for e in _events(reader, iep)]
    assert start == list(range(1, len(start) + 1))
    last = start[-1]

    created = api_as("slp").post(f"/api/v1/ieps/{iep.id}/recommendations/", {
        "kind": "goal", "title": "Retell a story with 5 key events", "rationale": "Narrative retell is behind.",
    }, format="json").json()
    updated = api_as("slp").patch(f"/api/v1/recommendations/{created['id']}/",
                                  {"rationale": "Narrative retell is two years behind."}, format="json").json()
    position = api_as("parent.maya").put(f"/api/v1/recommendations/{created['id']}/position/", {
        "stance": "agree", "basis": "She loses the thread of stories at bedtime.", "observed_in": "home",
    }, format="json").json()

    new = _events(reader, iep, after=last)
    assert [(e["seq"], e["type"]) for e in new] == [
        (last + 1, "recommendation.created"), (last + 2, "recommendation.updated"), (last + 3, "position.updated")]
    assert all(set(e) == {"seq", "type", "at", "data"} for e in new)
    assert new[0]["data"]["id"] == created["id"] and new[0]["data"]["version"] == 1
    assert new[1]["data"]["version"] == 2 and new[1]["data"]["rationale"] == updated["rationale"]
    assert new[2]["data"]["id"] == position["id"] and new[2]["data"]["stance"] == "agree"
    assert new[2]["data"]["user"]["id"] == demo.parent_maya.id
    # `after` answers only what came later, and the whole log stays gapless.
    assert [e["seq"] for e in _events(reader, iep, after=last + 1)] == [last + 2, last + 3]
    assert [e["seq"] for e in _events(reader, iep)] == list(range(1, last + 4))
    iep.refresh_from_db()
    assert iep.last_event_seq == last + 3


def test_refused_writes_leave_no_hole_in_the_sequence(api_as, demo):
    iep = demo.maya_iep
    rec = demo.maya_recs[0]
    last = iep.last_event_seq
    assert_error(api_as("slp").patch(f"/api/v1/recommendations/{rec.id}/", {"title": "Mine now"}, format="json"), 403)
    assert_error(api_as("ot").patch(f"/api/v1/recommendations/{rec.id}/", {"rationale": ""}, format="json"), 400)
    assert api_as("ot").patch(f"/api/v1/recommendations/{rec.id}/", {"title": "OT, 30 minutes"},
                              format="json").status_code == 200
    assert [e["seq"] for e in _events(api_as("ot"), iep, after=last)] == [last + 1]


def test_events_of_one_iep_are_numbered_apart_from_anothers(api_as, demo):
    assert [e["seq"] for e in _events(api_as("casemanager"), demo.leo_iep)] == [1, 2]
    api_as("teacher.leo").put(f"/api/v1/recommendations/{demo.leo_recs[0].id}/position/", {"stance": "agree"},
                              format="json")
    assert [e["seq"] for e in _events(api_as("casemanager"), demo.leo_iep)] == [1, 2, 3]
    assert [e["seq"] for e in _events(api_as("casemanager"), demo.maya_iep)] == list(range(1, 8))


# --- IEP status ---------------------------------------------------------------------------------

def _status(client, iep, status):
    return client.post(f"/api/v1/ieps/{iep.id}/status/", {"status": status}, format="json")


def test_an_iep_goes_from_draft_to_proposed_to_active_by_the_parents_consent(api_as, demo):
    client = api_as("casemanager")
    iep = demo.leo_iep
    assert _status(client, iep, "proposed").json()["status"] == "proposed"
    assert_error(_status(client, iep, "active"), 409, "consent_required")
    give_every_parent_consent(iep)
    iep.refresh_from_db()
    assert iep.status == "active"
    types = [(e["type"], e["data"].get("status")) for e in _events(client, iep, after=2)
             if e["type"] == "iep.status_changed"]
    assert types == [("iep.status_changed", "proposed"), ("iep.status_changed", "active")]


def test_activating_an_iep_supersedes_the_childs_previous_active_one(api_as, demo):
    client = api_as("casemanager")
    old = demo.maya_iep
    give_every_parent_consent(old)
    new_id = client.post(f"/api/v1/students/{demo.maya.id}/ieps/", {"meeting_at": "2027-10-14"},
                         format="json").json()["id"]
    new = IEP.objects.get(id=new_id)
    assert new.status == "draft"
    assert _status(client, new, "proposed").status_code == 200
    old.refresh_from_db()
    assert old.status == "active", "proposing a new IEP leaves the active one in force"
    give_every_parent_consent(new)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == ("superseded", "active")
    assert IEP.objects.filter(student=demo.maya, status="active").count() == 1
    # Leo's IEP is another child's: untouched.
    demo.leo_iep.refresh_from_db()
    assert demo.leo_iep.status == "draft"


@pytest.mark.parametrize("start,target", [
    ("draft", "superseded"), ("draft", "draft"),
    ("proposed", "superseded"), ("active", "draft"), ("active", "proposed"), ("active", "superseded"),
    ("superseded", "draft"),
])
def test_illegal_status_changes_answer_409_and_change_nothing(api_as, demo, start, target):
    iep = demo.leo_iep
    IEP.objects.filter(id=iep.id).update(status=start)
    events = Event.objects.filter(iep=iep).count()
    assert_error(_status(api_as("casemanager"), iep, target), 409, "invalid_transition")
    iep.refresh_from_db()
    assert iep.status == start
    assert Event.objects.filter(iep=iep).count() == events


def test_a_proposal_can_go_back_to_draft(api_as, demo):
    assert _status(api_as("casemanager"), demo.maya_iep, "draft").json()["status"] == "draft"


@pytest.mark.parametrize("start", ["draft", "proposed", "active", "superseded"])
def test_activation_by_hand_is_refused_whatever_the_status(api_as, demo, start):
    iep = demo.leo_iep
    IEP.objects.filter(id=iep.id).update(status=start)
    events = Event.objects.filter(iep=iep).count()
    assert_error(_status(api_as("casemanager"), iep, "active"), 409, "consent_required")
    iep.refresh_from_db()
    assert iep.status == start
    assert Event.objects.filter(iep=iep).count() == events


def test_an_active_iep_and_its_recommendations_can_no_longer_change(api_as, demo):
    give_every_parent_consent(demo.maya_iep)
    rec = demo.maya_recs[0]
    assert_error(api_as("casemanager").patch(f"/api/v1/recommendations/{rec.id}/", {"title": "Late"},
                                             format="json"), 409, "iep_locked")
    rec.refresh_from_db()
    assert rec.version == 1


# --- Due dates ----------------------------------------------------------------------------------

@pytest.mark.parametrize("meeting,evaluated,annual,reevaluation", [
    ("2026-10-15", "2024-10-01", "2027-10-15", "2027-10-01"),
    ("2028-02-29", "2025-06-30", "2029-02-28", "2028-06-30"),  # meeting on 29 February
    ("2028-03-01", "2028-02-29", "2029-03-01", "2031-02-28"),  # evaluated on 29 February
    ("2028-02-29", "2028-02-29", "2029-02-28", "2031-02-28"),  # both
    ("2027-01-31", "2024-12-31", "2028-01-31", "2027-12-31"),
])
def test_review_is_due_a_year_after_the_meeting_and_reevaluation_three_years_after_the_evaluation(
        api_as, demo, meeting, evaluated, annual, reevaluation):
    response = api_as("casemanager").post(f"/api/v1/students/{demo.leo.id}/ieps/", {
        "meeting_at": meeting, "last_evaluated_on": evaluated}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert {"id", "student", "status", "meeting_at", "annual_review_due", "reevaluation_due", "created_at"} <= set(body)
    assert (body["student"], body["status"], body["meeting_at"]) == (demo.leo.id, "draft", meeting)
    assert (body["annual_review_due"], body["reevaluation_due"]) == (annual, reevaluation)
    stored = IEP.objects.get(id=body["id"])
    assert (stored.annual_review_due, stored.reevaluation_due) == (date.fromisoformat(annual),
                                                                   date.fromisoformat(reevaluation))


def test_a_new_iep_keeps_counting_from_the_last_evaluation_on_record(api_as, demo):
    # Leo was last evaluated on 12 May 2025 (his current IEP says so).
    body = api_as("casemanager").post(f"/api/v1/students/{demo.leo.id}/ieps/", {"meeting_at": "2027-09-20"},
                                      format="json").json()
    assert (body["annual_review_due"], body["reevaluation_due"]) == ("2028-09-20", "2028-05-12")


def test_a_child_never_evaluated_has_no_reevaluation_date(api_as, demo):
    from apps.students.models import Membership, Role, Student

    newcomer = Student.objects.create(district=demo.maya.district, school=demo.maya.school, first_name="Noor",
                                      last_name="Haddad", date_of_birth=date(2019, 5, 5))
    Membership.objects.create(user=demo.casemanager, student=newcomer, role=Role.CASE_MANAGER)
    body = api_as("casemanager").post(f"/api/v1/students/{newcomer.id}/ieps/", {"meeting_at": "2027-01-10"},
                                      format="json").json()
    assert (body["annual_review_due"], body["reevaluation_due"]) == ("2028-01-10", None)


def test_only_the_case_manager_records_the_teams_decision_and_an_author_may_withdraw(api_as, demo):
    rec = demo.maya_recs[0]  # written by the OT
    url = f"/api/v1/recommendations/{rec.id}/"
    refused = api_as("ot").patch(url, {"status": "accepted"}, format="json")
    assert_error(refused, 403, "permission_denied")
    assert api_as("ot").patch(url, {"status": "withdrawn"}, format="json").json()["status"] == "withdrawn"
    assert api_as("casemanager").patch(url, {"status": "accepted"}, format="json").json()["status"] == "accepted"
    assert list(RecommendationVersion.objects.filter(recommendation=rec).values_list("status", flat=True)) == [
        "proposed", "withdrawn", "accepted"]


def test_minutes_belong_to_services_only_even_zero(api_as, demo):
    answer = api_as("ot").post(f"/api/v1/ieps/{demo.maya_iep.id}/recommendations/",
                               {"kind": "goal", "title": "A goal", "rationale": "Why", "minutes_per_week": 0},
                               format="json")
    assert_error(answer, 400, "invalid")
    assert "minutes_per_week" in answer.json()["error"]["fields"]


def test_positions_are_closed_once_the_iep_is_active(api_as, demo):
    give_every_parent_consent(demo.maya_iep)  # every recommendation consented, so none stays open
    answer = api_as("parent.maya").put(f"/api/v1/recommendations/{demo.maya_recs[0].id}/position/",
                                       {"stance": "agree"}, format="json")
    assert_error(answer, 409, "iep_locked")



def test_on_an_active_iep_positions_stay_open_on_the_declined_recommendations_only(api_as, demo, client):
    declined, consented = demo.maya_recs[0], demo.maya_recs[1]
    give_every_parent_consent(demo.maya_iep, decline=[declined.id])
    parent = api_as("parent.maya")
    answer = parent.put(f"/api/v1/recommendations/{declined.id}/position/",
                        {"stance": "disagree", "basis": "Still tired by the second page", "observed_in": "home"},
                        format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["stance"] == "disagree"
    assert_error(parent.put(f"/api/v1/recommendations/{consented.id}/position/", {"stance": "unsure"}, format="json"),
                 409, "iep_locked")
    # The page offers the form where the service takes it, and not where it refuses.
    client.force_login(demo.parent_maya)
    assert 'id="position-form"' in client.get(f"/recommendations/{declined.id}/").content.decode()
    assert 'id="position-form"' not in client.get(f"/recommendations/{consented.id}/").content.decode()
