"""The IEP's live channel: /ws/ieps/<id>/. It forwards committed events to the team and lets a
client catch up from the event log. Every read goes through selectors; the only write is the
access record of opening the channel."""
import asyncio
import json
import random
import time
from functools import partial

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import timezone

from apps.audit.services import access_record
from apps.core.bounds import bounded_json_loads
from apps.core.errors import NotFound
from apps.core.live import iep_group, user_group
from apps.core.security import socket_security_event

from apps.students.models import Role
from apps.students.selectors import membership_for

from .selectors import event_presenter_for, event_redacted_now, events_after, iep_get_for, iep_last_seq

CLOSE_NOT_SIGNED_IN = 4401
CLOSE_NOT_ALLOWED = 4403
RESYNC_BATCH = 200


# These reads run in the thread pool, not on Django's one thread for sync code: hundreds of
# sockets re-checking access must not queue in front of the requests that write comments.
reads = partial(database_sync_to_async, thread_sensitive=False)


def _fresh(user):
    """The person as the database has them now: no memo of memberships from earlier checks."""
    from apps.accounts.models import User

    return User.objects.filter(id=user.id, is_active=True).first()


@reads
def _access(user, iep_id):
    """(the IEP, whether their view is an evaluator's scope, when the membership expires) if this
    person may see the IEP now, else None."""
    fresh = _fresh(user)
    if fresh is None:
        return None
    try:
        iep = iep_get_for(fresh, iep_id)
    except NotFound:
        return None
    membership = membership_for(fresh, iep.student_id)
    scoped = membership is not None and membership.role == Role.EVALUATOR
    return iep, scoped, membership.expires_at if membership else None


@reads
def _record_opened(user, iep):
    """Opening the channel is a read of the child's record (what it then forwards comes with it)."""
    fresh = _fresh(user)
    if fresh is not None:
        access_record(actor=fresh, student=iep.student, obj=iep, action="live")


@reads
def _events_after(user, iep, after, limit):
    fresh = _fresh(user)
    if fresh is None:
        return []
    present = event_presenter_for(fresh, iep)
    return [present(e) for e in events_after(iep, after)[:limit]]


@reads
def _redacted_now(user_id, iep_id, recommendation_id):
    return event_redacted_now(user_id, iep_id, recommendation_id)


@reads
def _read_last_seq(iep_id):
    return iep_last_seq(iep_id)


# The last sequence number per IEP, shared by the process's sockets for a moment: hundreds of
# heartbeats a minute need not each ask the database.
_last_seq_cache: dict[int, tuple[float, int]] = {}
LAST_SEQ_TTL_SECONDS = 2.0


async def _last_seq(iep_id):
    fetched_at, seq = _last_seq_cache.get(iep_id, (0.0, 0))
    if time.monotonic() - fetched_at > LAST_SEQ_TTL_SECONDS:
        seq = await _read_last_seq(iep_id)
        _last_seq_cache[iep_id] = (time.monotonic(), seq)
    return seq


class IEPConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        # Accept first, then refuse with a code: browsers cannot read why a handshake failed.
        await self.accept()
        self.iep = None
        self.frames = []
        user = self.scope.get("user")
        if not self.scope.get("origin_allowed"):
            await self._refuse(CLOSE_NOT_ALLOWED, "origin_not_allowed", "This page's origin may not connect.")
            return
        if user is None or not user.is_authenticated:
            await self._refuse(CLOSE_NOT_SIGNED_IN, "not_authenticated", "Sign in first.")
            return
        self.user = user
        access = await _access(user, int(self.scope["url_route"]["kwargs"]["iep_id"]))
        if access is None:
            await self._refuse(CLOSE_NOT_ALLOWED, "not_allowed", "You are not on this child's team.")
            return
        self.iep, self.scoped, self.expires_at = access
        await _record_opened(user, self.iep)
        self.groups_joined = [iep_group(self.iep.id), user_group(user.id)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self._send({"type": "hello", "iep": self.iep.id, "last_seq": self.iep.last_event_seq})
        self.heartbeat = asyncio.ensure_future(self._heartbeat())

    async def disconnect(self, code):
        if getattr(self, "heartbeat", None):
            self.heartbeat.cancel()
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        if self.iep is None:
            return
        size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
        if size > settings.WEBSOCKET_MAX_FRAME_BYTES:
            await self._error("too_large", "A message can be at most 64 KB.")
            return
        if not self._within_rate():
            await self._error("rate_limited", "Too many messages; slow down.")
            return
        try:
            # Bounded like every JSON the API reads: no 64-bit overflow, no RecursionError.
            message = bounded_json_loads(text_data) if text_data is not None else None
        except ValueError:
            message = None
        if not isinstance(message, dict):
            await self._error("malformed", "Send a JSON object with a type.")
            return
        kind = message.get("type")
        if kind == "resync":
            after = message.get("after")
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                await self._error("invalid", "resync needs a whole number `after` of 0 or more.")
                return
            await self._resync(after)
        elif kind == "ping":
            await self._send({"type": "pong"})
        else:
            await self._error("unknown_type", "Unknown message type.")

    async def _resync(self, after):
        while True:
            batch = await _events_after(self.user, self.iep, after, RESYNC_BATCH)
            for event in batch:
                await self._send(event)
            if len(batch) < RESYNC_BATCH:
                return
            after = batch[-1]["seq"]

    def _within_rate(self):
        now = time.monotonic()
        self.frames = [t for t in self.frames if now - t < 60]
        if len(self.frames) >= settings.WEBSOCKET_MAX_FRAMES_PER_MINUTE:
            return False
        self.frames.append(now)
        return True

    async def _heartbeat(self):
        """Keeps proxies from closing an idle socket and tells the client the last sequence number
        (a live message Redis dropped shows up as a gap). Access is re-checked now and then, and
        when a membership expires: a revoked or lapsed one closes the socket even if no message
        said so. Random offsets keep hundreds of sockets from checking all at once."""
        await asyncio.sleep(random.uniform(0, settings.WEBSOCKET_HEARTBEAT_SECONDS))
        next_check = self._next_access_check()
        while True:
            if time.monotonic() >= next_check:
                if not await self._still_allowed():
                    return
                next_check = self._next_access_check()
            await self._send({"type": "heartbeat", "last_seq": await _last_seq(self.iep.id)})
            await asyncio.sleep(settings.WEBSOCKET_HEARTBEAT_SECONDS)

    def _next_access_check(self):
        wait = settings.WEBSOCKET_ACCESS_CHECK_SECONDS * random.uniform(0.75, 1.0)
        if self.expires_at is not None:
            wait = min(wait, max(0.0, (self.expires_at - timezone.now()).total_seconds()))
        return time.monotonic() + wait

    async def _still_allowed(self):
        access = await _access(self.user, self.iep.id)
        if access is None:
            await self._refuse(CLOSE_NOT_ALLOWED, "access_ended", "Your access to this IEP has ended.")
            return False
        self.iep, self.scoped, self.expires_at = access
        return True

    # Channel-layer handlers --------------------------------------------------------------

    async def dispatch(self, message):
        # Channels closes stale database connections (a hop to a thread) before every handler.
        # Forwarding an event touches no database, and with hundreds of sockets that hop per
        # socket per event was most of the fan-out time; the reads here close their own.
        if message["type"] == "iep.event":
            await self.iep_event(message)
        else:
            await super().dispatch(message)

    async def iep_event(self, message):
        # An evaluator's socket asks, per event and at the moment it is sent, whether the event's
        # recommendation is in their scope now: a list taken at connect would miss a
        # recommendation created later and lag a scope that changed. The team's sockets see
        # every event of the IEP and forward without a database read.
        hidden = self.scoped and await _redacted_now(self.user.id, self.iep.id, message.get("recommendation"))
        await self.send(text_data=message["redacted"] if hidden else message["text"])

    async def access_changed(self, message):
        if message.get("reason") == "credentials_ended":
            # Tokens revoked, or all sessions ended (apps.accounts.services).
            if self._credentials_ended(message):
                await self._refuse(CLOSE_NOT_SIGNED_IN, "signed_out", "You were signed out.")
            return
        if message.get("reason") == "signed_out":
            session = self.scope.get("session")
            if session is not None and session.session_key == message.get("session_key"):
                await self._refuse(CLOSE_NOT_SIGNED_IN, "signed_out", "You signed out.")
            return
        await self._still_allowed()

    # Helpers -----------------------------------------------------------------------------

    def _credentials_ended(self, message):
        if self.scope.get("token_authenticated"):
            return message.get("tokens") == "all" or self.scope.get("token_id") in message.get("tokens", [])
        return bool(message.get("sessions"))

    async def _send(self, payload):
        await self.send(text_data=json.dumps(payload))

    async def _error(self, code, message):
        await self._send({"type": "error", "error": {"code": code, "message": message}})

    async def _refuse(self, code, error_code, message):
        socket_security_event("socket.refused", scope=self.scope, close_code=code, reason=error_code)
        await self._error(error_code, message)
        await self.close(code=code)
