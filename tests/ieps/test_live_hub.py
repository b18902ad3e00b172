"""The process's live hub (apps.core.hub, apps.ieps.fanout) over real WebSockets through the ASGI
application and the real channel layer: sockets join and leave it, each event is read from the
layer once and encoded once however many sockets get it, an evaluator's redaction is asked once
per event whatever their number of sockets, and a client that does not read holds nobody else."""
import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from apps.core.hub import hub
from apps.core.live import iep_group, user_group
from apps.ieps import live_reads
from apps.ieps.models import Event
from iepteam.asgi import application
from tests.conftest import api_client_for
from tests.evaluations.conftest import media  # noqa: F401 - the fixture, for the attested flow
from tests.evaluations.helpers import Flow
from tests.live import ORIGIN, connect_member, receive_events, token_for

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def comment(user, rec, body):
    def run():
        answer = api_client_for(user).post(f"/api/v1/recommendations/{rec.id}/comments/", {"body": body},
                                           format="json")
        assert answer.status_code == 201, answer.content
        return answer.json()
    return database_sync_to_async(run)()


async def test_a_socket_joins_its_iep_and_person_groups_and_leaves_them_when_it_closes(transactional_demo):
    d = transactional_demo
    socket, _ = await connect_member(d.maya_iep.id, d.ot)
    other, _ = await connect_member(d.maya_iep.id, d.slp)
    groups = hub().groups
    assert len(groups[iep_group(d.maya_iep.id)]) == 2
    assert len(groups[user_group(d.ot.id)]) == 1

    await socket.disconnect()
    assert len(groups[iep_group(d.maya_iep.id)]) == 1
    assert user_group(d.ot.id) not in groups
    await other.disconnect()
    assert iep_group(d.maya_iep.id) not in groups


async def test_an_event_is_read_once_and_encoded_once_for_every_socket_of_the_process(transactional_demo, monkeypatch):
    d = transactional_demo
    encoded = []
    as_message = Event.as_message

    def counting(self, redacted=False):
        encoded.append((self.seq, redacted))
        return as_message(self, redacted=redacted)

    monkeypatch.setattr(Event, "as_message", counting)
    team = [d.parent_maya, d.ot, d.slp, d.casemanager] * 3
    sockets = [(await connect_member(d.maya_iep.id, person))[0] for person in team]
    reads_before = hub().messages_read

    posted = await comment(d.ot, d.maya_recs[0], "once for all")
    for socket in sockets:
        [event] = await receive_events(socket, 1)
        assert event["data"]["id"] == posted["id"]

    # Once in full and once redacted, when the event was appended: never per socket.
    assert sorted(r for _seq, r in encoded) == [False, True]
    assert hub().messages_read - reads_before == 1
    for socket in sockets:
        await socket.disconnect()


async def test_an_evaluators_redaction_is_asked_once_per_event_for_all_their_sockets(transactional_demo, media,  # noqa: F811
                                                                                   monkeypatch):
    d = transactional_demo
    await database_sync_to_async(Flow(d, lambda p: api_client_for(d.users[p] if p else None)).to)("attested")
    asked = []
    redacted_now = live_reads.event_redacted_now

    def counting(user_id, iep_id, recommendation_id):
        asked.append((user_id, recommendation_id))
        return redacted_now(user_id, iep_id, recommendation_id)

    monkeypatch.setattr(live_reads, "event_redacted_now", counting)
    evaluator_sockets = [(await connect_member(d.maya_iep.id, d.evaluator))[0] for _ in range(3)]
    team, _ = await connect_member(d.maya_iep.id, d.ot)

    not_disputed = d.maya_recs[1]
    await comment(d.slp, not_disputed, "outside the dispute")
    [full] = await receive_events(team, 1)
    assert full["type"] == "comment.created"
    for socket in evaluator_sockets:
        [event] = await receive_events(socket, 1)
        assert (event["seq"], event["type"], event["data"]) == (full["seq"], "redacted", {})
    assert asked == [(d.evaluator.id, not_disputed.id)]
    for socket in [*evaluator_sockets, team]:
        await socket.disconnect()


def held_back(app, gate):
    """The ASGI application as a client that stops reading sees it: once `gate` is cleared, the
    server's send waits (as uvicorn's does when the socket's write buffer is full)."""
    async def wrapped(scope, receive, send):
        async def send_when_read(message):
            if message["type"] == "websocket.send":
                await gate.wait()
            await send(message)
        return await app(scope, receive, send_when_read)
    return wrapped


async def test_a_client_that_does_not_read_holds_no_other_socket_and_gets_everything_later(transactional_demo):
    d = transactional_demo
    gate = asyncio.Event()
    gate.set()
    token = await token_for(d.parent_maya)
    slow = WebsocketCommunicator(held_back(application, gate), f"/ws/ieps/{d.maya_iep.id}/",
                                 headers=[ORIGIN, (b"authorization", f"Token {token}".encode())])
    assert (await slow.connect(timeout=5))[0]
    hello = await slow.receive_json_from(timeout=5)
    fast, _ = await connect_member(d.maya_iep.id, d.ot)

    gate.clear()
    bodies = [f"while it does not read {i}" for i in range(5)]
    for body in bodies:
        await comment(d.casemanager, d.maya_recs[0], body)
    assert [e["data"]["body"] for e in await receive_events(fast, 5)] == bodies
    assert await slow.receive_nothing(timeout=0.2)

    gate.set()
    events = await receive_events(slow, 5)
    assert [e["seq"] for e in events] == list(range(hello["last_seq"] + 1, hello["last_seq"] + 6))
    assert [e["data"]["body"] for e in events] == bodies
    await slow.disconnect()
    await fast.disconnect()
