"""Which address a request comes from. Every throttle, lockout and security-log line asks here.

X-Forwarded-For is written by whoever sent the request: only the entries our own proxies appended
can be believed. With TRUSTED_PROXY_COUNT = n, the n-th entry from the right is the client as the
outermost trusted proxy saw it; with 0 (the default) the header is ignored altogether. DRF reads
the same number (REST_FRAMEWORK["NUM_PROXIES"]) and picks the same entry."""
from django.conf import settings


def client_address(request) -> str:
    meta = request.META
    remote = meta.get("REMOTE_ADDR", "") or ""
    trusted = settings.TRUSTED_PROXY_COUNT
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if trusted <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    return hops[-min(trusted, len(hops))]


def socket_address(scope) -> str:
    """The same rule for a WebSocket's ASGI scope (its handshake headers and peer)."""
    headers = dict(scope.get("headers") or [])
    client = scope.get("client") or ("", 0)

    class _Handshake:
        META = {"REMOTE_ADDR": client[0] or "",
                "HTTP_X_FORWARDED_FOR": headers.get(b"x-forwarded-for", b"").decode("latin-1")}

    return client_address(_Handshake)
