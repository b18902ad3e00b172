"""Two requests at the same moment, on every state-changing endpoint, on SQLite (the embedded
default) and on PostgreSQL: never a 500; the second identical request gets 409 or the same
answer; nothing half-saved; exactly one event where one is due, and the IEP's event log stays
gapless.

Each test makes fresh objects of its own (a recommendation, an IEP, an evaluation request) in the
shared deployment, so the tests do not depend on one another's order."""
import itertools
import re
from datetime import date, timedelta

import pytest
import requests

from tests.evaluations.helpers import pdf

LEO_TEAM = ["casemanager", "teacher.leo", "parent.leo"]  # who considers an evaluation of Leo's IEP
_counter = itertools.count(1)


# Reading the outcome -------------------------------------------------------------------------

def codes(responses):
    for response in responses:
        assert not isinstance(response, Exception), response
        assert response.status_code < 500, (response.status_code, response.text[:1000])
    return sorted(r.status_code for r in responses)


def one_wins(responses, winner=200, loser=409):
    """One request did it; the other was told the state had moved on, in the contract's shape."""
    assert codes(responses) == sorted([winner, loser]), [(r.status_code, r.text[:300]) for r in responses]
    for response in responses:
        if response.status_code == loser:
            error = response.json()["error"]
            assert set(error) == {"code", "message", "fields"} and error["message"], error


def same_answer(responses, status=200):
    assert codes(responses) == [status, status], [(r.status_code, r.text[:300]) for r in responses]


class Case:
    """A deployment seen through the demo personas, with fresh objects made on demand."""

    def __init__(self, d):
        self.d = d
        self.cm = d.client("casemanager")
        if not hasattr(d, "ids"):
            students = {s["first_name"]: s["id"] for s in self.cm.ok("get", "/api/v1/students/")["results"]}
            d.ids = {
                "maya": students["Maya"], "leo": students["Leo"],
                "leo_iep": self.cm.ok("get", f"/api/v1/students/{students['Leo']}/ieps/")["results"][0]["id"],
                "evaluator": d.client("evaluator").ok("get", "/api/v1/me/")["id"],
            }
        self.ids = d.ids

    def seq(self, iep_id):
        return self.cm.ok("get", f"/api/v1/ieps/{iep_id}/events/?page_size=1")["count"]

    def events_since(self, iep_id, seq):
        rows = self.cm.ok("get", f"/api/v1/ieps/{iep_id}/events/?after={seq}&page_size=200")["results"]
        assert [e["seq"] for e in rows] == list(range(seq + 1, seq + 1 + len(rows))), "the event log has a gap"
        return [e["type"] for e in rows]

    def recommendation(self, iep_id=None, kind="goal"):
        body = {"kind": kind, "title": f"Fresh goal {next(_counter)}", "rationale": "Data from the last term."}
        return self.cm.ok("post", f"/api/v1/ieps/{iep_id or self.ids['leo_iep']}/recommendations/", body, 201)["id"]

    def comment(self, rec_id, persona="teacher.leo"):
        return self.d.client(persona).ok("post", f"/api/v1/recommendations/{rec_id}/comments/",
                                         {"body": f"Comment {next(_counter)}"}, 201)["id"]


class Evaluation:
    """An evaluation request on a fresh recommendation of Leo's IEP, walked to a stage."""

    STAGES = ["requested", "approved", "assigned", "attested", "drafted", "submitted", "considered"]

    def __init__(self, case: Case):
        self.case, self.d = case, case.d
        self.rec = case.recommendation()
        self.id = None

    @property
    def url(self):
        return f"/api/v1/evaluation-requests/{self.id}/"

    def as_(self, persona, server=0):
        return self.d.client(persona, server)

    def to(self, stage):
        for step in self.STAGES[: self.STAGES.index(stage) + 1]:
            getattr(self, "_" + step)()
        return self

    def _requested(self):
        self.id = self.as_("parent.leo").ok("post", f"/api/v1/ieps/{self.case.ids['leo_iep']}/evaluation-requests/",
                                            {"recommendations": [self.rec]}, 201)["id"]

    DECISION = property(lambda self: {"decision": "approve", "cost_cap": "1500.00",
                                      "report_due": (date.today() + timedelta(days=60)).isoformat()})

    def _approved(self):
        self.as_("admin").ok("post", self.url + "decision/", self.DECISION)

    def _assigned(self):
        self.as_("admin").ok("post", self.url + "assign/", {"evaluator": self.case.ids["evaluator"]})

    ATTESTATION = {"independent_of_district": True, "independent_of_family": True,
                   "statement": "I have no tie to the district or the family."}

    def _attested(self):
        self.as_("evaluator").ok("post", self.url + "attestation/", self.ATTESTATION)

    def findings(self):
        return {"summary": "Summary of the evaluation.",
                "findings": [{"recommendation": self.rec, "opinion": "agree", "rationale": "Sound."}]}

    def upload(self, server=0):
        return self.as_("evaluator", server).call(
            "post", self.url + "report/", files={"file": ("report.pdf", pdf(), "application/pdf")})

    def _drafted(self):
        assert self.upload().status_code == 201
        self.as_("evaluator").ok("put", self.url + "findings/", self.findings())

    def _submitted(self):
        self.as_("evaluator").ok("post", self.url + "submit/")

    def _considered(self):
        for persona in LEO_TEAM:
            self.as_(persona).ok("post", self.url + "acknowledge/")

    def status(self):
        return self.as_("admin").ok("get", self.url)["status"]


