"""The whole third-party evaluation, through the API, with every demo persona looking at every step.

The expectations are written out by hand from the issue and API.md:
- the request is seen by Maya's team (parent, case manager, OT, SLP) and the district admin;
  never by Leo's people;
- the assigned evaluator sees a stub of their own request until they attest, and nothing of the
  case; afterwards Maya's student, IEP and the two disputed recommendations only; never Leo;
  nothing once the engagement is closed;
- the draft report and findings are the evaluator's alone; on submit everyone above sees them.
"""
import pytest

from apps.evaluations.models import EvaluationRequest, ReportFile
from tests.core.contract import assert_error

from .helpers import ALL, TEAM, pdf, read_bytes

STAGES = ["requested", "approved", "assigned", "attested", "drafted", "submitted", "considered", "closed"]
PERSONAS = ["admin", "casemanager", "ot", "slp", "parent.maya", "teacher.leo", "parent.leo", "evaluator"]

# GET /evaluation-requests/{id}/ — "stub" is a 200 with the evaluator's engagement stub only.
DETAIL = {
    #              admin   cm    ot    slp  p.maya t.leo p.leo  evaluator
    "requested":  (200,   200,  200,  200,  200,   404,  404,   404),
    "approved":   (200,   200,  200,  200,  200,   404,  404,   404),
    "assigned":   (200,   200,  200,  200,  200,   404,  404,   "stub"),
    "attested":   (200,   200,  200,  200,  200,   404,  404,   200),
    "drafted":    (200,   200,  200,  200,  200,   404,  404,   200),
    "submitted":  (200,   200,  200,  200,  200,   404,  404,   200),
    "considered": (200,   200,  200,  200,  200,   404,  404,   200),
    "closed":     (200,   200,  200,  200,  200,   404,  404,   404),
}

# Are `summary` and `findings` in that answer?
FINDINGS_SHOWN = {
    "drafted":    (False, False, False, False, False, None, None, True),
    "submitted":  (True,  True,  True,  True,  True,  None, None, True),
    "considered": (True,  True,  True,  True,  True,  None, None, True),
    "closed":     (True,  True,  True,  True,  True,  None, None, None),
}

# GET /evaluation-requests/{id}/report/ — the main report's bytes, or a refusal.
REPORT = {
    "assigned":   (404,   404,  404,  404,  404,   404,  404,   403),
    "attested":   (404,   404,  404,  404,  404,   404,  404,   404),
    "drafted":    (404,   404,  404,  404,  404,   404,  404,   200),
    "submitted":  (200,   200,  200,  200,  200,   404,  404,   200),
    "considered": (200,   200,  200,  200,  200,   404,  404,   200),
    "closed":     (200,   200,  200,  200,  200,   404,  404,   404),
}

# What the evaluator sees of the children's records: Maya's student, IEP, a disputed and an
# undisputed recommendation; Leo's student, IEP and recommendation.
EVALUATOR_CASE = {
    "requested":  (404, 404, 404, 404, 404, 404, 404),
    "approved":   (404, 404, 404, 404, 404, 404, 404),
    "assigned":   (404, 404, 404, 404, 404, 404, 404),
    "attested":   (200, 200, 200, 404, 404, 404, 404),
    "drafted":    (200, 200, 200, 404, 404, 404, 404),
    "submitted":  (200, 200, 200, 404, 404, 404, 404),
    "considered": (200, 200, 200, 404, 404, 404, 404),
    "closed":     (404, 404, 404, 404, 404, 404, 404),
}

STUB_KEYS = {"id", "status", "district", "evaluator", "report_due", "cost_cap", "purchase_reference",
             "attestation_required"}


def _listed(flow, persona):
    body = flow.ok(flow.call(persona, "get", "/api/v1/evaluation-requests/"))
    return {row["id"]: row for row in body["results"]}


