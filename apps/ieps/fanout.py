"""What the process's hub (apps.core.hub) does with the IEP live channel's messages.

- `iep.event`: the frame was encoded once when the event was appended (apps.ieps.events), with
  its redacted variant, and is put in wire bytes once here. The team's sockets get it written
  straight away, yielding to the event loop between batches so a comment's POST (answered on the
  same loop) never waits behind the whole fan-out. Evaluators' sockets get it after one read per evaluator per event, made when it
  is sent (their scope now), on a line of their own so they never hold the team back and still
  get the group's events in order.
- `access.changed`: a revocation, a scope change, a sign-out; read once per person and IEP.
- Heartbeats: sockets are due by the second; one read of the last sequence numbers and one
  encoded frame per IEP serve everyone due, and the sockets whose periodic access re-check is due
  then are re-checked together, in one read.
"""
import asyncio
import collections
import json
import logging
import math
import time

from django.conf import settings

from apps.core import hub as hubs

from . import live_reads

log = logging.getLogger(__name__)

# Sockets written between two yields to the event loop: about a millisecond of work.
BATCH = 64

_tasks = set()


def _spawn(coro):
    task = asyncio.ensure_future(coro)
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
    return task


class _State:
    """Per hub (per event loop): the evaluator lines of each group and the due heartbeats."""

    def __init__(self):
        self.lines: dict[str, _EvaluatorLine] = {}
        self.due = []
        self.beating = None
        self.wheel: dict[int, list] = {}  # tick number -> the sockets whose heartbeat falls in it


def _state(hub) -> _State:
    state = getattr(hub, "ieps_state", None)
    if state is None:
        state = hub.ieps_state = _State()
    return state


# Events ------------------------------------------------------------------------------------

async def event_to_sockets(hub, group, sockets, message):
    text = message["text"]
    wire = hubs.wire_frame(text)  # once for the process, not once per socket
    evaluators = []
    written = 0
    for socket in sockets:
        if socket.scoped:
            evaluators.append(socket)
            continue
        socket.write(text, wire)
        written += 1
        if written % BATCH == 0:
            await asyncio.sleep(0)
    if evaluators:
        state = _state(hub)
        line = state.lines.get(group)
        if line is None:
            line = state.lines[group] = _EvaluatorLine(state, group)
        line.add(message, evaluators)


class _EvaluatorLine:
    """The evaluators' copies of one group's events, in order. Each event's redaction is asked
    once per evaluator (all their sockets share the answer), all evaluators at once."""

    def __init__(self, state, group):
        self.state, self.group = state, group
        self.pending = collections.deque()
        self.task = None

    def add(self, message, sockets):
        by_person = {}
        for socket in sockets:
            by_person.setdefault(socket.user.id, []).append(socket)
        recommendation = message.get("recommendation")
        iep_id = sockets[0].iep.id
        decisions = {
            # An event of no recommendation is never redacted: no read.
            person: (_spawn(live_reads.redacted_now(person, iep_id, recommendation))
                     if recommendation is not None else None)
            for person in by_person
        }
        self.pending.append((message, by_person, decisions))
        if self.task is None:
            self.task = _spawn(self._deliver())

    async def _deliver(self):
        try:
            while self.pending:
                message, by_person, decisions = self.pending.popleft()
                for person, sockets in by_person.items():
                    decision = decisions[person]
                    try:
                        hidden = decision is not None and await decision
                    except Exception:
                        log.warning("redaction read failed; sending the redacted frame", exc_info=True)
                        hidden = True
                    text = message["redacted"] if hidden else message["text"]
                    wire = hubs.wire_frame(text)
                    for socket in sockets:
                        socket.write(text, wire)
        finally:
            self.task = None
            if not self.pending:
                self.state.lines.pop(self.group, None)


# Access --------------------------------------------------------------------------------------

async def access_changed(hub, group, sockets, message):
    # Off the hub's reader: the reads below must not hold other groups' events.
    _spawn(_access_changed(sockets, message))


