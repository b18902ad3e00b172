"""Security events: one JSON line each on the `iepteam.security` logger.

What a line may hold: the event's name, when, the person's id, the client address, the path and
short codes (a reason, a token's id). Never a password, a token, an e-mail body or anything of a
child's record: these lines go to log systems with wider access than the records themselves."""
import json
import logging

from django.utils import timezone

from .addresses import client_address, socket_address

logger = logging.getLogger("iepteam.security")


def security_event(event: str, *, request=None, user=None, level=logging.INFO, **fields) -> None:
    """Logs `event` (e.g. "sign_in.failed") with the person's id and the client address."""
    if user is None and request is not None:
        # The Django request: a DRF request would authenticate again to answer `.user`.
        user = getattr(getattr(request, "_request", request), "user", None)
    line = {
        "event": event,
        "at": timezone.now().isoformat(),
        "user": user.id if user is not None and getattr(user, "is_authenticated", False) else None,
        "ip": client_address(request) if request is not None else None,
        "path": getattr(request, "path", None),
        **fields,
    }
    logger.log(level, json.dumps(line, sort_keys=True, default=str, separators=(",", ":")))


def socket_security_event(event: str, *, scope, level=logging.WARNING, **fields) -> None:
    """The same line for a WebSocket: the person and address come from its scope."""
    user = scope.get("user")
    security_event(event, user=user, level=level, ip=socket_address(scope), path=scope.get("path"), **fields)
