"""/ws/notifications/: the bell's unread count, live, on the person's own channel group."""
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .live import notifications_group

CLOSE_NOT_SIGNED_IN = 4401
CLOSE_NOT_ALLOWED = 4403


@database_sync_to_async
def _unread(user) -> int:
    from .selectors import unread_notification_count

    return unread_notification_count(user)


class NotificationCountConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.accept()
        user = self.scope.get("user")
        if not self.scope.get("origin_allowed"):
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_NOT_SIGNED_IN)
            return
        self.group = notifications_group(user.id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.send_json({"type": "unread.count", "count": await _unread(user)})

    async def disconnect(self, code):
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        await self.send_json({"type": "error", "code": "not_understood"})

    async def unread_count(self, message):
        await self.send_json({"type": "unread.count", "count": message["count"]})
