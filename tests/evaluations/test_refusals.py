"""What the workflow refuses, and that a refusal changes nothing."""
import pytest

from apps.accounts.models import DistrictMembership, EvaluatorOrganization, User
from apps.evaluations.models import (
    Acknowledgement,
    EvaluationRequest,
    Finding,
    FindingsVersion,
    ReportFile,
)
from apps.ieps.models import Event
from apps.students.models import Membership
from tests.core.contract import assert_error

from .helpers import TEAM, days_ahead, pdf


def _state(request_id):
    row = EvaluationRequest.objects.get(id=request_id)
    return {
        "request": {f.name: getattr(row, f.name) for f in EvaluationRequest._meta.concrete_fields},
        "files": list(ReportFile.objects.values_list("id", "sha256", "sealed_at")),
        "versions": list(FindingsVersion.objects.values_list("id", "summary", "submitted_at")),
        "findings": list(Finding.objects.values_list("id", "opinion", "rationale")),
        "acks": Acknowledgement.objects.count(),
        "events": Event.objects.count(),
        "memberships": list(Membership.objects.values_list("id", "user_id", "role", "expires_at")),
    }


def _refused(flow, response, status, code=None):
    error = assert_error(response, status, code)
    return error


# The decision -------------------------------------------------------------------------------

@pytest.mark.parametrize("persona, status", [
    ("casemanager", 403), ("ot", 403), ("slp", 403), ("parent.maya", 403),
    ("teacher.leo", 404), ("parent.leo", 404), ("evaluator", 404),
])
def test_only_a_district_administrator_approves(flow, persona, status):
    flow.request()
    before = _state(flow.id)
    response = flow.call(persona, "post", flow.url + "decision/",
                         {"decision": "approve", "cost_cap": "3000", "report_due": days_ahead()})
    assert_error(response, status)
    assert _state(flow.id) == before


def test_an_approval_records_a_cost_cap_and_a_future_report_date(flow):
    flow.request()
    before = _state(flow.id)
    error = assert_error(flow.call("admin", "post", flow.url + "decision/", {"decision": "approve"}), 400)
    assert "cost_cap" in error["fields"]
    error = assert_error(flow.call("admin", "post", flow.url + "decision/",
                                   {"decision": "approve", "cost_cap": "100", "report_due": "2001-01-01"}), 400)
    assert "report_due" in error["fields"]
    assert _state(flow.id) == before


def test_a_request_is_decided_once(flow):
    flow.request()
    flow.approve()
    before = _state(flow.id)
    again = flow.call("admin", "post", flow.url + "decision/",
                      {"decision": "deny", "note": "Changed my mind", "due_process_reference": "X-1"})
    assert_error(again, 409, "invalid_transition")
    assert _state(flow.id) == before


def test_a_second_funded_evaluation_of_the_same_recommendations_is_refused_with_the_reason(flow, demo):
    flow.to("approved")
    first = flow.id
    flow.request(recs=[flow.disputed[1], flow.undisputed[0]])  # overlaps on the OT goal
    second = flow.id
    before = _state(second)
    error = assert_error(flow.call("admin", "post", flow.url + "decision/",
                                   {"decision": "approve", "cost_cap": "2000", "report_due": days_ahead()}),
                         409, "already_funded")
    assert "Copy a 5-sentence paragraph legibly" in error["message"]
    assert f"request {first}" in error["message"]
    assert _state(second) == before
    # It can still be denied (with its due-process filing).
    denied = flow.ok(flow.call("admin", "post", flow.url + "decision/", {
        "decision": "deny", "note": "Already funded under the earlier request.",
        "due_process_reference": "OAH 2026-7"}))
    assert denied["status"] == "denied"

    # A request on other recommendations is funded normally.
    flow.request(recs=[flow.undisputed[1]])
    assert flow.approve()["status"] == "approved"


def test_a_completed_evaluation_still_counts_against_a_second_one(flow):
    flow.to("considered")
    flow.ok(flow.call("admin", "post", flow.url + "close/"))
    flow.request(recs=[flow.disputed[0]])
    assert_error(flow.call("admin", "post", flow.url + "decision/",
                           {"decision": "approve", "cost_cap": "1", "report_due": days_ahead()}), 409, "already_funded")


