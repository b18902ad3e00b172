"""WebSocket routes. Authentication and origin checks wrap every consumer."""
from channels.routing import URLRouter
from django.urls import path

from apps.core.websocket import websocket_stack

websocket_urlpatterns: list = []

websocket_application = websocket_stack(URLRouter(websocket_urlpatterns))