def _check_stage(flow, stage, report_bytes):
    d = flow.demo
    for i, persona in enumerate(PERSONAS):
        expected = DETAIL[stage][i]
        response = flow.call(persona, "get", flow.url)
        rows = _listed(flow, persona)
        listed = flow.id in rows
        if expected == 404:
            assert_error(response, 404)
            assert not listed, (stage, persona)
            continue
        assert response.status_code == 200, (stage, persona, response.content[:300])
        body = response.json()
        assert listed, (stage, persona)
        assert rows[flow.id] == body, (stage, persona)  # the list shows each row as the detail does
        if expected == "stub":
            assert set(body) == STUB_KEYS, (stage, persona, body)
            assert body["attestation_required"] is True
            text = response.content.decode()
            for secret in ("Maya", "Rivera", "Elena", "Fine motor", "occupational", "Oak Street"):
                assert secret not in text, (stage, persona, secret)
            continue
        assert body["id"] == flow.id and body["student"]["first_name"] == "Maya"
        assert [r["id"] for r in body["recommendations"]] == [r.id for r in flow.disputed]
        shown = FINDINGS_SHOWN.get(stage, (False,) * len(PERSONAS))[i]
        assert ("summary" in body) is bool(shown), (stage, persona)
        assert ("findings" in body) is bool(shown), (stage, persona)
        if shown:
            assert body["summary"].startswith("Maya's fine-motor needs")
            assert [f["opinion"] for f in body["findings"]] == ["modify", "agree"]
        if persona != "evaluator" and stage in ("attested", "drafted"):
            assert body["files"] == [], (stage, persona)

    if stage in REPORT:
        for i, persona in enumerate(PERSONAS):
            response = flow.call(persona, "get", flow.url + "report/")
            expected = REPORT[stage][i]
            if expected != 200:
                assert_error(response, expected)
                continue
            assert response.status_code == 200, (stage, persona)
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"].startswith("attachment;")
            assert response["X-Content-Type-Options"] == "nosniff"
            assert read_bytes(response) == report_bytes, (stage, persona)

    maya_rec, other_rec, leo_rec = flow.disputed[0], flow.undisputed[0], d.leo_recs[0]
    paths = [f"/api/v1/students/{d.maya.id}/", f"/api/v1/ieps/{d.maya_iep.id}/",
             f"/api/v1/recommendations/{maya_rec.id}/", f"/api/v1/recommendations/{other_rec.id}/",
             f"/api/v1/students/{d.leo.id}/", f"/api/v1/ieps/{d.leo_iep.id}/", f"/api/v1/recommendations/{leo_rec.id}/"]
    seen = tuple(flow.call("evaluator", "get", p).status_code for p in paths)
    assert seen == EVALUATOR_CASE[stage], (stage, seen)
    students = {s["first_name"] for s in flow.ok(flow.call("evaluator", "get", "/api/v1/students/"))["results"]}
    assert students == ({"Maya"} if EVALUATOR_CASE[stage][0] == 200 else set()), (stage, students)

    # Anonymous callers are asked to sign in, at every step.
    assert_error(flow.api_as(None).get(flow.url), 401)


def test_the_whole_flow_shows_each_persona_exactly_what_they_may_see_at_every_step(flow, demo, media):
    report = pdf("Independent evaluation of Maya Rivera: fine motor")

    flow.request()
    _check_stage(flow, "requested", report)

    flow.approve()
    _check_stage(flow, "approved", report)

    flow.assign()
    _check_stage(flow, "assigned", report)
    # Before attesting, the evaluator may not touch the case either.
    refusals = [flow.call("evaluator", "get", flow.url + path) for path in ("files/", "findings/", "questions/")]
    refusals += [flow.upload(report), flow.call("evaluator", "put", flow.url + "findings/", flow.findings_payload())]
    for refusal in refusals:
        assert assert_error(refusal, 403)["message"].startswith("Attest your independence first")

    flow.attest()
    _check_stage(flow, "attested", report)

    assert flow.upload(report, name="Ames - IEE report.pdf").status_code == 201
    appendix = pdf("Appendix A: test scores")
    assert flow.upload(appendix, name="appendix-a.pdf", kind="appendix").status_code == 201
    flow.save_findings()
    _check_stage(flow, "drafted", report)
    for persona in ["admin", *TEAM]:
        assert_error(flow.call(persona, "get", flow.url + "findings/"), 404)
        assert flow.ok(flow.call(persona, "get", flow.url + "files/"))["results"] == []
    draft = flow.ok(flow.call("evaluator", "get", flow.url + "findings/"))
    assert draft["submitted_at"] is None and len(draft["findings"]) == 2

    submitted = flow.submit()
    assert submitted["status"] == "submitted" and submitted["summary"]
    _check_stage(flow, "submitted", report)
    files = flow.ok(flow.call("parent.maya", "get", flow.url + "files/"))["results"]
    assert [(f["kind"], f["name"], f["sealed"]) for f in files] == [
        ("report", "Ames - IEE report.pdf", True), ("appendix", "appendix-a.pdf", True)]
    for persona in ["admin", *TEAM]:
        answer = flow.call(persona, "get", flow.url + f"files/{files[1]['id']}/")
        assert answer.status_code == 200 and read_bytes(answer) == appendix
        assert flow.ok(flow.call(persona, "get", flow.url + "findings/"))["version"] == 1
    pending = flow.ok(flow.call("casemanager", "get", flow.url))["pending_acknowledgements"]
    assert sorted(p["user"]["id"] for p in pending) == sorted(demo.users[p].id for p in TEAM)

    for persona in TEAM:
        flow.acknowledge(persona)
    _check_stage(flow, "considered", report)
    body = flow.ok(flow.call("admin", "get", flow.url))
    assert body["status"] == "considered" and body["pending_acknowledgements"] == []
    assert sorted(a["user"]["id"] for a in body["acknowledgements"]) == sorted(demo.users[p].id for p in TEAM)

    closed = flow.ok(flow.call("casemanager", "post", flow.url + "close/", {"note": "Considered at the meeting."}))
    assert closed["status"] == "closed"
    _check_stage(flow, "closed", report)
    assert EvaluationRequest.objects.get(id=flow.id).status == "closed"
    assert ReportFile.objects.filter(request_id=flow.id).count() == 2


