"""Heartbeats are due by the tick: one timer per tick serves every socket due in it, and their
IEPs' last sequence numbers are read once for all of them, however many sockets there are."""
import asyncio
import json

import pytest

from apps.core import hub
from apps.ieps import fanout, live_reads

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


class Socket:
    """What a heartbeat needs of a socket: its IEP, whether it still listens, and a way to write."""

    def __init__(self, iep):
        self.iep, self.listening, self.frames = iep, True, []

    def access_check_due(self, now):
        return False

    def write(self, text, wire=None):  # as HubSocket.write: the wire bytes are the same frame
        assert wire is None or wire == hub.wire_frame(text)
        self.frames.append(json.loads(text))


async def test_a_hundred_sockets_due_within_three_seconds_take_four_timers_and_few_reads(transactional_demo,
                                                                                       monkeypatch):
    iep = transactional_demo.maya_iep
    reads = []
    read = live_reads._read_last_seqs

    async def counted(iep_ids):
        reads.append(list(iep_ids))
        return await read(iep_ids)

    monkeypatch.setattr(live_reads, "_read_last_seqs", counted)
    monkeypatch.setattr(live_reads, "LAST_SEQ_TTL_SECONDS", 0)  # every batch reads: count them all
    monkeypatch.setattr(fanout.settings, "WEBSOCKET_HEARTBEAT_SECONDS", 3600)  # one beat each here
    state = fanout._state(fanout.hubs.hub())
    sockets = [Socket(iep) for _ in range(100)]
    for n, socket in enumerate(sockets):
        fanout.schedule_beat(socket, 0.01 + 3 * n / 100)
    assert len(state.wheel) <= 4  # a timer per tick, not per socket

    gone = sockets.pop()
    fanout.cancel_beat(gone)
    async with asyncio.timeout(10):
        while any(not s.frames for s in sockets):
            await asyncio.sleep(0.05)
    assert all(s.frames == [{"type": "heartbeat", "last_seq": iep.last_event_seq}] for s in sockets)
    assert gone.frames == []  # a closed socket gets no heartbeat
    assert 1 <= len(reads) <= 4
    for socket in sockets:  # the next beats, an hour away, are dropped with the sockets
        fanout.cancel_beat(socket)
    assert not any(state.wheel.values())
