"""Every transition records its event on the IEP's log (and only the submit carries findings), and
the right people are told."""
import json

from apps.ieps.models import Event
from apps.notifications.models import Notification

from .helpers import TEAM


def _evaluation_events(demo):
    return list(Event.objects.filter(iep=demo.maya_iep, type__startswith="evaluation.").order_by("seq"))


def test_each_transition_appends_its_event_and_no_event_carries_a_draft(flow, demo):
    flow.to("drafted")
    draft_text = flow.findings_payload()["findings"][0]["rationale"]
    assert all(draft_text not in json.dumps(e.data) for e in Event.objects.all())
    assert all(flow.findings_payload()["summary"] not in json.dumps(e.data) for e in Event.objects.all())
    flow.submit()
    for persona in TEAM:
        flow.acknowledge(persona)
    flow.ok(flow.call("admin", "post", flow.url + "close/"))

    events = _evaluation_events(demo)
    assert [e.type for e in events] == [
        "evaluation.requested", "evaluation.decided", "evaluation.assigned", "evaluation.attested",
        "evaluation.started", "evaluation.submitted",
        "evaluation.acknowledged", "evaluation.acknowledged", "evaluation.acknowledged", "evaluation.acknowledged",
        "evaluation.considered", "evaluation.closed",
    ]
    # Filed under the first disputed recommendation, so only that request's evaluator (and the team) reads them.
    anchor = min(r.id for r in flow.disputed)
    assert all(e.recommendation_id == anchor and e.data["id"] == flow.id for e in events)
    by_type = {e.type: e for e in events}
    assert by_type["evaluation.requested"].actor == demo.parent_maya
    assert by_type["evaluation.requested"].data["recommendations"] == [r.id for r in flow.disputed]
    assert by_type["evaluation.decided"].data["decision"] == "approve"
    assert by_type["evaluation.assigned"].data["evaluator"]["id"] == demo.evaluator.id

    submitted = by_type["evaluation.submitted"].data
    team_view = flow.ok(flow.call("parent.maya", "get", flow.url))
    assert submitted["summary"] == team_view["summary"]
    assert submitted["findings"] == team_view["findings"]
    assert [f["name"] for f in submitted["files"]] == ["report.pdf"]
    assert submitted["status"] == "submitted"
    # The only event with findings in it is the one that makes them visible to all.
    assert [e.type for e in Event.objects.all() if draft_text in json.dumps(e.data)] == ["evaluation.submitted"]


def test_withdrawal_and_revocation_are_events_too(flow, demo):
    flow.request()
    flow.ok(flow.call("parent.maya", "post", flow.url + "withdraw/", {"note": "Resolved at the meeting."}))
    flow.to("attested")
    flow.ok(flow.call("admin", "post", flow.url + "revoke/", {"note": "Licence lapsed."}))
    types = [e.type for e in _evaluation_events(demo)]
    assert types[:2] == ["evaluation.requested", "evaluation.withdrawn"]
    assert types[-1] == "evaluation.revoked"
    assert _evaluation_events(demo)[1].data["note"] == "Resolved at the meeting."


def test_the_admins_hear_of_a_request_the_team_of_the_decision_and_everyone_of_the_submit(flow, demo):
    flow.request()
    assert list(Notification.objects.values_list("user__email", "kind")) == [("admin@demo.example",
                                                                            "evaluation.requested")]
    Notification.objects.all().delete()

    flow.approve()
    told = set(Notification.objects.filter(kind="evaluation.decided").values_list("user_id", flat=True))
    assert told == {demo.users[p].id for p in TEAM}
    Notification.objects.all().delete()

    flow.assign()
    [note] = Notification.objects.filter(kind="evaluation.assigned")
    assert note.user == demo.evaluator
    # Nothing of the case before attesting, not even in the notification.
    assert "Maya" not in note.subject + note.text + note.url
    Notification.objects.all().delete()

    flow.attest()
    flow.ok(flow.upload(), 201)
    flow.save_findings()
    assert not Notification.objects.exists()
    flow.submit()
    told = set(Notification.objects.filter(kind="evaluation.submitted").values_list("user_id", flat=True))
    assert told == {demo.users[p].id for p in TEAM}
