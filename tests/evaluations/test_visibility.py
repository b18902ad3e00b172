"""What the independent evaluator can reach, for how long, and the record their reads leave."""
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import EvaluatorOrganization, User
from apps.audit.models import AccessLog
from apps.evaluations.models import (
    Acknowledgement,
    DisputedRecommendation,
    EvaluationRequest,
    Finding,
    FindingsVersion,
    ReportFile,
)
from apps.evaluations.selectors import evaluations_for_iep
from apps.ieps.models import EvaluatorScope
from apps.students.models import Membership
from tests.conftest import api_client_for
from tests.core.contract import assert_error

from .helpers import TEAM, Flow, days_ahead


def _results(response):
    assert response.status_code == 200, response.content[:300]
    return response.json()["results"]


def test_the_evaluator_never_sees_anything_of_leo(flow, demo):
    d = demo
    leo_flow = Flow(demo, flow.api_as)
    leo_flow.id = leo_flow.ok(leo_flow.call("parent.leo", "post", f"/api/v1/ieps/{d.leo_iep.id}/evaluation-requests/",
                                            {"recommendations": [d.leo_recs[0].id]}), 201)["id"]
    flow.to("considered")  # every state of Maya's evaluation, the evaluator deep in her case
    ev = flow.api_as("evaluator")

    assert [s["first_name"] for s in _results(ev.get("/api/v1/students/"))] == ["Maya"]
    leo_paths = [f"/api/v1/students/{d.leo.id}/", f"/api/v1/students/{d.leo.id}/team/",
                 f"/api/v1/students/{d.leo.id}/ieps/", f"/api/v1/ieps/{d.leo_iep.id}/",
                 f"/api/v1/ieps/{d.leo_iep.id}/recommendations/", f"/api/v1/ieps/{d.leo_iep.id}/events/",
                 f"/api/v1/ieps/{d.leo_iep.id}/evaluation-requests/", leo_flow.url]
    leo_paths += [f"/api/v1/recommendations/{r.id}/{suffix}" for r in d.leo_recs
                  for suffix in ("", "versions/", "positions/", "comments/")]
    for path in leo_paths:
        assert_error(ev.get(path), 404)
    assert leo_flow.id not in {r["id"] for r in _results(ev.get("/api/v1/evaluation-requests/"))}
    assert not AccessLog.objects.filter(user=d.evaluator, student=d.leo).exists()


def test_after_attesting_the_evaluator_sees_only_the_disputed_recommendations(flow, demo):
    flow.to("attested")
    ev = flow.api_as("evaluator")
    listed = _results(ev.get(f"/api/v1/ieps/{demo.maya_iep.id}/recommendations/"))
    assert [r["id"] for r in listed] == [r.id for r in flow.disputed]
    for rec in flow.undisputed:
        for suffix in ("", "versions/", "positions/", "comments/"):
            assert_error(ev.get(f"/api/v1/recommendations/{rec.id}/{suffix}"), 404)
    for rec in flow.disputed:
        for suffix in ("", "versions/", "positions/", "comments/"):
            assert ev.get(f"/api/v1/recommendations/{rec.id}/{suffix}").status_code == 200
    # Events about other recommendations keep their place in the sequence but say nothing.
    events = _results(ev.get(f"/api/v1/ieps/{demo.maya_iep.id}/events/?page_size=200"))
    hidden_ids = {r.id for r in flow.undisputed}
    for event in events:
        if event["type"] != "redacted":
            assert event["data"].get("recommendation") not in hidden_ids, event
            if event["type"].startswith("recommendation."):
                assert event["data"]["id"] not in hidden_ids, event
    assert any(e["type"] == "redacted" for e in events)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))


def test_the_evaluators_access_lasts_until_thirty_days_after_the_report_due_date(flow, demo):
    flow.to("attested")
    membership = Membership.objects.get(user=demo.evaluator, student=demo.maya)
    assert membership.role == "evaluator"
    due = date.fromisoformat(days_ahead()) + timedelta(days=30)
    assert timezone.localtime(membership.expires_at).date() == due
    assert set(EvaluatorScope.objects.filter(membership=membership).values_list("recommendation_id", flat=True)) == {
        r.id for r in flow.disputed}
    # Once the membership runs out, the case is gone, the request too.
    membership.expires_at = timezone.now() - timedelta(seconds=1)
    membership.save()
    ev = flow.api_as("evaluator")
    assert_error(ev.get(f"/api/v1/students/{demo.maya.id}/"), 404)
    assert_error(ev.get(flow.url), 404)
    assert_error(flow.upload(), 404)