@pytest.fixture
def case(deployment):
    return Case(deployment)


# IEPs, recommendations, positions ------------------------------------------------------------

def test_two_identical_status_changes_make_one_change(case, deployment):
    iep = case.cm.ok("post", f"/api/v1/students/{case.ids['leo']}/ieps/",
                     {"meeting_at": (date.today() + timedelta(days=30)).isoformat()}, 201)["id"]
    seq = case.seq(iep)
    one_wins(deployment.twice("casemanager", "post", f"/api/v1/ieps/{iep}/status/", {"status": "proposed"}))
    assert case.events_since(iep, seq) == ["iep.status_changed"]
    assert case.cm.ok("get", f"/api/v1/ieps/{iep}/")["status"] == "proposed"
    one_wins(deployment.twice("casemanager", "post", f"/api/v1/ieps/{iep}/status/", {"status": "draft"}))
    assert case.events_since(iep, seq) == ["iep.status_changed"] * 2


def test_two_identical_edits_of_a_recommendation_make_one_version(case, deployment):
    rec = case.recommendation()
    seq = case.seq(case.ids["leo_iep"])
    responses = deployment.twice("casemanager", "patch", f"/api/v1/recommendations/{rec}/",
                                 {"rationale": "New evidence from the spring assessment."})
    same_answer(responses)
    assert {r.json()["version"] for r in responses} == {2}
    assert len(case.cm.ok("get", f"/api/v1/recommendations/{rec}/versions/")["results"]) == 2
    assert case.events_since(case.ids["leo_iep"], seq) == ["recommendation.updated"]


def test_two_identical_positions_are_one_position_and_one_event(case, deployment):
    rec = case.recommendation()
    seq = case.seq(case.ids["leo_iep"])
    body = {"stance": "disagree", "basis": "He tires after ten minutes.", "observed_in": "home"}
    same_answer(deployment.twice("parent.leo", "put", f"/api/v1/recommendations/{rec}/position/", body))
    positions = case.cm.ok("get", f"/api/v1/recommendations/{rec}/positions/")["results"]
    assert [p["stance"] for p in positions] == ["disagree"]
    assert case.events_since(case.ids["leo_iep"], seq) == ["position.updated"]


def test_a_recommendation_added_while_the_iep_is_proposed_is_never_half_made(case, deployment):
    """Adding a recommendation and proposing the IEP at the same moment: either order is right;
    what must not happen is a 500 or a recommendation without its first version."""
    iep = case.cm.ok("post", f"/api/v1/students/{case.ids['leo']}/ieps/",
                     {"meeting_at": (date.today() + timedelta(days=40)).isoformat()}, 201)["id"]
    add, propose = deployment.at_once(
        lambda: deployment.client("teacher.leo", 0).call("post", f"/api/v1/ieps/{iep}/recommendations/", {
            "kind": "goal", "title": "Reading fluency", "rationale": "Benchmark scores."}),
        lambda: deployment.client("casemanager", 1).call("post", f"/api/v1/ieps/{iep}/status/", {"status": "proposed"}))
    assert codes([add, propose]) == [200, 201]
    for rec in case.cm.ok("get", f"/api/v1/ieps/{iep}/recommendations/")["results"]:
        assert len(case.cm.ok("get", f"/api/v1/recommendations/{rec['id']}/versions/")["results"]) == 1


