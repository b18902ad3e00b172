"""The IEP live channel over real WebSockets: who gets in, who is refused, what each receives."""
import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from django.test import override_settings

from apps.students.models import Membership
from apps.students.services import membership_revoke
from tests.conftest import api_client_for
from tests.live import connect_member, drain, open_socket, receive_events, refused_with

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def call(user, method, path, data=None):
    """An API call as `user`, run off the event loop like a real request would be."""
    def run():
        client = api_client_for(user)
        return getattr(client, method)(path, data, format="json")
    return database_sync_to_async(run)()


async def test_two_members_see_each_others_comments_live(transactional_demo):
    d = transactional_demo
    rec = d.maya_recs[0]
    parent, _ = await connect_member(d.maya_iep.id, d.parent_maya)
    ot, _ = await connect_member(d.maya_iep.id, d.ot)

    answer = await call(d.parent_maya, "post", f"/api/v1/recommendations/{rec.id}/comments/",
                        {"body": "At home she still struggles with buttons."})
    assert answer.status_code == 201
    for socket in (parent, ot):
        [event] = await receive_events(socket, 1)
        assert event["type"] == "comment.created"
        assert event["data"] == answer.json()

    reply = await call(d.ot, "post", f"/api/v1/recommendations/{rec.id}/comments/",
                       {"body": "Thank you, could you film it?", "parent": answer.json()["id"]})
    [event] = await receive_events(parent, 1)
    assert event["data"]["id"] == reply.json()["id"]
    assert event["data"]["parent"] == answer.json()["id"]
    await parent.disconnect()
    await ot.disconnect()


async def test_a_signed_in_team_member_can_connect_with_the_session_cookie(transactional_demo, live_session):
    d = transactional_demo
    session_key = await live_session(d.slp)
    socket = await open_socket(d.maya_iep.id, session_cookie=session_key)
    hello = await socket.receive_json_from(timeout=5)
    assert hello["type"] == "hello"
    await socket.disconnect()


@pytest.mark.parametrize("persona", ["parent_leo", "teacher_leo", "evaluator"])
async def test_people_outside_the_team_are_refused_at_connect(transactional_demo, persona):
    d = transactional_demo
    socket = await open_socket(d.maya_iep.id, getattr(d, persona))
    code, errors = await refused_with(socket)
    assert code == 4403
    assert errors == ["not_allowed"]


async def test_a_signed_out_visitor_is_refused_with_4401(transactional_demo):
    socket = await open_socket(transactional_demo.maya_iep.id)
    code, errors = await refused_with(socket)
    assert code == 4401
    assert errors == ["not_authenticated"]


async def test_a_bad_token_counts_as_signed_out(transactional_demo):
    from channels.testing import WebsocketCommunicator

    from iepteam.asgi import application

    socket = WebsocketCommunicator(application, f"/ws/ieps/{transactional_demo.maya_iep.id}/",
                                   headers=[(b"origin", b"http://testserver"), (b"authorization", b"Token nope")])
    await socket.connect()
    code, _errors = await refused_with(socket)
    assert code == 4401


@pytest.mark.parametrize("origin", [b"http://evil.example", b"null", None])
async def test_a_page_from_another_origin_is_refused(transactional_demo, origin):
    socket = await open_socket(transactional_demo.maya_iep.id, transactional_demo.ot,
                               origin=(b"origin", origin) if origin else None)
    code, errors = await refused_with(socket)
    assert code == 4403
    assert errors == ["origin_not_allowed"]


async def test_an_unknown_iep_is_refused_like_a_hidden_one(transactional_demo):
    socket = await open_socket(999999, transactional_demo.ot)
    code, _ = await refused_with(socket)
    assert code == 4403


async def test_a_member_taken_off_the_team_is_disconnected(transactional_demo):
    d = transactional_demo
    socket, _ = await connect_member(d.maya_iep.id, d.slp)
    await database_sync_to_async(membership_revoke)(student=d.maya, user=d.slp)
    code, errors = await refused_with(socket)
    assert code == 4403
    assert errors == ["access_ended"]


