"""Events: each type reaches the child's team and nobody else; none is lost, none escapes a
rolled-back transaction."""
import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import transaction

from apps.discussions import services as discussions
from apps.discussions.models import Comment
from apps.discussions.selectors import thread_of
from apps.ieps.models import Event
from tests.conftest import api_client_for
from tests.live import connect_member, drain, receive_events

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def call(user, method, path, data=None):
    def run():
        return getattr(api_client_for(user), method)(path, data, format="json")
    return database_sync_to_async(run)()


async def _setup_comment(d):
    answer = await call(d.ot, "post", f"/api/v1/recommendations/{d.maya_recs[0].id}/comments/", {"body": "first"})
    return answer.json()


# Each case: (event type, how to cause it). The audience is always Maya's team.
async def cause_comment_created(d):
    return await call(d.parent_maya, "post", f"/api/v1/recommendations/{d.maya_recs[0].id}/comments/", {"body": "hi"})


async def cause_comment_edited(d):
    comment = await _setup_comment(d)
    return await call(d.ot, "patch", f"/api/v1/comments/{comment['id']}/", {"body": "first, edited"})


async def cause_comment_deleted(d):
    comment = await _setup_comment(d)
    return await call(d.ot, "delete", f"/api/v1/comments/{comment['id']}/")


async def cause_thread_resolved(d):
    return await call(d.casemanager, "post", f"/api/v1/recommendations/{d.maya_recs[0].id}/resolve/")


async def cause_thread_reopened(d):
    await call(d.casemanager, "post", f"/api/v1/recommendations/{d.maya_recs[0].id}/resolve/")
    return await call(d.parent_maya, "post", f"/api/v1/recommendations/{d.maya_recs[0].id}/reopen/")


async def cause_recommendation_updated(d):
    return await call(d.ot, "patch", f"/api/v1/recommendations/{d.maya_recs[0].id}/", {"minutes_per_week": 45})


async def cause_recommendation_created(d):
    return await call(d.slp, "post", f"/api/v1/ieps/{d.maya_iep.id}/recommendations/",
                      {"kind": "goal", "title": "Retell a story", "rationale": "Narrative skills."})


async def cause_position_updated(d):
    return await call(d.slp, "put", f"/api/v1/recommendations/{d.maya_recs[0].id}/position/",
                      {"stance": "unsure", "basis": "Need more data", "observed_in": "school"})


def _consent_body(iep):
    from apps.ieps.content_hash import content_hash
    from tests.consent import answers_for

    return {"content_hash": content_hash(iep), "decisions": answers_for(iep),
            "signature": {"full_name": "Elena Rivera", "consent_to_electronic_signature": True}}


async def cause_iep_status_changed(d):
    # The parent's consent activates the IEP: its status change is the last event of that answer.
    body = await database_sync_to_async(_consent_body)(d.maya_iep)
    return await call(d.parent_maya, "post", f"/api/v1/ieps/{d.maya_iep.id}/consent/", body)


async def cause_consent_given(d):
    def second_parent_and_body():
        from apps.accounts.models import User
        from apps.students.models import Membership

        father = User.objects.create_user("father.maya@demo.example", "pw-123456789", full_name="Luis Rivera")
        Membership.objects.create(user=father, student=d.maya, role="parent")
        return _consent_body(d.maya_iep)

    # With a second parent still to answer, the mother's answer is the last event.
    body = await database_sync_to_async(second_parent_and_body)()
    return await call(d.parent_maya, "post", f"/api/v1/ieps/{d.maya_iep.id}/consent/", body)


async def cause_signature_added(d):
    from apps.ieps.content_hash import content_hash

    digest = await database_sync_to_async(content_hash)(d.maya_iep)
    return await call(d.ot, "post", f"/api/v1/ieps/{d.maya_iep.id}/signatures/",
                      {"content_hash": digest, "full_name": "Priya Natarajan", "capacity": "attended"})


async def cause_iep_amendment_started(d):
    from tests.consent import give_every_parent_consent

    await database_sync_to_async(give_every_parent_consent)(d.maya_iep)
    return await call(d.casemanager, "post", f"/api/v1/ieps/{d.maya_iep.id}/amendment/")


async def cause_iep_updated(d):
    await call(d.casemanager, "post", f"/api/v1/ieps/{d.maya_iep.id}/status/", {"status": "draft"})
    return await call(d.casemanager, "patch", f"/api/v1/ieps/{d.maya_iep.id}/", {"meeting_at": "2026-10-20"})


CASES = {
    "comment.created": cause_comment_created,
    "comment.edited": cause_comment_edited,
    "comment.deleted": cause_comment_deleted,
    "thread.resolved": cause_thread_resolved,
    "thread.reopened": cause_thread_reopened,
    "recommendation.updated": cause_recommendation_updated,
    "recommendation.created": cause_recommendation_created,
    "position.updated": cause_position_updated,
    "iep.status_changed": cause_iep_status_changed,
    "consent.given": cause_consent_given,
    "signature.added": cause_signature_added,
    "iep.amendment_started": cause_iep_amendment_started,
    "iep.updated": cause_iep_updated,
}