def test_two_identical_consents_at_the_same_moment_activate_the_iep_once(case, deployment):
    """A parent's double submit, one copy to each server: one signature, one activation, two 200s."""
    iep = case.cm.ok("post", f"/api/v1/students/{case.ids['leo']}/ieps/",
                     {"meeting_at": (date.today() + timedelta(days=50)).isoformat()}, 201)["id"]
    rec = deployment.client("teacher.leo").ok("post", f"/api/v1/ieps/{iep}/recommendations/", {
        "kind": "goal", "title": "Reading fluency", "rationale": "Benchmark scores."}, 201)["id"]
    case.cm.ok("post", f"/api/v1/ieps/{iep}/status/", {"status": "proposed"})
    seq = case.seq(iep)
    body = {"content_hash": case.cm.ok("get", f"/api/v1/ieps/{iep}/")["content_hash"],
            "decisions": [{"recommendation": rec, "decision": "consent"}],
            "signature": {"full_name": "Wei Chen", "consent_to_electronic_signature": True}}
    responses = deployment.twice("parent.leo", "post", f"/api/v1/ieps/{iep}/consent/", body)
    same_answer(responses)
    assert {r.json()["status"] for r in responses} == {"active"}
    assert deployment.scalar("SELECT count(*) FROM ieps_signature WHERE iep_id = %s", iep) == 1
    assert case.events_since(iep, seq) == ["consent.given", "recommendation.updated", "iep.status_changed"]


# Discussions ---------------------------------------------------------------------------------

def test_two_identical_resolves_and_reopens_make_one_change_each(case, deployment):
    rec = case.recommendation()
    seq = case.seq(case.ids["leo_iep"])
    one_wins(deployment.twice("parent.leo", "post", f"/api/v1/recommendations/{rec}/resolve/"))
    one_wins(deployment.twice("parent.leo", "post", f"/api/v1/recommendations/{rec}/reopen/"))
    assert case.events_since(case.ids["leo_iep"], seq) == ["thread.resolved", "thread.reopened"]


def test_a_comment_and_a_resolve_at_the_same_moment_never_leave_a_comment_in_a_resolved_thread(case, deployment):
    rec = case.recommendation()
    case.comment(rec)  # the thread exists
    seq = case.seq(case.ids["leo_iep"])
    comment, resolve = deployment.at_once(
        lambda: deployment.client("parent.leo", 0).call("post", f"/api/v1/recommendations/{rec}/comments/",
                                                        {"body": "One more thing before you close this."}),
        lambda: deployment.client("teacher.leo", 1).call("post", f"/api/v1/recommendations/{rec}/resolve/"))
    events = case.events_since(case.ids["leo_iep"], seq)
    assert resolve.status_code == 200, resolve.text
    if comment.status_code == 201:
        assert events == ["comment.created", "thread.resolved"]
    else:
        assert comment.status_code == 409 and comment.json()["error"]["code"] == "thread_resolved", comment.text
        assert events == ["thread.resolved"]


def test_two_comments_at_the_same_moment_are_two_comments_with_two_events(case, deployment):
    rec = case.recommendation()
    seq = case.seq(case.ids["leo_iep"])
    responses = deployment.twice("parent.leo", "post", f"/api/v1/recommendations/{rec}/comments/", {"body": "Same."})
    same_answer(responses, 201)
    assert case.events_since(case.ids["leo_iep"], seq) == ["comment.created"] * 2


def test_two_identical_edits_and_deletes_of_a_comment(case, deployment):
    rec = case.recommendation()
    comment = case.comment(rec)
    seq = case.seq(case.ids["leo_iep"])
    same_answer(deployment.twice("teacher.leo", "patch", f"/api/v1/comments/{comment}/", {"body": "Corrected."}))
    one_wins(deployment.twice("teacher.leo", "delete", f"/api/v1/comments/{comment}/"))
    assert case.events_since(case.ids["leo_iep"], seq) == ["comment.edited", "comment.deleted"]
    # Both earlier texts kept once each: the original (edit) and the correction (delete).
    assert deployment.scalar("SELECT COUNT(*) FROM discussions_commentrevision WHERE comment_id = %s", comment) == 2


def test_two_identical_read_markers_are_one_marker(case, deployment):
    rec = case.recommendation()
    newest = case.comment(rec)
    responses = deployment.twice("parent.leo", "post", f"/api/v1/recommendations/{rec}/read/")
    same_answer(responses)
    assert {r.json()["last_read_comment"] for r in responses} == {newest}
    assert deployment.scalar(
        "SELECT COUNT(*) FROM discussions_readmarker m JOIN discussions_thread t ON t.id = m.thread_id "
        "JOIN accounts_user u ON u.id = m.user_id WHERE t.recommendation_id = %s AND u.email = %s",
        rec, "parent.leo@demo.example") == 1