def test_a_denial_needs_a_note_and_a_due_process_reference_and_the_parent_sees_both(flow, demo):
    flow.request()
    missing = flow.call("admin", "post", flow.url + "decision/", {"decision": "deny", "note": ""})
    error = assert_error(missing, 400)
    assert set(error["fields"]) == {"note", "due_process_reference"}
    assert flow.ok(flow.call("parent.maya", "get", flow.url))["status"] == "requested"

    flow.ok(flow.call("admin", "post", flow.url + "decision/", {
        "decision": "deny", "note": "The district's 2025 evaluation is appropriate.",
        "due_process_reference": "OAH case 2026-110045"}))
    seen = flow.ok(flow.call("parent.maya", "get", flow.url))
    assert (seen["status"], seen["decision"]) == ("denied", "deny")
    assert seen["decision_note"] == "The district's 2025 evaluation is appropriate."
    assert seen["due_process_reference"] == "OAH case 2026-110045"
    from apps.notifications.models import Notification

    told = Notification.objects.get(user=demo.parent_maya, kind="evaluation.decided")
    assert "OAH case 2026-110045" in told.text
    # A denied request goes no further.
    assert_error(flow.call("admin", "post", flow.url + "assign/", {"evaluator": demo.evaluator.id}), 409)


def test_the_decision_due_date_is_fourteen_days_out_and_every_team_member_sees_it(flow, demo, settings):
    from datetime import timedelta

    from django.utils import timezone

    body = flow.request(persona="casemanager", reason="")
    assert body["decision_due"] == (timezone.localdate() + timedelta(days=14)).isoformat()
    assert body["reason"] == ""  # optional by law
    for persona in ["admin", *TEAM]:
        assert flow.ok(flow.call(persona, "get", flow.url))["decision_due"] == body["decision_due"]
    settings.EVALUATION_DECISION_DAYS = 5
    second = flow.request()
    assert second["decision_due"] == (timezone.localdate() + timedelta(days=5)).isoformat()


def test_an_approval_without_a_report_due_date_gets_the_default(flow, settings):
    from datetime import timedelta

    from django.utils import timezone

    flow.request()
    body = flow.approve(report_due=None)
    assert body["report_due"] == (timezone.localdate() + timedelta(days=60)).isoformat()
    assert body["cost_cap"] == "3500.00" and body["purchase_reference"] == "PO-2026-0117"


@pytest.mark.parametrize("persona", ["ot", "slp", "teacher.leo", "parent.leo", "evaluator", "admin"])
def test_only_the_parents_and_the_case_manager_may_ask(api_as, demo, persona):
    response = api_as(persona).post(f"/api/v1/ieps/{demo.maya_iep.id}/evaluation-requests/",
                                    {"recommendations": [demo.maya_recs[0].id]}, format="json")
    expected = 403 if persona in ("ot", "slp", "admin") else 404
    assert_error(response, expected)
    assert not EvaluationRequest.objects.exists()


def test_the_evaluator_asks_questions_in_their_own_thread_but_not_in_the_recommendation_threads(flow, demo):
    flow.to("attested")
    asked = flow.call("evaluator", "post", flow.url + "questions/", {"body": "Could I observe a writing lesson?"})
    assert asked.status_code == 201, asked.content
    assert asked.json()["recommendation"] is None
    answered = flow.call("casemanager", "post", flow.url + "questions/",
                         {"body": "Yes, Tuesdays at 10.", "parent": asked.json()["id"]})
    assert answered.status_code == 201
    for persona in ["admin", *TEAM, "evaluator"]:
        rows = flow.ok(flow.call(persona, "get", flow.url + "questions/"))["results"]
        assert [r["body"] for r in rows] == ["Could I observe a writing lesson?", "Yes, Tuesdays at 10."]
    for persona in ["teacher.leo", "parent.leo"]:
        assert_error(flow.call(persona, "get", flow.url + "questions/"), 404)
    assert_error(flow.call("admin", "post", flow.url + "questions/", {"body": "Admins read."}), 403)

    rec = flow.disputed[0]
    # Read-only on the disputed recommendations: threads, positions, versions; no writing.
    for path in ["comments/", "positions/", "versions/"]:
        assert flow.call("evaluator", "get", f"/api/v1/recommendations/{rec.id}/{path}").status_code == 200
    assert_error(flow.call("evaluator", "post", f"/api/v1/recommendations/{rec.id}/comments/", {"body": "Hi"}), 403)
    assert_error(flow.call("evaluator", "put", f"/api/v1/recommendations/{rec.id}/position/",
                           {"stance": "agree", "basis": "", "observed_in": "clinic", "examples": ""}), 403)
    assert_error(flow.call("evaluator", "post", f"/api/v1/recommendations/{rec.id}/resolve/"), 403)
    assert_error(flow.call("evaluator", "patch", f"/api/v1/recommendations/{rec.id}/", {"rationale": "x"}), 403)


def test_all_personas_are_covered():
    assert sorted(PERSONAS) == sorted(ALL)
