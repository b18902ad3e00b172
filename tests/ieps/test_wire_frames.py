"""Frames put in wire bytes once per event (apps.core.hub.wire_frame) and written to each socket's
transport under uvicorn's own sans-I/O WebSocket protocol: served here by a real uvicorn in this
test's event loop to real WebSocket clients, on the real channel layer. Each client gets the very
messages the event log holds, and a compressed connection still gets a copy framed by uvicorn."""
import asyncio
import json

import pytest
import uvicorn
import websockets
from channels.db import database_sync_to_async
from websockets.protocol import State
from websockets.server import ServerProtocol

from apps.core.hub import hub, wire_frame
from apps.core.live import iep_group
from iepteam.asgi import application
from tests.conftest import api_client_for
from tests.live import token_for
from tests.servers import free_port


# Three lengths of frame header: a short payload, a 16-bit length and a 64-bit one; and text
# that is not ASCII, whose UTF-8 length is not its length in characters.
TEXTS = ["", "x" * 125, "x" * 126, "Señora Rivera — ñ" * 4000, "y" * 70_000]


@pytest.mark.parametrize("text", TEXTS, ids=["empty", "125", "126", "utf-8", "64-bit length"])
def test_the_wire_frame_is_what_the_websocket_library_frames_for_a_server(text):
    protocol = ServerProtocol(state=State.OPEN)
    protocol.send_text(text.encode())
    assert wire_frame(text) == b"".join(protocol.data_to_send())


async def serve(deflate: bool):
    config = uvicorn.Config(application, host="127.0.0.1", port=free_port(), ws="websockets-sansio",
                            ws_per_message_deflate=deflate, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.ensure_future(server.serve())
    for _ in range(500):
        if server.started:
            return server, task
        await asyncio.sleep(0.01)
    raise AssertionError("uvicorn did not start")


async def stop(server, task):
    server.should_exit = True
    await asyncio.wait_for(task, 10)


async def client(server, iep_id, user, *, compression=None):
    port = server.config.port
    socket = await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/ieps/{iep_id}/", compression=compression,
        additional_headers={"Authorization": f"Token {await token_for(user)}", "Origin": "http://testserver"})
    hello = json.loads(await asyncio.wait_for(socket.recv(), 5))
    assert hello["type"] == "hello", hello
    return socket


async def events_on(socket, count):
    events = []
    while len(events) < count:
        frame = json.loads(await asyncio.wait_for(socket.recv(), 5))
        if "seq" in frame:
            events.append(frame)
    return events


def post_comments(user, rec, bodies):
    def run():
        for body in bodies:
            answer = api_client_for(user).post(f"/api/v1/recommendations/{rec.id}/comments/", {"body": body},
                                               format="json")
            assert answer.status_code == 201, answer.content
    return database_sync_to_async(run)()


def logged_events(user, iep):
    def run():
        answer = api_client_for(user).get(f"/api/v1/ieps/{iep.id}/events/?after=0")
        assert answer.status_code == 200
        return answer.json()["results"]
    return database_sync_to_async(run)()


BODIES = ["Short.", "Seen at home: " + "she holds the pencil well, " * 40 + "too.", "Señora Rivera: la niña escribe. " * 150 + "Fin."]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_every_socket_gets_the_events_of_the_log_as_frames_made_once(transactional_demo):
    d = transactional_demo
    server, task = await serve(deflate=False)
    try:
        sockets = [await client(server, d.maya_iep.id, person) for person in (d.parent_maya, d.ot, d.slp)]
        await post_comments(d.ot, d.maya_recs[0], BODIES)
        received = [await events_on(socket, len(BODIES)) for socket in sockets]
        logged = await logged_events(d.casemanager, d.maya_iep)
        assert [e["data"]["body"] for e in logged[-len(BODIES):]] == BODIES
        for events in received:
            assert events == logged[-len(BODIES):]
        served = hub().sockets(iep_group(d.maya_iep.id))
        assert len(served) == 3
        assert all(s.frames_written_as_wire >= len(BODIES) for s in served)
        for socket in sockets:
            await socket.close()
    finally:
        await stop(server, task)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_compressed_connection_gets_its_own_copy_framed_by_uvicorn(transactional_demo):
    d = transactional_demo
    server, task = await serve(deflate=True)
    try:
        compressed = await client(server, d.maya_iep.id, d.parent_maya, compression="deflate")
        plain = await client(server, d.maya_iep.id, d.ot)
        await post_comments(d.ot, d.maya_recs[0], BODIES)
        logged = (await logged_events(d.casemanager, d.maya_iep))[-len(BODIES):]
        assert await events_on(compressed, len(BODIES)) == logged
        assert await events_on(plain, len(BODIES)) == logged
        by_user = {s.user.id: s for s in hub().sockets(iep_group(d.maya_iep.id))}
        assert by_user[d.parent_maya.id].frames_written_as_wire == 0
        assert by_user[d.ot.id].frames_written_as_wire >= len(BODIES)
        await compressed.close()
        await plain.close()
    finally:
        await stop(server, task)