def test_closing_the_engagement_ends_the_evaluators_access(flow, demo):
    flow.to("considered")
    assert Membership.objects.filter(user=demo.evaluator, student=demo.maya).exists()
    flow.ok(flow.call("admin", "post", flow.url + "close/"))
    assert not Membership.objects.filter(user=demo.evaluator).exists()
    assert not EvaluatorScope.objects.exists()
    ev = flow.api_as("evaluator")
    assert _results(ev.get("/api/v1/students/")) == []
    assert _results(ev.get("/api/v1/evaluation-requests/")) == []
    for path in [flow.url, flow.url + "report/", flow.url + "questions/", f"/api/v1/ieps/{demo.maya_iep.id}/",
                 f"/api/v1/recommendations/{flow.disputed[0].id}/"]:
        assert_error(ev.get(path), 404)
    # The team keeps everything.
    assert flow.call("parent.maya", "get", flow.url + "report/").status_code == 200


def test_a_second_engagement_of_the_same_evaluator_on_the_same_child_widens_and_narrows_the_view(flow, demo):
    flow.to("attested")
    first = flow.id
    flow.request(recs=[flow.undisputed[0]])
    flow.approve(report_due=days_ahead(200))
    flow.assign()
    flow.attest()
    ev = flow.api_as("evaluator")
    assert {r["id"] for r in _results(ev.get(f"/api/v1/ieps/{demo.maya_iep.id}/recommendations/"))} == {
        *[r.id for r in flow.disputed], flow.undisputed[0].id}
    membership = Membership.objects.get(user=demo.evaluator, student=demo.maya)
    assert timezone.localtime(membership.expires_at).date() == date.fromisoformat(days_ahead(200)) + timedelta(days=30)

    flow.ok(flow.call("admin", "post", flow.url + "revoke/", {"note": "Scope merged into the first."}))
    assert {r["id"] for r in _results(ev.get(f"/api/v1/ieps/{demo.maya_iep.id}/recommendations/"))} == {
        r.id for r in flow.disputed}
    assert ev.get(f"/api/v1/evaluation-requests/{first}/").status_code == 200
    assert_error(ev.get(flow.url), 404)


def test_another_evaluator_on_the_same_child_never_sees_the_first_ones_request(flow, demo):
    flow.to("drafted")
    first = flow.id
    org = EvaluatorOrganization.objects.create(name="Second Opinion LLC")
    second = User.objects.create_user("second@opinion.example", "pw-123456789", full_name="Dr. Second",
                                      evaluator_organization=org)
    flow.request(recs=[flow.undisputed[1]])
    flow.approve()
    flow.assign(evaluator=second)
    client = api_client_for(second)
    client.post(flow.url + "attestation/", {"independent_of_district": True, "independent_of_family": True,
                                            "statement": "Independent."}, format="json")
    assert [r["id"] for r in client.get("/api/v1/evaluation-requests/").json()["results"]] == [flow.id]
    for suffix in ("", "report/", "files/", "findings/", "questions/"):
        assert_error(client.get(f"/api/v1/evaluation-requests/{first}/{suffix}"), 404)
    assert [r["id"] for r in client.get(f"/api/v1/ieps/{demo.maya_iep.id}/recommendations/").json()["results"]] == [
        flow.undisputed[1].id]


def test_every_read_by_the_evaluator_is_in_the_access_log_as_independent_evaluation(flow, demo):
    flow.to("assigned")
    ev = flow.api_as("evaluator")
    ev.get(flow.url)  # the stub: nothing of the child was read
    assert not AccessLog.objects.filter(user=demo.evaluator).exists()

    flow.attest()
    flow.to_drafted = flow.ok(flow.upload(), 201)
    flow.save_findings()
    before = AccessLog.objects.filter(user=demo.evaluator).count()
    reads = [flow.url, flow.url + "report/", flow.url + "findings/", flow.url + "files/", flow.url + "questions/",
             f"/api/v1/students/{demo.maya.id}/", f"/api/v1/ieps/{demo.maya_iep.id}/",
             f"/api/v1/recommendations/{flow.disputed[0].id}/"]
    for path in reads:
        assert ev.get(path).status_code == 200, path
    rows = list(AccessLog.objects.filter(user=demo.evaluator).order_by("id"))[before:]
    assert {(r.object_type, r.action) for r in rows} >= {
        ("evaluationrequest", "view"), ("reportfile", "download"), ("findingsversion", "view"),
        ("thread", "view"), ("student", "view"), ("iep", "view"), ("recommendation", "view")}
    assert {(r.role, r.purpose, r.student_id) for r in rows} == {("evaluator", "independent evaluation", demo.maya.id)}

    # The parent reads who looked at Maya's file, and why.
    log = _results(flow.api_as("parent.maya").get(f"/api/v1/students/{demo.maya.id}/access-log/?page_size=200"))
    mine = [e for e in log if e["who"]["id"] == demo.evaluator.id]
    assert mine and {e["purpose"] for e in mine} == {"independent evaluation"}