@pytest.mark.parametrize("ending", ["withdrawn", "denied", "revoked before submit"])
def test_a_request_that_was_never_completed_does_not_block_a_new_one(flow, ending):
    flow.request()
    if ending == "withdrawn":
        flow.ok(flow.call("parent.maya", "post", flow.url + "withdraw/"))
    elif ending == "denied":
        flow.ok(flow.call("admin", "post", flow.url + "decision/", {
            "decision": "deny", "note": "No.", "due_process_reference": "OAH 1"}))
    else:
        flow.approve()
        flow.assign()
        flow.attest()
        flow.ok(flow.call("admin", "post", flow.url + "revoke/", {"note": "The evaluator fell ill."}))
    flow.request()
    assert flow.approve()["status"] == "approved"


# The evaluator ------------------------------------------------------------------------------

def _evaluator_like(email, **extra):
    org, _ = EvaluatorOrganization.objects.get_or_create(name="Another Practice")
    return User.objects.create_user(email, "pw-123456789", full_name=email.split("@")[0].title(),
                                    evaluator_organization=org, **extra)


def test_a_district_employee_is_never_the_independent_evaluator(flow, demo):
    flow.to("approved")
    before = _state(flow.id)
    # A teacher of the district (on another child's team) ...
    error = assert_error(flow.call("admin", "post", flow.url + "assign/", {"evaluator": demo.teacher_leo.id}), 400,
                         "evaluator_not_independent")
    assert "works for the district" in error["message"] and "evaluator" in error["fields"]
    # ... even one registered with an evaluator organisation.
    moonlighting = _evaluator_like("moonlight@demo.example")
    DistrictMembership.objects.create(user=moonlighting, district=demo.maya.district,
                                      role=DistrictMembership.Role.EMPLOYEE)
    error = assert_error(flow.call("admin", "post", flow.url + "assign/", {"evaluator": moonlighting.id}), 400,
                         "evaluator_not_independent")
    assert "works for the district" in error["message"]
    # The district's administrator neither.
    assert_error(flow.call("admin", "post", flow.url + "assign/", {"evaluator": demo.admin.id}), 400,
                 "evaluator_not_independent")
    assert _state(flow.id) == before


def test_a_member_of_the_childs_team_or_a_person_without_an_evaluator_organisation_is_refused(flow, demo):
    flow.to("approved")
    relative = _evaluator_like("aunt@family.example")
    Membership.objects.create(user=relative, student=demo.maya, role="parent")
    before = _state(flow.id)
    error = assert_error(flow.call("admin", "post", flow.url + "assign/", {"evaluator": relative.id}), 400,
                         "evaluator_not_independent")
    assert "on this child's team" in error["message"]
    plain = User.objects.create_user("someone@else.example", "pw-123456789", full_name="Some One")
    error = assert_error(flow.call("admin", "post", flow.url + "assign/", {"evaluator": plain.id}), 400,
                         "evaluator_not_independent")
    assert "organisation" in error["message"]
    assert_error(flow.call("admin", "post", flow.url + "assign/", {"evaluator": 999999}), 400)
    assert _state(flow.id) == before
    # The list the administrator picks from shows only the eligible.
    options = flow.ok(flow.call("admin", "get", flow.url + "evaluators/"))["results"]
    assert [o["id"] for o in options] == [demo.evaluator.id]
    assert_error(flow.call("casemanager", "get", flow.url + "evaluators/"), 403)


@pytest.mark.parametrize("persona, status", [("casemanager", 403), ("parent.maya", 403), ("evaluator", 404)])
def test_only_the_administrator_assigns(flow, demo, persona, status):
    flow.to("approved")
    before = _state(flow.id)
    assert_error(flow.call(persona, "post", flow.url + "assign/", {"evaluator": demo.evaluator.id}), status)
    assert _state(flow.id) == before


def test_an_incomplete_attestation_is_refused_and_shows_nothing(flow):
    flow.to("assigned")
    before = _state(flow.id)
    for payload in [
        {"independent_of_district": False, "independent_of_family": True, "statement": "I am independent."},
        {"independent_of_district": True, "independent_of_family": False, "statement": "I am independent."},
        {"independent_of_district": True, "independent_of_family": True, "statement": "   "},
    ]:
        assert_error(flow.call("evaluator", "post", flow.url + "attestation/", payload), 400)
    assert _state(flow.id) == before
    assert set(flow.ok(flow.call("evaluator", "get", flow.url))) >= {"attestation_required"}
    # Nobody else attests for them.
    assert_error(flow.call("casemanager", "post", flow.url + "attestation/", {
        "independent_of_district": True, "independent_of_family": True, "statement": "Me"}), 403)


# Uploads and findings -----------------------------------------------------------------------