def test_two_identical_notification_reads(case, deployment):
    Evaluation(case).to("requested")  # notifies the district's administrators
    newest = deployment.client("admin").ok("get", "/api/v1/notifications/")["results"][0]
    responses = deployment.twice("admin", "post", f"/api/v1/notifications/{newest['id']}/read/")
    same_answer(responses)
    assert len({r.json()["read_at"] for r in responses}) == 1


# Independent evaluation ----------------------------------------------------------------------

def _one_event_of(case, seq, kind):
    events = case.events_since(case.ids["leo_iep"], seq)
    assert events.count(kind) == 1, events
    return events


def test_two_identical_decisions_make_one_decision(case, deployment):
    evaluation = Evaluation(case).to("requested")
    seq = case.seq(case.ids["leo_iep"])
    one_wins(deployment.twice("admin", "post", evaluation.url + "decision/", evaluation.DECISION))
    _one_event_of(case, seq, "evaluation.decided")
    assert evaluation.status() == "approved"


def test_two_approvals_of_overlapping_requests_at_the_same_moment_fund_one(case, deployment):
    first = Evaluation(case).to("requested")
    second = Evaluation(case)
    second.rec = first.rec
    second.to("requested")
    one_wins(deployment.at_once(
        lambda: deployment.client("admin", 0).call("post", first.url + "decision/", first.DECISION),
        lambda: deployment.client("admin", 1).call("post", second.url + "decision/", second.DECISION)))
    assert sorted([first.status(), second.status()]) == ["approved", "requested"]


def test_two_identical_assignments_make_one_assignment(case, deployment):
    evaluation = Evaluation(case).to("approved")
    seq = case.seq(case.ids["leo_iep"])
    same_answer(deployment.twice("admin", "post", evaluation.url + "assign/", {"evaluator": case.ids["evaluator"]}))
    _one_event_of(case, seq, "evaluation.assigned")
    assert evaluation.status() == "evaluator_assigned"


def test_two_identical_attestations_make_one_attestation(case, deployment):
    evaluation = Evaluation(case).to("assigned")
    seq = case.seq(case.ids["leo_iep"])
    one_wins(deployment.twice("evaluator", "post", evaluation.url + "attestation/", evaluation.ATTESTATION))
    _one_event_of(case, seq, "evaluation.attested")
    assert deployment.scalar("SELECT COUNT(*) FROM evaluations_attestation WHERE request_id = %s", evaluation.id) == 1
    assert deployment.scalar("SELECT COUNT(*) FROM discussions_thread WHERE title LIKE %s",
                             f"%(request {evaluation.id})") == 1


def test_two_identical_drafts_of_the_findings_and_two_uploads_leave_one_draft_and_one_report(case, deployment):
    evaluation = Evaluation(case).to("attested")
    seq = case.seq(case.ids["leo_iep"])
    same_answer(deployment.twice("evaluator", "put", evaluation.url + "findings/", evaluation.findings()))
    codes_ = codes(deployment.at_once(lambda: evaluation.upload(0), lambda: evaluation.upload(1)))
    assert codes_ == [201, 201]
    assert deployment.scalar("SELECT COUNT(*) FROM evaluations_findingsversion WHERE request_id = %s",
                             evaluation.id) == 1
    assert deployment.scalar(
        "SELECT COUNT(*) FROM evaluations_finding f JOIN evaluations_findingsversion v ON v.id = f.findings_version_id "
        "WHERE v.request_id = %s", evaluation.id) == 1
    assert deployment.scalar("SELECT COUNT(*) FROM evaluations_reportfile WHERE request_id = %s AND kind = %s",
                             evaluation.id, "report") == 1
    _one_event_of(case, seq, "evaluation.started")


def test_two_identical_deletes_of_a_draft_file_delete_it_once(case, deployment):
    evaluation = Evaluation(case).to("attested")
    appendix = evaluation.as_("evaluator").call("post", evaluation.url + "report/", data={"kind": "appendix"},
                                                files={"file": ("appendix.pdf", pdf("Appendix"), "application/pdf")})
    assert appendix.status_code == 201, appendix.text
    path = evaluation.url + f"files/{appendix.json()['id']}/"
    # The second finds nothing left to delete: 404, as for any file that does not exist.
    assert codes(deployment.twice("evaluator", "delete", path)) == [204, 404]
    assert deployment.scalar("SELECT COUNT(*) FROM evaluations_reportfile WHERE request_id = %s", evaluation.id) == 0


