"""Two independent evaluations of one IEP, on different recommendations, with two evaluators:
neither sees the other's findings, questions or events."""
from apps.accounts.models import User

from .helpers import Flow


def test_an_evaluator_never_sees_another_evaluations_findings_questions_or_events(demo, api_as, media):
    second_evaluator = User.objects.create_user("second.evaluator@example.org", "pw-123456789",
                                                full_name="Dr. Rae Second",
                                                evaluator_organization=demo.evaluator.evaluator_organization)
    first = Flow(demo, api_as)  # the OT service and goal, evaluated by demo.evaluator
    first.to("submitted")
    asked = first.ok(first.call("evaluator", "post", first.url + "questions/", {"body": "How long are sessions?"}), 201)

    second = Flow(demo, api_as)
    second.disputed = [demo.maya_recs[1]]  # the SLP service
    second.request()
    second.approve()
    second.assign(second_evaluator)
    from tests.conftest import api_client_for

    client = api_client_for(second_evaluator)
    assert client.post(second.url + "attestation/", {
        "independent_of_district": True, "independent_of_family": True, "statement": "Independent."},
        format="json").status_code == 200

    assert client.get(first.url).status_code == 404
    assert client.get(first.url + "findings/").status_code == 404
    assert client.get(f"/api/v1/comments/{asked['id']}/").status_code == 404
    assert client.get(f"/api/v1/recommendations/{demo.maya_recs[0].id}/").status_code == 404
    events = client.get(f"/api/v1/ieps/{demo.maya_iep.id}/events/", {"page_size": 200}).json()["results"]
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # gapless, redactions included
    leaked = [e for e in events if e["type"].startswith("evaluation.") and e["data"].get("id") == first.id]
    assert leaked == []
    first_submitted = [e for e in api_as("parent.maya").get(f"/api/v1/ieps/{demo.maya_iep.id}/events/",
                                                           {"page_size": 200}).json()["results"]
                       if e["type"] == "evaluation.submitted"]
    assert first_submitted and first_submitted[0]["data"]["findings"]  # the team does see them
    mine = [e for e in events if e["type"] == "evaluation.attested" and e["data"].get("id") == second.id]
    assert mine, "the second evaluator sees their own engagement's events"