async def _access_changed(sockets, message):
    if message.get("reason") in ("credentials_ended", "signed_out"):
        for socket in sockets:
            await socket.credentials_message(message)
        return
    by_iep = {}
    for socket in sockets:
        if socket.listening:
            by_iep.setdefault(socket.iep.id, []).append(socket)
    # A fresh read, never one begun before the message: it may predate the revocation.
    answers = await asyncio.gather(*(live_reads.access(same[0].user, iep_id) for iep_id, same in by_iep.items()),
                                   return_exceptions=True)
    for same, answer in zip(by_iep.values(), answers):
        if isinstance(answer, BaseException):
            log.warning("access re-check failed; the periodic check will retry", exc_info=answer)
            continue
        for socket in same:
            await socket.still_allowed(answer)


hubs.register("iep.event", event_to_sockets)
hubs.register("access.changed", access_changed)


# Heartbeats ---------------------------------------------------------------------------------
# They keep proxies from closing an idle socket and tell the client the last sequence number (a
# live message Redis dropped shows up as a gap, and the client resyncs).

# Sockets are due by the tick (BEAT_TICK_SECONDS), not each at its own moment: one timer per
# tick serves every socket due in it, with one read of their IEPs' last sequence numbers. With a
# timer per socket, 10,000 idle sockets meant 250 wake-ups, task starts and reads a second.
BEAT_TICK_SECONDS = 1.0


def schedule_beat(socket, delay):
    loop = asyncio.get_running_loop()
    state = _state(hubs.hub())
    tick = math.ceil((loop.time() + delay) / BEAT_TICK_SECONDS)
    due = state.wheel.get(tick)
    if due is None:
        due = state.wheel[tick] = []
        loop.call_at(tick * BEAT_TICK_SECONDS, _tick_due, state, tick)
    due.append(socket)
    socket.beat_tick = tick


def cancel_beat(socket):
    """The socket closed: its due heartbeat is dropped (nothing keeps a closed socket alive)."""
    tick, socket.beat_tick = getattr(socket, "beat_tick", None), None
    if tick is None:
        return
    due = _state(hubs.hub()).wheel.get(tick)
    if due is not None and socket in due:
        due.remove(socket)


def _tick_due(state, tick):
    due = state.wheel.pop(tick, [])
    for socket in due:
        socket.beat_tick = None
    state.due.extend(due)
    if state.due and state.beating is None:
        state.beating = _spawn(_beat(state))


async def _beat(state):
    try:
        while state.due:
            batch, state.due = state.due, []
            await _beat_batch([s for s in batch if s.listening])
    finally:
        state.beating = None


async def _beat_batch(sockets):
    every = settings.WEBSOCKET_HEARTBEAT_SECONDS
    try:
        seqs = await live_reads.last_seqs({s.iep.id for s in sockets})
    except Exception:
        log.warning("heartbeat read failed", exc_info=True)
        for socket in sockets:
            schedule_beat(socket, every)
        return
    frames = {}
    now = time.monotonic()
    checks = []
    for i, socket in enumerate(sockets):
        if not socket.listening:
            continue
        if socket.access_check_due(now):
            checks.append(socket)
            continue
        _beat_one(socket, seqs, frames)
        if i % BATCH == BATCH - 1:
            await asyncio.sleep(0)
    if checks:
        _spawn(_check_then_beat(checks, seqs))


def _beat_one(socket, seqs, frames):
    iep_id = socket.iep.id
    frame = frames.get(iep_id)
    if frame is None:
        text = json.dumps({"type": "heartbeat", "last_seq": seqs.get(iep_id, 0)})
        frame = frames[iep_id] = (text, hubs.wire_frame(text))
    socket.write(*frame)
    schedule_beat(socket, settings.WEBSOCKET_HEARTBEAT_SECONDS)


async def _check_then_beat(sockets, seqs):
    """The periodic access re-check of the sockets due in this beat, one read for all of them
    (off the beat: the others' heartbeats do not wait for it); each one still allowed then gets
    its heartbeat. A failed read keeps them for now: the next beat checks again."""
    try:
        answers = await live_reads.accesses([(s.user, s.iep.id) for s in sockets])
    except Exception:
        log.warning("access re-check failed; the next beat retries", exc_info=True)
        answers = None
    frames = {}
    for socket in sockets:
        if answers is not None and not await socket.still_allowed(answers[(socket.user.id, socket.iep.id)]):
            continue
        if socket.listening:
            _beat_one(socket, seqs, frames)