async def test_signing_out_closes_the_sockets_of_that_session_only(transactional_demo, live_session):
    d = transactional_demo
    session_key = await live_session(d.ot)
    by_session = await open_socket(d.maya_iep.id, session_cookie=session_key)
    assert (await by_session.receive_json_from())["type"] == "hello"
    by_token, _ = await connect_member(d.maya_iep.id, d.ot)

    await live_session.sign_out(session_key)

    code, errors = await refused_with(by_session)
    assert (code, errors) == (4401, ["signed_out"])
    assert await drain(by_token) == []
    await by_token.disconnect()


async def test_a_membership_that_lapses_meanwhile_is_noticed_at_the_next_access_check(transactional_demo):
    from datetime import timedelta

    from django.utils import timezone

    d = transactional_demo
    with override_settings(WEBSOCKET_HEARTBEAT_SECONDS=0.2, WEBSOCKET_ACCESS_CHECK_SECONDS=0.2):
        socket, _ = await connect_member(d.maya_iep.id, d.ot)
        frame = await socket.receive_json_from(timeout=3)
        assert frame["type"] == "heartbeat"
        await database_sync_to_async(
            Membership.objects.filter(user=d.ot, student=d.maya).update
        )(expires_at=timezone.now() - timedelta(seconds=1))
        code, errors = await refused_with(socket)
    assert (code, errors) == (4403, ["access_ended"])


async def test_resync_replays_every_event_after_a_sequence_number_in_order(transactional_demo):
    d = transactional_demo
    rec = d.maya_recs[0]
    for i in range(5):
        await call(d.ot, "post", f"/api/v1/recommendations/{rec.id}/comments/", {"body": f"note {i}"})
    socket, hello = await connect_member(d.maya_iep.id, d.parent_maya)
    await socket.send_json_to({"type": "resync", "after": hello["last_seq"] - 3})
    events = await receive_events(socket, 3)
    assert [e["seq"] for e in events] == [hello["last_seq"] - 2, hello["last_seq"] - 1, hello["last_seq"]]
    assert [e["data"]["body"] for e in events] == ["note 2", "note 3", "note 4"]
    assert await drain(socket) == []
    await socket.disconnect()


@pytest.mark.parametrize("frame, code", [
    ("not json", "malformed"),
    ("[1, 2]", "malformed"),
    ('"resync"', "malformed"),
    ('{"no": "type"}', "unknown_type"),
    ('{"type": "launch"}', "unknown_type"),
    ('{"type": "resync"}', "invalid"),
    ('{"type": "resync", "after": -1}', "invalid"),
    ('{"type": "resync", "after": "5"}', "invalid"),
    ('{"type": "resync", "after": true}', "invalid"),
    ('{"type": "resync", "after": 1.5}', "invalid"),
])
async def test_a_frame_the_server_does_not_understand_gets_an_error_and_the_socket_stays(transactional_demo, frame, code):
    socket, _ = await connect_member(transactional_demo.maya_iep.id, transactional_demo.ot)
    await socket.send_to(text_data=frame)
    answer = await socket.receive_json_from()
    assert answer == {"type": "error", "error": {"code": code, "message": answer["error"]["message"]}}
    await socket.send_json_to({"type": "ping"})
    assert (await socket.receive_json_from())["type"] == "pong"
    await socket.disconnect()


async def test_a_frame_over_64_kb_is_refused_and_the_socket_stays(transactional_demo):
    socket, _ = await connect_member(transactional_demo.maya_iep.id, transactional_demo.ot)
    await socket.send_to(text_data=json.dumps({"type": "ping", "pad": "x" * 70_000}))
    assert (await socket.receive_json_from())["error"]["code"] == "too_large"
    await socket.send_to(bytes_data=b"\x00" * 70_000)
    assert (await socket.receive_json_from())["error"]["code"] == "too_large"
    await socket.send_json_to({"type": "ping"})
    assert (await socket.receive_json_from())["type"] == "pong"
    await socket.disconnect()


async def test_a_flood_of_frames_is_cut_off_after_100_a_minute(transactional_demo):
    socket, _ = await connect_member(transactional_demo.maya_iep.id, transactional_demo.ot)
    for _ in range(130):
        await socket.send_json_to({"type": "ping"})
    answers = [await socket.receive_json_from() for _ in range(130)]
    assert [a["type"] for a in answers].count("pong") == 100
    assert [a.get("error", {}).get("code") for a in answers[100:]] == ["rate_limited"] * 30
    await socket.disconnect()