def test_nobody_but_the_assigned_evaluator_uploads(flow, demo, media):
    flow.to("attested")
    other = _evaluator_like("other.evaluator@practice.example")
    from tests.conftest import token_for

    token = token_for(other)
    before = _state(flow.id)
    for persona, status in [("admin", 403), ("casemanager", 403), ("ot", 403), ("slp", 403),
                            ("parent.maya", 403), ("teacher.leo", 404), ("parent.leo", 404)]:
        assert_error(flow.upload(pdf(), persona=persona), status)
    from rest_framework.test import APIClient

    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    from .helpers import upload

    assert_error(stranger.post(flow.url + "report/", {"file": upload(pdf())}, format="multipart"), 404)
    assert _state(flow.id) == before
    assert media.files() == []


def test_findings_are_about_the_disputed_recommendations_only(flow, demo):
    flow.to("attested")
    first, second = flow.disputed
    bad = [
        [{"recommendation": flow.undisputed[0].id, "opinion": "agree", "rationale": "x"}],
        [{"recommendation": demo.leo_recs[0].id, "opinion": "agree", "rationale": "x"}],
        [{"recommendation": first.id, "opinion": "agree", "rationale": "x"},
         {"recommendation": first.id, "opinion": "disagree", "rationale": "y"}],
        [{"recommendation": second.id, "opinion": "modify", "minutes_per_week": 30, "rationale": "A goal has none"}],
        [{"recommendation": first.id, "opinion": "maybe", "rationale": "x"}],
        [{"recommendation": first.id, "opinion": "agree", "rationale": "  "}],
    ]
    before = _state(flow.id)
    for findings in bad:
        assert_error(flow.call("evaluator", "put", flow.url + "findings/", {"summary": "S", "findings": findings}), 400)
    assert _state(flow.id) == before


def test_submit_needs_a_finding_for_every_disputed_recommendation_a_summary_and_the_report(flow, media):
    flow.to("attested")
    first, _second = flow.disputed
    flow.save_findings({"summary": "Partial", "findings": [
        {"recommendation": first.id, "opinion": "agree", "rationale": "Fine."}]})
    flow.ok(flow.upload(), 201)
    before = _state(flow.id)
    error = assert_error(flow.call("evaluator", "post", flow.url + "submit/"), 400, "findings_incomplete")
    assert str(flow.disputed[1].id) in error["fields"]["findings"][0]
    assert _state(flow.id) == before

    payload = flow.findings_payload()
    flow.save_findings({**payload, "summary": ""})
    assert "summary" in assert_error(flow.call("evaluator", "post", flow.url + "submit/"), 400)["fields"]

    flow.save_findings()
    report_id = ReportFile.objects.get(request_id=flow.id).id
    assert flow.call("evaluator", "delete", flow.url + f"files/{report_id}/").status_code == 204
    assert_error(flow.call("evaluator", "post", flow.url + "submit/"), 400, "report_missing")
    assert EvaluationRequest.objects.get(id=flow.id).status == "in_progress"


def test_nothing_changes_after_submit(flow, demo, media):
    flow.to("submitted")
    report = ReportFile.objects.get(request_id=flow.id)
    stored_before = media.files()
    before = _state(flow.id)
    attempts = [
        flow.call("evaluator", "put", flow.url + "findings/", flow.findings_payload()),
        flow.upload(pdf("A different report")),
        flow.upload(pdf("An appendix"), kind="appendix"),
        flow.call("evaluator", "delete", flow.url + f"files/{report.id}/"),
        flow.call("evaluator", "post", flow.url + "submit/"),
        flow.call("evaluator", "post", flow.url + "attestation/", {
            "independent_of_district": True, "independent_of_family": True, "statement": "Again"}),
        flow.call("parent.maya", "post", flow.url + "withdraw/"),
        flow.call("admin", "post", flow.url + "decision/", {"decision": "approve", "cost_cap": "1"}),
        flow.call("admin", "post", flow.url + "assign/", {"evaluator": demo.evaluator.id}),
    ]
    for response in attempts:
        assert_error(response, 409)
    assert _state(flow.id) == before
    assert media.files() == stored_before
    # Team members cannot delete a sealed file either (they may read it: 403, not 404).
    assert_error(flow.call("casemanager", "delete", flow.url + f"files/{report.id}/"), 403)


