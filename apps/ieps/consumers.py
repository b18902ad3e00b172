"""The IEP's live channel: /ws/ieps/<id>/. It forwards committed events to the team and lets a
client catch up from the event log. Every read goes through selectors; nothing here writes."""
import asyncio
import json
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from apps.core.errors import NotFound
from apps.core.live import iep_group, user_group

from .selectors import event_presenter_for, events_after, hidden_recommendation_ids, iep_get_for

CLOSE_NOT_SIGNED_IN = 4401
CLOSE_NOT_ALLOWED = 4403
RESYNC_BATCH = 200


@database_sync_to_async
def _visible_iep(user, iep_id):
    """The IEP if this person may see it now (a fresh user object: no memo from earlier checks)."""
    from apps.accounts.models import User

    fresh = User.objects.filter(id=user.id, is_active=True).first()
    if fresh is None:
        return None
    try:
        return iep_get_for(fresh, iep_id)
    except NotFound:
        return None


@database_sync_to_async
def _events_after(user, iep, after, limit):
    present = event_presenter_for(user, iep)
    return [present(e) for e in events_after(iep, after)[:limit]]


@database_sync_to_async
def _hidden_recommendations(user, iep):
    return hidden_recommendation_ids(user, iep)


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
        self.iep = await _visible_iep(user, int(self.scope["url_route"]["kwargs"]["iep_id"]))
        if self.iep is None:
            await self._refuse(CLOSE_NOT_ALLOWED, "not_allowed", "You are not on this child's team.")
            return
        self.hidden = await _hidden_recommendations(user, self.iep)
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
            message = json.loads(text_data) if text_data is not None else None
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
        """Keeps proxies from closing an idle socket, and re-checks access: an expired or
        revoked membership closes the socket even if no message said so."""
        while True:
            await asyncio.sleep(settings.WEBSOCKET_HEARTBEAT_SECONDS)
            if not await self._still_allowed():
                return
            await self._send({"type": "heartbeat", "last_seq": self.iep.last_event_seq})

    async def _still_allowed(self):
        iep = await _visible_iep(self.user, self.iep.id)
        if iep is None:
            await self._refuse(CLOSE_NOT_ALLOWED, "access_ended", "Your access to this IEP has ended.")
            return False
        self.iep = iep
        self.hidden = await _hidden_recommendations(self.user, iep)
        return True

    # Channel-layer handlers --------------------------------------------------------------

    async def iep_event(self, message):
        hidden = message.get("recommendation") in self.hidden
        await self.send(text_data=message["redacted"] if hidden else message["text"])

    async def access_changed(self, message):
        if message.get("reason") == "signed_out":
            session = self.scope.get("session")
            if session is not None and session.session_key == message.get("session_key"):
                await self._refuse(CLOSE_NOT_SIGNED_IN, "signed_out", "You signed out.")
            return
        await self._still_allowed()

    # Helpers -----------------------------------------------------------------------------

    async def _send(self, payload):
        await self.send(text_data=json.dumps(payload))

    async def _error(self, code, message):
        await self._send({"type": "error", "error": {"code": code, "message": message}})

    async def _refuse(self, code, error_code, message):
        await self._error(error_code, message)
        await self.close(code=code)