async def test_a_wildcard_allowed_host_does_not_open_the_socket_to_every_origin(transactional_demo):
    with override_settings(ALLOWED_HOSTS=["*"]):
        socket = await open_socket(transactional_demo.maya_iep.id, transactional_demo.ot,
                                   origin=(b"origin", b"http://evil.example"))
        code, errors = await refused_with(socket)
    assert (code, errors) == (4403, ["origin_not_allowed"])


async def test_an_idle_socket_outlives_the_channel_layers_blocking_read(transactional_demo):
    """channels_redis waits up to 5 s per read; a socket idle for longer must still receive."""
    d = transactional_demo
    socket, _ = await connect_member(d.maya_iep.id, d.parent_maya)
    await asyncio.sleep(7)
    await call(d.ot, "post", f"/api/v1/recommendations/{d.maya_recs[0].id}/comments/", {"body": "after a pause"})
    [event] = await receive_events(socket, 1)
    assert event["data"]["body"] == "after a pause"
    await socket.disconnect()


async def test_a_time_limited_membership_closes_the_socket_when_it_expires(transactional_demo):
    """An evaluator's membership ends at a known time: the socket closes then, with no message."""
    from datetime import timedelta

    from django.utils import timezone

    d = transactional_demo
    await database_sync_to_async(Membership.objects.filter(user=d.ot, student=d.maya).update)(
        expires_at=timezone.now() + timedelta(seconds=1.5))
    with override_settings(WEBSOCKET_HEARTBEAT_SECONDS=0.3):
        socket, _ = await connect_member(d.maya_iep.id, d.ot)
        code, errors = await refused_with(socket)
    assert (code, errors) == (4403, ["access_ended"])


async def test_heartbeats_carry_the_last_sequence_number_so_a_client_can_see_a_gap(transactional_demo):
    d = transactional_demo
    with override_settings(WEBSOCKET_HEARTBEAT_SECONDS=0.3):
        socket, hello = await connect_member(d.maya_iep.id, d.parent_maya)
        await call(d.ot, "post", f"/api/v1/recommendations/{d.maya_recs[0].id}/comments/", {"body": "x"})
        # Heartbeats read the number through a per-process cache of a few seconds
        # (LAST_SEQ_TTL_SECONDS), so the first ones after the comment may still say the old one:
        # wait, with a bound, for one that carries the comment's number, and never a higher one.
        # (The event itself may come before or after it: the heartbeat reads the database.)
        frames = []
        deadline = asyncio.get_running_loop().time() + 10

        def seen():
            new = hello["last_seq"] + 1
            return (any(f.get("type") == "heartbeat" and f["last_seq"] == new for f in frames)
                    and any(f.get("seq") == new for f in frames))

        while not seen():
            assert asyncio.get_running_loop().time() < deadline, frames
            frames.append(await socket.receive_json_from(timeout=3))
    assert all(f["last_seq"] <= hello["last_seq"] + 1 for f in frames if f.get("type") == "heartbeat")
    await socket.disconnect()


async def test_a_socket_holds_its_standing_and_refreshes_it_when_access_changes(transactional_demo):
    """The socket keeps the standing its access check worked out (role, scope, expiry) and
    replaces it with a fresh one on access.changed: a change of expiry is then what it times its
    next check by."""
    from datetime import timedelta

    from django.utils import timezone

    from apps.core.hub import hub
    from apps.core.live import end_sockets_of, user_group

    d = transactional_demo
    socket, _ = await connect_member(d.maya_iep.id, d.ot)
    [consumer] = hub().groups[user_group(d.ot.id)]
    assert (consumer.standing.team_role, consumer.standing.expires_at, consumer.scoped) == ("clinician", None, False)

    refreshed = asyncio.Event()
    still_allowed = consumer.still_allowed

    async def noting(access):
        allowed = await still_allowed(access)
        refreshed.set()
        return allowed

    consumer.still_allowed = noting
    later = timezone.now() + timedelta(days=3)
    await database_sync_to_async(Membership.objects.filter(user=d.ot, student=d.maya).update)(expires_at=later)
    await database_sync_to_async(end_sockets_of)(d.ot.id, reason="scope_changed", student_id=d.maya.id)
    await asyncio.wait_for(refreshed.wait(), 5)
    assert consumer.standing.expires_at == later
    assert consumer.standing.team_role == "clinician"
    assert await drain(socket) == []
    await socket.disconnect()
