"""What every WebSocket passes before a consumer sees it: who is calling, and from which page."""
from urllib.parse import urlparse

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from django.conf import settings
from django.http.request import validate_host


@database_sync_to_async
def _user_for_token(key):
    """The person of a live API token (hashed, expiring, revocable: django-rest-knox), or None."""
    from rest_framework.exceptions import AuthenticationFailed
    from rest_framework.settings import api_settings

    # The API's own token check (the first authentication class): the same rule for sockets.
    check = api_settings.DEFAULT_AUTHENTICATION_CLASSES[0]()
    try:
        user, token = check.authenticate_credentials(key.encode())
    except AuthenticationFailed:
        return None, None
    return user, token.pk


class TokenAuthMiddleware:
    """`Authorization: Token <key>` on the handshake signs the socket in (scripts, mobile clients).
    Without it the session cookie decides (AuthMiddlewareStack, outside)."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers") or [])
        auth = headers.get(b"authorization", b"").decode("latin-1")
        if auth.lower().startswith("token "):
            user, token_id = await _user_for_token(auth.split(" ", 1)[1].strip())
            if user is not None:
                # The token's id goes along: revoking that token closes this socket.
                scope = dict(scope, user=user, token_authenticated=True, token_id=token_id)
        return await self.inner(scope, receive, send)


class OriginCheckMiddleware:
    """Marks whether the Origin header names one of the site's allowed hosts. The consumer then
    refuses with close code 4403, as the contract asks, instead of failing the handshake."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers") or [])
        origin = headers.get(b"origin", b"").decode("latin-1")
        host = urlparse(origin).hostname if origin else None
        # A wildcard host never admits an origin: the allowlist must name the site.
        hosts = [h for h in settings.ALLOWED_HOSTS if h != "*"]
        allowed = bool(host) and validate_host(host, hosts)
        return await self.inner(dict(scope, origin_allowed=allowed), receive, send)


def websocket_stack(inner):
    # Inside out: the session signs the socket in, a token header (if any) overrides it,
    # and the origin verdict travels along for the consumer to act on.
    return OriginCheckMiddleware(AuthMiddlewareStack(TokenAuthMiddleware(inner)))
