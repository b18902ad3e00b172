"""A request's live messages leave once its answer is sent: a comment's POST does not share the
event loop with the fan-out of its own event (bench/fanout.py measures what that costs). Driven
through the project's ASGI application, as a server would, on the settings' channel layer."""
import asyncio
import json

import pytest
from channels.layers import get_channel_layer

from apps.core import live
from iepteam.asgi import application
from tests.live import token_for

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def _post(path: str, payload: dict, token: str, send):
    body = json.dumps(payload).encode()
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()), (b"authorization", f"Token {token}".encode())],
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
    }
    requests = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive():
        if requests:
            return requests.pop()
        await asyncio.Event().wait()  # the client stays connected until the server is done

    await application(scope, receive, send)


async def test_a_comment_post_answers_before_its_event_is_handed_to_the_layer(transactional_demo, monkeypatch):
    d = transactional_demo
    rec = d.maya_recs[0]
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(live.iep_group(d.maya_iep.id), channel)
    order, answer = [], {}
    handed_over = live._send_soon

    def recorded_handover(group, message):
        order.append(("handed over", message.get("type")))
        handed_over(group, message)

    monkeypatch.setattr(live, "_send_soon", recorded_handover)

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body" and not message.get("more_body"):
            answer["body"] = json.loads(message["body"])
            order.append(("answered", answer["status"]))

    await _post(f"/api/v1/recommendations/{rec.id}/comments/", {"body": "At home she buttons her coat."},
                await token_for(d.parent_maya), send)

    assert answer["status"] == 201, answer
    assert order[0] == ("answered", 201) and ("handed over", "iep.event") in order[1:], order
    # And the event is not lost on the way: it reaches the IEP's group.
    message = await asyncio.wait_for(layer.receive(channel), 5)
    assert message["type"] == "iep.event"
    assert json.loads(message["text"])["data"]["id"] == answer["body"]["id"]