def test_an_amendment_is_a_new_version_and_the_team_considers_it_again(flow, demo):
    flow.to("considered")
    assert_error(flow.call("evaluator", "post", flow.url + "amendments/", {**flow.findings_payload(), "note": ""}),
                 400)
    payload = flow.findings_payload()
    payload["findings"][0]["minutes_per_week"] = 45
    amended = flow.call("evaluator", "post", flow.url + "amendments/",
                        {**payload, "note": "Corrected the recommended minutes."})
    assert amended.status_code == 201, amended.content
    assert amended.json()["version"] == 2
    seen = flow.ok(flow.call("parent.maya", "get", flow.url))
    assert seen["status"] == "submitted" and seen["findings_version"]["version"] == 2
    assert seen["findings"][0]["minutes_per_week"] == 45
    assert len(seen["pending_acknowledgements"]) == len(TEAM)
    original = flow.ok(flow.call("parent.maya", "get", flow.url + "findings/?version=1"))
    assert original["findings"][0]["minutes_per_week"] == 60  # the sealed version is untouched
    for persona in TEAM:
        flow.acknowledge(persona)
    assert flow.ok(flow.call("ot", "get", flow.url))["status"] == "considered"
    assert Acknowledgement.objects.filter(request_id=flow.id).count() == 2 * len(TEAM)
    assert_error(flow.call("casemanager", "post", flow.url + "amendments/", {**payload, "note": "mine"}), 403)


def test_amendments_wait_for_submit(flow):
    flow.to("drafted")
    assert_error(flow.call("evaluator", "post", flow.url + "amendments/",
                           {**flow.findings_payload(), "note": "Too early"}), 409)


# Acknowledging, withdrawing, closing, revoking ----------------------------------------------

def test_acknowledgements_come_from_team_members_after_submit_once_each(flow, demo):
    flow.to("drafted")
    assert_error(flow.call("parent.maya", "post", flow.url + "acknowledge/"), 409)
    flow.submit()
    for persona, status in [("admin", 403), ("evaluator", 403), ("parent.leo", 404)]:
        assert_error(flow.call(persona, "post", flow.url + "acknowledge/"), status)
    flow.acknowledge("ot")
    flow.acknowledge("ot")
    assert Acknowledgement.objects.filter(request_id=flow.id).count() == 1
    body = flow.ok(flow.call("slp", "get", flow.url))
    assert [a["user"]["id"] for a in body["acknowledgements"]] == [demo.ot.id]
    assert body["status"] == "submitted"


def test_only_the_requester_withdraws_and_only_before_submit(flow, demo):
    flow.to("attested")
    for persona, status in [("casemanager", 403), ("admin", 403), ("evaluator", 403)]:
        assert_error(flow.call(persona, "post", flow.url + "withdraw/"), status)
    body = flow.ok(flow.call("parent.maya", "post", flow.url + "withdraw/", {"note": "We agreed at a meeting."}))
    assert body["status"] == "withdrawn"
    assert not Membership.objects.filter(user=demo.evaluator).exists()
    assert_error(flow.call("evaluator", "get", flow.url), 404)


def test_closing_waits_until_the_team_considered_it_and_is_for_the_admin_or_case_manager(flow):
    flow.to("submitted")
    assert_error(flow.call("casemanager", "post", flow.url + "close/"), 409)
    for persona in TEAM:
        flow.acknowledge(persona)
    for persona in ["parent.maya", "ot", "evaluator"]:
        assert_error(flow.call(persona, "post", flow.url + "close/"), 403)
    assert flow.ok(flow.call("admin", "post", flow.url + "close/"))["status"] == "closed"


def test_only_the_administrator_revokes_with_a_reason_and_only_before_close(flow, demo):
    flow.to("drafted")
    for persona in ["casemanager", "parent.maya", "evaluator"]:
        assert_error(flow.call(persona, "post", flow.url + "revoke/", {"note": "No"}), 403)
    assert "note" in assert_error(flow.call("admin", "post", flow.url + "revoke/", {}), 400)["fields"]
    body = flow.ok(flow.call("admin", "post", flow.url + "revoke/", {"note": "Conflict of interest found."}))
    assert (body["status"], body["end_note"]) == ("revoked", "Conflict of interest found.")
    assert_error(flow.call("admin", "post", flow.url + "revoke/", {"note": "Again"}), 409)
    assert_error(flow.call("evaluator", "get", flow.url), 404)
    # The draft never reaches the team.
    team_view = flow.ok(flow.call("parent.maya", "get", flow.url))
    assert "findings" not in team_view and team_view["files"] == []


def test_a_request_names_recommendations_of_this_iep(api_as, demo):
    url = f"/api/v1/ieps/{demo.maya_iep.id}/evaluation-requests/"
    for payload in [{"recommendations": []}, {"recommendations": [demo.leo_recs[0].id]},
                    {"recommendations": ["one"]}, {}, {"recommendations": [demo.maya_recs[0].id], "areas": "motor"}]:
        assert_error(api_as("parent.maya").post(url, payload, format="json"), 400)
    assert not EvaluationRequest.objects.exists()
