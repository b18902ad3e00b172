"""WebSocket routes. Authentication and origin checks wrap every consumer."""
from channels.routing import URLRouter
from django.urls import path

from apps.core.websocket import websocket_stack
from apps.ieps.consumers import IEPConsumer
from apps.notifications.consumers import NotificationCountConsumer

websocket_urlpatterns = [
    path("ws/ieps/<int:iep_id>/", IEPConsumer.as_asgi()),
    path("ws/notifications/", NotificationCountConsumer.as_asgi()),
]

websocket_application = websocket_stack(URLRouter(websocket_urlpatterns))