def test_two_amendments_at_the_same_moment_are_two_numbered_versions(case, deployment):
    evaluation = Evaluation(case).to("submitted")
    seq = case.seq(case.ids["leo_iep"])
    body = {**evaluation.findings(), "note": "Corrected the minutes."}
    same_answer(deployment.twice("evaluator", "post", evaluation.url + "amendments/", body), 201)
    versions = deployment.rows("SELECT version FROM evaluations_findingsversion WHERE request_id = %s ORDER BY version",
                               evaluation.id)
    assert [v for (v,) in versions] == [1, 2, 3]
    assert case.events_since(case.ids["leo_iep"], seq) == ["evaluation.amended"] * 2


def test_two_identical_submits_submit_once(case, deployment):
    evaluation = Evaluation(case).to("drafted")
    seq = case.seq(case.ids["leo_iep"])
    one_wins(deployment.twice("evaluator", "post", evaluation.url + "submit/"))
    _one_event_of(case, seq, "evaluation.submitted")
    assert evaluation.status() == "submitted"


def test_two_identical_acknowledgements_are_one(case, deployment):
    evaluation = Evaluation(case).to("submitted")
    seq = case.seq(case.ids["leo_iep"])
    same_answer(deployment.twice("parent.leo", "post", evaluation.url + "acknowledge/"))
    assert _one_event_of(case, seq, "evaluation.acknowledged") == ["evaluation.acknowledged"]
    assert deployment.scalar("SELECT COUNT(*) FROM evaluations_acknowledgement WHERE request_id = %s",
                             evaluation.id) == 1


def test_the_whole_team_acknowledging_at_once_completes_the_consideration_once(case, deployment):
    evaluation = Evaluation(case).to("submitted")
    seq = case.seq(case.ids["leo_iep"])
    responses = deployment.at_once(*[
        (lambda p, s: lambda: deployment.client(p, s).call("post", evaluation.url + "acknowledge/"))(p, i % 2)
        for i, p in enumerate(LEO_TEAM)])
    assert codes(responses) == [200] * len(LEO_TEAM)
    events = case.events_since(case.ids["leo_iep"], seq)
    assert events.count("evaluation.acknowledged") == len(LEO_TEAM) and events.count("evaluation.considered") == 1
    assert evaluation.status() == "considered"


def test_two_identical_closes_close_once(case, deployment):
    evaluation = Evaluation(case).to("considered")
    seq = case.seq(case.ids["leo_iep"])
    one_wins(deployment.twice("admin", "post", evaluation.url + "close/", {"note": "Considered by all."}))
    _one_event_of(case, seq, "evaluation.closed")
    assert evaluation.status() == "closed"


def test_two_identical_withdrawals_withdraw_once(case, deployment):
    evaluation = Evaluation(case).to("requested")
    seq = case.seq(case.ids["leo_iep"])
    one_wins(deployment.twice("parent.leo", "post", evaluation.url + "withdraw/", {"note": "We talked it over."}))
    _one_event_of(case, seq, "evaluation.withdrawn")


def test_two_identical_revocations_revoke_once(case, deployment):
    evaluation = Evaluation(case).to("attested")
    seq = case.seq(case.ids["leo_iep"])
    one_wins(deployment.twice("admin", "post", evaluation.url + "revoke/", {"note": "Conflict of interest found."}))
    _one_event_of(case, seq, "evaluation.revoked")
    assert evaluation.status() == "revoked"


# Joining a team (a page, with its CSRF token) --------------------------------------------------

def _browser_ready_to_accept(deployment, token, server):
    session = requests.Session()
    page = session.get(f"{deployment.urls[server]}/invitations/{token}/", timeout=30)
    assert page.status_code == 200, page.text[:500]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return lambda: session.post(f"{deployment.urls[server]}/invitations/{token}/", allow_redirects=False, timeout=60,
                                data={"csrfmiddlewaretoken": csrf, "full_name": "Ana New", "password": "a-long-pass-1"},
                                headers={"Referer": f"{deployment.urls[server]}/invitations/{token}/"})


def test_one_invitation_accepted_twice_at_the_same_moment_makes_one_account_and_one_membership(case, deployment):
    token = deployment.invitations.pop()
    email = deployment.scalar("SELECT email FROM students_invitation WHERE accepted_at IS NULL ORDER BY id DESC")
    responses = deployment.at_once(_browser_ready_to_accept(deployment, token, 0),
                                   _browser_ready_to_accept(deployment, token, 1))
    joined = [r for r in responses if r.status_code == 302]
    assert len(joined) == 1, [(r.status_code, r.text[:300]) for r in responses]
    codes(responses)
    assert deployment.scalar("SELECT COUNT(*) FROM accounts_user WHERE email = %s", email) == 1
    assert deployment.scalar("SELECT COUNT(*) FROM students_membership m JOIN accounts_user u ON u.id = m.user_id "
                             "WHERE u.email = %s", email) == 1