def test_staff_reads_of_the_evaluation_are_logged_and_the_parents_are_not(flow, demo):
    flow.to("submitted")
    AccessLog.objects.all().delete()
    for persona in ["ot", "admin", "parent.maya"]:
        assert flow.call(persona, "get", flow.url + "report/").status_code == 200
        assert flow.call(persona, "get", flow.url).status_code == 200
    logged = set(AccessLog.objects.values_list("user__email", "object_type", "action"))
    assert logged == {
        ("ot@demo.example", "reportfile", "download"), ("ot@demo.example", "evaluationrequest", "view"),
        ("admin@demo.example", "reportfile", "download"), ("admin@demo.example", "evaluationrequest", "view"),
    }


def test_the_iep_page_selector_says_who_has_and_has_not_considered_the_findings(flow, demo):
    flow.to("submitted")
    flow.acknowledge("ot")
    flow.acknowledge("parent.maya")
    [seen] = evaluations_for_iep(User.objects.get(id=demo.slp.id), demo.maya_iep)
    state = seen.acknowledgement_state
    assert {a.user_id for a in state.acknowledged} == {demo.ot.id, demo.parent_maya.id}
    assert {m.user_id for m in state.pending} == {demo.slp.id, demo.casemanager.id}
    assert evaluations_for_iep(User.objects.get(id=demo.parent_leo.id), demo.maya_iep) == []
    assert [r.id for r in evaluations_for_iep(User.objects.get(id=demo.admin.id), demo.maya_iep)] == [flow.id]


# Query counts -------------------------------------------------------------------------------

def _bulk_requests(demo, n):
    """n submitted requests on Maya's IEP, each with its disputed recommendations, a sealed
    findings version with findings, two files and two acknowledgements."""
    now = timezone.now()
    rows = EvaluationRequest.objects.bulk_create([
        EvaluationRequest(iep=demo.maya_iep, requested_by=demo.parent_maya, status="submitted",
                          decision_due=date(2099, 1, 1), decision="approve", decided_by=demo.admin, decided_at=now,
                          report_due=date(2099, 3, 1), evaluator=demo.evaluator, submitted_at=now, attested_at=now)
        for _ in range(n)
    ])
    recs = demo.maya_recs[:2]
    DisputedRecommendation.objects.bulk_create(
        [DisputedRecommendation(request=r, recommendation=rec, version=1) for r in rows for rec in recs])
    versions = FindingsVersion.objects.bulk_create(
        [FindingsVersion(request=r, version=1, summary="S", author=demo.evaluator, submitted_at=now) for r in rows])
    Finding.objects.bulk_create([Finding(findings_version=v, recommendation=rec, opinion="agree", rationale="R")
                                 for v in versions for rec in recs])
    ReportFile.objects.bulk_create([
        ReportFile(request=r, kind=kind, file=f"evaluations/{r.id}{kind}.pdf", display_name="x.pdf", size=1,
                   sha256="0" * 64, uploaded_by=demo.evaluator, sealed_at=now)
        for r in rows for kind in ("report", "appendix")])
    Acknowledgement.objects.bulk_create([
        Acknowledgement(request=r, findings_version=v, user=u, role="clinician")
        for r, v in zip(rows, versions) for u in (demo.ot, demo.slp)])


@pytest.mark.parametrize("size", [5, 60])
@pytest.mark.parametrize("persona", ["admin", "casemanager", "parent.maya"])
def test_the_request_list_takes_the_same_few_queries_for_5_or_60_requests(api_as, demo, media,
                                                                         django_assert_max_num_queries, size, persona):
    _bulk_requests(demo, size)
    client = api_as(persona)
    # token+user, admin rights, count, page, then one query per prefetched relation
    # (disputed, acknowledgements, findings versions, findings, files, team), then the access
    # record: the caller's roles for the children listed and one insert for all of them.
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/evaluation-requests/?page_size=200")
    body = response.json()
    assert body["count"] == size and len(body["results"]) == size
    assert all(len(r["findings"]) == 2 and len(r["files"]) == 2 for r in body["results"])
    assert all(len(r["pending_acknowledgements"]) == len(TEAM) - 2 for r in body["results"])


def test_the_end_of_day_expiry_is_in_the_servers_time_zone():
    # The expiry is computed at the end of the last allowed day: guard the helper's arithmetic.
    from apps.evaluations.services.common import end_of_day

    moment = end_of_day(date(2099, 3, 2))
    assert timezone.localtime(moment).date() == date(2099, 3, 2)
    assert timezone.localtime(moment).time() >= time(23, 59, 59)
    assert isinstance(moment, datetime) and timezone.is_aware(moment)
