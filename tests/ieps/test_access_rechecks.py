"""The live channel's periodic access re-check asks for every socket due in the same beat at once:
the batch answers exactly what one check at a time answers (the rule is decided once, in
iep_and_standing_for), in a number of queries that does not grow with the sockets, and a socket
whose access ended is refused while the others get their heartbeat."""
import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core import hub
from apps.core.errors import NotFound
from apps.ieps import fanout, live_reads
from apps.ieps.selectors import iep_and_standing_for, ieps_and_standings_for
from apps.students.models import Membership
from tests.conftest import PERSONAS


def one_at_a_time(user, iep_id):
    try:
        return iep_and_standing_for(user, iep_id)
    except NotFound:
        return None


def test_many_at_once_answer_what_one_at_a_time_answers(demo, flow):
    flow.to("attested")  # the evaluator sees Maya's IEP, through the disputed recommendations only
    people = [getattr(demo, p.replace(".", "_")) for p in PERSONAS]
    pairs = [(user, iep_id) for user in people for iep_id in (demo.maya_iep.id, demo.leo_iep.id, 10**9)]
    many = ieps_and_standings_for(pairs)
    assert many == {(user.id, iep_id): one_at_a_time(user, iep_id) for user, iep_id in pairs}
    seen = {key for key, found in many.items() if found is not None}
    assert (demo.evaluator.id, demo.maya_iep.id) in seen
    assert (demo.parent_leo.id, demo.maya_iep.id) not in seen


def test_the_batch_costs_the_same_queries_for_four_sockets_and_for_forty(demo):
    team = [demo.parent_maya, demo.ot, demo.slp, demo.casemanager]

    def queries(pairs):
        with CaptureQueriesContext(connection) as captured:
            live_reads.accesses.func(pairs)
        return len(captured.captured_queries)

    few = queries([(user, demo.maya_iep.id) for user in team])
    many = queries([(user, iep.id) for user in team * 5 for iep in (demo.maya_iep, demo.leo_iep)])
    assert few == many == 4  # people, IEPs, memberships, district administrators


class Socket:
    """What the re-check needs of a socket: its person and IEP, whether it is due, and the two
    ways it answers (apps.ieps.consumers.IEPConsumer.still_allowed and write)."""

    def __init__(self, user, iep):
        self.user, self.iep, self.listening, self.frames, self.refused = user, iep, True, [], False

    def access_check_due(self, now):
        return True

    async def still_allowed(self, access):
        if access is None:
            self.refused, self.listening = True, False
            return False
        self.iep = access[0]
        return True

    def write(self, text, wire=None):
        self.frames.append(json.loads(text))


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_sockets_due_in_one_beat_are_rechecked_in_one_read(transactional_demo, monkeypatch):
    d = transactional_demo
    reads = []
    read = live_reads.accesses

    async def counted(pairs):
        reads.append(len(pairs))
        return await read(pairs)

    monkeypatch.setattr(live_reads, "accesses", counted)
    monkeypatch.setattr(fanout.settings, "WEBSOCKET_HEARTBEAT_SECONDS", 3600)  # one beat each here
    await database_sync_to_async(Membership.objects.filter(user=d.slp, student=d.maya).delete)()
    staying = [Socket(person, d.maya_iep) for person in (d.parent_maya, d.ot, d.casemanager) * 10]
    gone = [Socket(d.slp, d.maya_iep) for _ in range(3)]
    sockets = staying + gone
    for socket in sockets:
        fanout.schedule_beat(socket, 0.01)
    async with asyncio.timeout(10):
        while any(not s.frames for s in staying) or not all(s.refused for s in gone):
            await asyncio.sleep(0.05)
    assert reads == [len(sockets)]
    assert all(s.frames == [{"type": "heartbeat", "last_seq": d.maya_iep.last_event_seq}] for s in staying)
    assert all(s.frames == [] for s in gone)
    state = fanout._state(hub.hub())
    for socket in sockets:
        fanout.cancel_beat(socket)
    assert not any(state.wheel.values())
