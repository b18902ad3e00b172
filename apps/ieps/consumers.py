"""The IEP's live channel: /ws/ieps/<id>/. It forwards committed events to the team and lets a
client catch up from the event log. Every read goes through selectors; the only write is the
access record of opening the channel.

A socket has no channel-layer channel, queue or task of its own: it joins the process's hub
(apps.core.hub) for its IEP's group and its person's group, the hub writes each event's frame,
encoded once, straight to it (apps.ieps.fanout), and its heartbeat is a timer the hub's beat
batch serves. What is left per socket is the server's connection and this object."""
import json
import random
import time

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import timezone

from apps.core.bounds import bounded_json_loads
from apps.core.hub import HubSocket, hub
from apps.core.live import iep_group, user_group
from apps.core.security import socket_security_event

from . import fanout, live_reads

CLOSE_NOT_SIGNED_IN = 4401
CLOSE_NOT_ALLOWED = 4403
RESYNC_BATCH = 200


class IEPConsumer(HubSocket, AsyncWebsocketConsumer):
    iep = None
    standing = None  # the person's standing on the child, from the last access check
    listening = False
    beat_tick = None
    groups_joined = ()

    async def __call__(self, scope, receive, send):
        # channels would give the socket its own channel-layer channel and a receive task beside
        # the client's; the hub receives for every socket of the process instead.
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        self.use_send(send)
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass
        finally:
            await self._leave()

    async def dispatch(self, message):
        # channels closes stale database connections (a hop to a thread) before every handler;
        # the reads here close their own (database_sync_to_async), so a ping costs no hop.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self):
        # Accept first, then refuse with a code: browsers cannot read why a handshake failed.
        await self.accept()
        self.frames = []
        user = self.scope.get("user")
        if not self.scope.get("origin_allowed"):
            await self._refuse(CLOSE_NOT_ALLOWED, "origin_not_allowed", "This page's origin may not connect.")
            return
        if user is None or not user.is_authenticated:
            await self._refuse(CLOSE_NOT_SIGNED_IN, "not_authenticated", "Sign in first.")
            return
        self.user = user
        access = await live_reads.access(user, int(self.scope["url_route"]["kwargs"]["iep_id"]))
        if access is None:
            await self._refuse(CLOSE_NOT_ALLOWED, "not_allowed", "You are not on this child's team.")
            return
        self.iep, self.standing = access
        await live_reads.record_opened(user, self.iep, self.standing)
        self.groups_joined = (iep_group(self.iep.id), user_group(user.id))
        self.listening = True
        for group in self.groups_joined:
            await hub().join(group, self)
        self._send({"type": "hello", "iep": self.iep.id, "last_seq": self.iep.last_event_seq})
        self.next_check = self._next_access_check()
        # Random offsets keep thousands of sockets from beating all at once.
        fanout.schedule_beat(self, random.uniform(0, settings.WEBSOCKET_HEARTBEAT_SECONDS))

    async def disconnect(self, code):
        await self._leave()

    async def _leave(self):
        fanout.cancel_beat(self)
        if self.listening:
            self.listening = False
            for group in self.groups_joined:
                await hub().leave(group, self)

    async def receive(self, text_data=None, bytes_data=None):
        if self.iep is None:
            return
        size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
        if size > settings.WEBSOCKET_MAX_FRAME_BYTES:
            self._error("too_large", "A message can be at most 64 KB.")
            return
        if not self._within_rate():
            self._error("rate_limited", "Too many messages; slow down.")
            return
        try:
            # Bounded like every JSON the API reads: no 64-bit overflow, no RecursionError.
            message = bounded_json_loads(text_data) if text_data is not None else None
        except ValueError:
            message = None
        if not isinstance(message, dict):
            self._error("malformed", "Send a JSON object with a type.")
            return
        kind = message.get("type")
        if kind == "resync":
            after = message.get("after")
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                self._error("invalid", "resync needs a whole number `after` of 0 or more.")
                return
            await self._resync(after)
        elif kind == "ping":
            self._send({"type": "pong"})
        else:
            self._error("unknown_type", "Unknown message type.")

    async def _resync(self, after):
        # What was sent when the client missed it was redacted by the scope of that moment; what it
        # is sent now, by the scope as it is now: a fresh standing (which also closes a socket whose
        # access ended before any message said so).
        if not await self.still_allowed(await live_reads.access(self.user, self.iep.id)):
            return
        while True:
            batch = await live_reads.events_after_for(self.standing, self.iep, after, RESYNC_BATCH)
            for event in batch:
                self._send(event)
            # A client that reads slowly holds its own resync back, not other sockets.
            await self.written()
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

    # Access ------------------------------------------------------------------------------
    # Re-checked now and then, and when a membership expires: a revoked or lapsed one closes the
    # socket even if no message said so (apps.ieps.fanout runs the checks at heartbeats).

    @property
    def scoped(self):
        """An evaluator's socket: each event's redaction is read when it is sent (apps.ieps.fanout)."""
        return self.standing is not None and self.standing.is_evaluator

    def _next_access_check(self):
        wait = settings.WEBSOCKET_ACCESS_CHECK_SECONDS * random.uniform(0.75, 1.0)
        expires_at = self.standing.expires_at if self.standing else None
        if expires_at is not None:
            wait = min(wait, max(0.0, (expires_at - timezone.now()).total_seconds()))
        return time.monotonic() + wait

    def access_check_due(self, now):
        return now >= self.next_check

    async def still_allowed(self, access):
        """Applies a fresh access read: closes the socket if it is gone."""
        if not self.listening:
            return False
        if access is None:
            await self._refuse(CLOSE_NOT_ALLOWED, "access_ended", "Your access to this IEP has ended.")
            return False
        self.iep, self.standing = access
        self.next_check = self._next_access_check()
        return True

    async def credentials_message(self, message):
        """access.changed about tokens or sessions (apps.accounts.services, sign-out): no read."""
        if message.get("reason") == "credentials_ended":
            # Tokens revoked, or all sessions ended.
            if self._credentials_ended(message):
                await self._refuse(CLOSE_NOT_SIGNED_IN, "signed_out", "You were signed out.")
            return
        session = self.scope.get("session")
        if session is not None and session.session_key == message.get("session_key"):
            await self._refuse(CLOSE_NOT_SIGNED_IN, "signed_out", "You signed out.")

    def _credentials_ended(self, message):
        if self.scope.get("token_authenticated"):
            return message.get("tokens") == "all" or self.scope.get("token_id") in message.get("tokens", [])
        return bool(message.get("sessions"))

    # Helpers -----------------------------------------------------------------------------

    def _send(self, payload):
        self.write(json.dumps(payload))

    def _error(self, code, message):
        self._send({"type": "error", "error": {"code": code, "message": message}})

    async def close(self, code=None, reason=None):
        # After the frames already written, so the error that says why comes before the close.
        await self.written()
        await super().close(code=code, reason=reason)

    async def _refuse(self, code, error_code, message):
        socket_security_event("socket.refused", scope=self.scope, close_code=code, reason=error_code)
        await self._leave()
        self._error(error_code, message)
        await self.close(code=code)
