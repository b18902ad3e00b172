"""Helpers for tests of the live channel: real WebSockets through the project's ASGI application
(the whole middleware stack) on whatever channel layer the settings give (Redis in CI)."""
import json

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from iepteam.asgi import application

ORIGIN = (b"origin", b"http://testserver")


@database_sync_to_async
def token_for(user):
    from tests.conftest import token_for as new_token

    return new_token(user, name="live tests")


async def open_socket(iep_id, user=None, *, origin=ORIGIN, session_cookie=None):
    headers = [origin] if origin else []
    if user is not None:
        headers.append((b"authorization", f"Token {await token_for(user)}".encode()))
    if session_cookie:
        headers.append((b"cookie", f"sessionid={session_cookie}".encode()))
    socket = WebsocketCommunicator(application, f"/ws/ieps/{iep_id}/", headers=headers)
    connected, _ = await socket.connect(timeout=5)
    assert connected
    return socket


async def connect_member(iep_id, user):
    """A socket that was let in: it first says hello with the IEP's last sequence number."""
    socket = await open_socket(iep_id, user)
    hello = await socket.receive_json_from(timeout=5)
    assert hello["type"] == "hello", hello
    return socket, hello


async def refused_with(socket):
    """Reads frames until the close; answers (close code, error codes seen)."""
    errors = []
    while True:
        message = await socket.receive_output(timeout=5)
        if message["type"] == "websocket.close":
            return message.get("code"), errors
        frame = json.loads(message["text"])
        if frame.get("type") == "error":
            errors.append(frame["error"]["code"])


async def receive_events(socket, count, timeout=5):
    events = []
    while len(events) < count:
        frame = await socket.receive_json_from(timeout=timeout)
        if "seq" in frame:
            events.append(frame)
    return events


async def drain(socket, timeout=0.3):
    """Every frame that arrives within `timeout` of the last one, heartbeats aside (they come
    at random moments)."""
    frames = []
    while not await socket.receive_nothing(timeout=timeout):
        frame = await socket.receive_json_from()
        if frame.get("type") != "heartbeat":
            frames.append(frame)
    return frames