@pytest.mark.parametrize("event_type", CASES)
async def test_each_event_type_reaches_the_team_and_nobody_else(transactional_demo, event_type):
    d = transactional_demo
    team = [await connect_member(d.maya_iep.id, u) for u in (d.parent_maya, d.ot, d.casemanager, d.admin)]
    outsiders = [await connect_member(d.leo_iep.id, u) for u in (d.parent_leo, d.teacher_leo, d.casemanager)]

    answer = await CASES[event_type](d)
    assert answer.status_code in (200, 201), answer.content

    for socket, _hello in team:
        frames = await drain(socket)
        types = [f["type"] for f in frames if "seq" in f]
        assert types[-1] == event_type
        if event_type.startswith("comment."):
            assert frames[-1]["data"] == answer.json()
    for socket, _hello in outsiders:
        assert await drain(socket) == []
    for socket, _ in team + outsiders:
        await socket.disconnect()


async def test_a_deleted_comment_event_carries_the_tombstone_not_the_text(transactional_demo):
    d = transactional_demo
    socket, _ = await connect_member(d.maya_iep.id, d.parent_maya)
    await cause_comment_deleted(d)
    events = await receive_events(socket, 2)
    assert events[-1]["type"] == "comment.deleted"
    assert events[-1]["data"]["deleted"] is True
    assert events[-1]["data"]["body"] == ""
    await socket.disconnect()


async def test_a_comment_in_a_transaction_that_rolls_back_leaves_no_event(transactional_demo):
    d = transactional_demo
    socket, hello = await connect_member(d.maya_iep.id, d.parent_maya)

    def post_then_fail():
        with pytest.raises(RuntimeError), transaction.atomic():
            discussions.comment_create(actor=d.ot, thread=thread_of(d.maya_recs[0]), body="never happened")
            raise RuntimeError("rolled back")

    await database_sync_to_async(post_then_fail)()
    assert await drain(socket, timeout=0.5) == []
    assert not await database_sync_to_async(Comment.objects.filter(body="never happened").exists)()
    assert await database_sync_to_async(Event.objects.filter(iep=d.maya_iep, seq__gt=hello["last_seq"]).count)() == 0
    await socket.disconnect()


class RedisOutage:
    """What a Redis hiccup does to the channel layer, for real: while it lasts, Redis refuses
    pub/sub (the default user loses its channel permission, which also disconnects subscribers)
    and the list-based layer's groups and queues are gone (the keys are flushed)."""

    def __init__(self):
        import redis

        self.redis = redis.Redis.from_url(settings.REDIS_URL)

    def start(self):
        self.redis.execute_command("ACL", "SETUSER", "default", "resetchannels")
        self.redis.flushdb()

    def end(self):
        self.redis.execute_command("ACL", "SETUSER", "default", "allchannels")


@pytest.mark.services
async def test_no_comment_is_lost_when_the_channel_layer_drops_messages(transactional_demo):
    """100 comments; Redis refuses the channel layer from the 30th to the 60th, so live copies go nowhere.
    The client notices the silence, resyncs from its last sequence number, and holds all 100."""

    d = transactional_demo
    rec = d.maya_recs[0]
    socket, hello = await connect_member(d.maya_iep.id, d.parent_maya)
    start = hello["last_seq"]

    outage = RedisOutage()
    try:
        for i in range(100):
            if i == 30:
                outage.start()
            if i == 60:
                outage.end()
            answer = await call(d.ot, "post", f"/api/v1/recommendations/{rec.id}/comments/",
                                {"body": f"comment {i}"})
            assert answer.status_code == 201, "a Redis outage must not fail the request"
    finally:
        outage.end()

    live = [f for f in await drain(socket, timeout=0.5) if "seq" in f]
    assert len({e["seq"] for e in live}) < 100, "the outage should have cut the live stream"
    held = {e["seq"]: e for e in live}
    contiguous = start
    while contiguous + 1 in held:
        contiguous += 1
    await socket.send_json_to({"type": "resync", "after": contiguous})
    for event in await receive_events(socket, start + 100 - contiguous):
        held[event["seq"]] = event

    seqs = sorted(held)
    assert seqs == list(range(start + 1, start + 101))
    assert [held[s]["data"]["body"] for s in seqs] == [f"comment {i}" for i in range(100)]
    stored = await database_sync_to_async(
        lambda: list(Comment.objects.filter(thread__recommendation=rec).order_by("id").values_list("body", flat=True))
    )()
    assert stored == [f"comment {i}" for i in range(100)]
    await socket.disconnect()
