"""ASGI entry point: HTTP through Django (behind the request body limits), WebSockets through
Channels."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iepteam.settings.local")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from iepteam.body_limit import RequestBodyLimit  # noqa: E402
from iepteam.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": RequestBodyLimit(django_asgi_app), "websocket": websocket_application})

from apps.core.collector import freeze_survivors_of_full_collections  # noqa: E402

# A server process holds thousands of long-lived sockets: full collections walk only what is new.
freeze_survivors_of_full_collections()
