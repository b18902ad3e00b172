"""An attested evaluator's live channel shows the dispute and nothing else, decided per event when
it is sent (issue 7, item 1): a recommendation created after they connected, its comments, and a
scope that grows or shrinks while the socket is open. Real WebSockets through the ASGI application."""
import json

import pytest
from channels.db import database_sync_to_async

from tests.conftest import api_client_for
from tests.live import connect_member, drain

from .helpers import Flow

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def _flow(d, disputed=None):
    flow = Flow(d, lambda persona: api_client_for(d.users[persona] if persona else None))
    if disputed is not None:
        flow.disputed = disputed
    return flow


def call(user, method, path, data=None):
    def run():
        return getattr(api_client_for(user), method)(path, data, format="json")
    return database_sync_to_async(run)()


async def frame_of(socket, seq, timeout=5):
    """The raw frame the socket received for this sequence number (earlier ones are read past)."""
    while True:
        message = await socket.receive_output(timeout=timeout)
        frame = json.loads(message["text"])
        if frame.get("seq") == seq:
            return message["text"], frame
        assert frame.get("seq") is None or frame["seq"] < seq, (frame, seq)


async def team_sees(socket, type, match):
    """The team's socket gets the event in full: answers its sequence number."""
    while True:
        frame = await socket.receive_json_from(timeout=5)
        if frame.get("type") == type and match(frame["data"]):
            return frame["seq"]


def assert_redacted(text, frame, seq, *secrets):
    assert frame["type"] == "redacted" and frame["seq"] == seq, frame
    assert frame["data"] == {}
    for secret in secrets:
        assert secret not in text


def assert_in_full(frame, seq, type):
    assert (frame["seq"], frame["type"]) == (seq, type), frame


async def test_a_recommendation_created_after_the_evaluator_connected_reaches_them_redacted(transactional_demo, media):
    d = transactional_demo
    await database_sync_to_async(_flow(d).to)("attested")
    evaluator, _ = await connect_member(d.maya_iep.id, d.evaluator)
    ot, _ = await connect_member(d.maya_iep.id, d.ot)

    title, body = "Handwriting club at lunch", "Her grandmother says she tires after ten minutes."
    created = await call(d.ot, "post", f"/api/v1/ieps/{d.maya_iep.id}/recommendations/",
                         {"kind": "service", "title": title, "rationale": "Practice with peers.",
                          "minutes_per_week": 20})
    assert created.status_code == 201
    rec_id = created.json()["id"]
    seq = await team_sees(ot, "recommendation.created", lambda data: data["id"] == rec_id)
    assert_redacted(*await frame_of(evaluator, seq), seq, title)

    comment = await call(d.parent_maya, "post", f"/api/v1/recommendations/{rec_id}/comments/", {"body": body})
    assert comment.status_code == 201
    seq = await team_sees(ot, "comment.created", lambda data: data["id"] == comment.json()["id"])
    assert_redacted(*await frame_of(evaluator, seq), seq, body, title)

    # The disputed recommendation's discussion still reaches them in full.
    disputed = d.maya_recs[0]
    comment = await call(d.ot, "post", f"/api/v1/recommendations/{disputed.id}/comments/", {"body": "Data attached."})
    seq = await team_sees(ot, "comment.created", lambda data: data["id"] == comment.json()["id"])
    text, frame = await frame_of(evaluator, seq)
    assert_in_full(frame, seq, "comment.created")
    assert frame["data"]["body"] == "Data attached."

    # What the socket said is what the event log says to them over HTTP.
    events = (await call(d.evaluator, "get", f"/api/v1/ieps/{d.maya_iep.id}/events/?page_size=200")).json()["results"]
    by_seq = {e["seq"]: e for e in events}
    assert by_seq[seq - 1]["type"] == "redacted" and by_seq[seq]["type"] == "comment.created"
    await evaluator.disconnect()
    await ot.disconnect()


async def test_a_scope_that_changes_while_the_evaluator_is_connected_counts_from_the_next_event(transactional_demo,
                                                                                             media):
    d = transactional_demo
    first = _flow(d)  # the OT service and goal
    await database_sync_to_async(first.to)("attested")
    evaluator, _ = await connect_member(d.maya_iep.id, d.evaluator)
    ot, _ = await connect_member(d.maya_iep.id, d.ot)
    slp_service = d.maya_recs[1]

    async def comment_on(rec, body):
        answer = await call(d.slp, "post", f"/api/v1/recommendations/{rec.id}/comments/", {"body": body})
        assert answer.status_code == 201, answer.content
        seq = await team_sees(ot, "comment.created", lambda data: data["id"] == answer.json()["id"])
        return await frame_of(evaluator, seq), seq

    (text, frame), seq = await comment_on(slp_service, "Before: not in dispute.")
    assert_redacted(text, frame, seq, "Before: not in dispute.")

    # A second evaluation, of the SLP service, goes to the same evaluator: the scope grows.
    second = _flow(d, disputed=[slp_service])
    await database_sync_to_async(second.to)("attested")
    (text, frame), seq = await comment_on(slp_service, "Now in dispute.")
    assert_in_full(frame, seq, "comment.created")
    assert frame["data"]["body"] == "Now in dispute."

    # The first engagement is revoked: its recommendations leave the scope, the socket stays open.
    await database_sync_to_async(first.call)("admin", "post", first.url + "revoke/", {"note": "Ended."})
    (text, frame), seq = await comment_on(d.maya_recs[0], "After the revoke.")
    assert_redacted(text, frame, seq, "After the revoke.")
    (text, frame), seq = await comment_on(slp_service, "Still in dispute.")
    assert_in_full(frame, seq, "comment.created")

    # Resync answers the same as the live frames did, as the scope is now.
    await evaluator.send_json_to({"type": "resync", "after": seq - 2})
    replay = [f for f in await drain(evaluator, timeout=1) if "seq" in f]
    assert [(f["seq"], f["type"]) for f in replay] == [(seq - 1, "redacted"), (seq, "comment.created")]
    await evaluator.disconnect()
    await ot.disconnect()
