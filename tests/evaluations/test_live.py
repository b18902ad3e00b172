"""The evaluation on the IEP's live channel, over real WebSockets through the ASGI application."""
import pytest
from channels.db import database_sync_to_async

from tests.conftest import api_client_for
from tests.live import connect_member, drain, open_socket, receive_events, refused_with

from .helpers import Flow

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def _flow(d):
    return Flow(d, lambda persona: api_client_for(d.users[persona] if persona else None))


async def test_the_whole_team_receives_the_submitted_findings_at_once(transactional_demo, media):
    d = transactional_demo
    flow = _flow(d)
    await database_sync_to_async(flow.to)("drafted")
    sockets = {}
    for persona in ["parent.maya", "casemanager", "ot", "slp", "evaluator"]:
        sockets[persona], _hello = await connect_member(d.maya_iep.id, d.users[persona])

    submitted = await database_sync_to_async(flow.submit)()

    seqs = set()
    for persona, socket in sockets.items():
        [event] = await receive_events(socket, 1)
        assert event["type"] == "evaluation.submitted", (persona, event)
        assert event["data"]["summary"] == submitted["summary"]
        assert event["data"]["findings"] == submitted["findings"]
        seqs.add(event["seq"])
        await socket.disconnect()
    assert len(seqs) == 1


async def test_the_assigned_evaluator_is_refused_on_the_socket_until_they_attest(transactional_demo, media):
    d = transactional_demo
    flow = _flow(d)
    await database_sync_to_async(flow.to)("assigned")
    socket = await open_socket(d.maya_iep.id, d.evaluator)
    code, errors = await refused_with(socket)
    assert (code, errors) == (4403, ["not_allowed"])

    await database_sync_to_async(flow.attest)()
    socket, hello = await connect_member(d.maya_iep.id, d.evaluator)
    assert hello["iep"] == d.maya_iep.id
    await socket.disconnect()
    # Leo's IEP stays closed to them.
    refused = await open_socket(d.leo_iep.id, d.evaluator)
    assert (await refused_with(refused))[0] == 4403


@pytest.mark.parametrize("ending", ["revoke", "close"])
async def test_ending_the_engagement_closes_the_evaluators_open_socket(transactional_demo, media, ending):
    d = transactional_demo
    flow = _flow(d)
    await database_sync_to_async(flow.to)("considered" if ending == "close" else "drafted")
    evaluator, _ = await connect_member(d.maya_iep.id, d.evaluator)
    parent, _ = await connect_member(d.maya_iep.id, d.parent_maya)

    if ending == "revoke":
        await database_sync_to_async(flow.call)("admin", "post", flow.url + "revoke/", {"note": "Ended."})
    else:
        await database_sync_to_async(flow.call)("casemanager", "post", flow.url + "close/")

    code, errors = await refused_with(evaluator)
    assert code == 4403 and "access_ended" in errors
    # The team's sockets stay open and hear of it.
    frames = await drain(parent, timeout=0.5)
    assert f"evaluation.{'revoked' if ending == 'revoke' else 'closed'}" in [f.get("type") for f in frames]
    await parent.disconnect()
