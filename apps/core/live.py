"""Live messages over the channel layer. Best effort by design: what matters is in the database,
and clients catch up from it."""
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

log = logging.getLogger(__name__)


def iep_group(iep_id: int) -> str:
    return f"iep.{iep_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def broadcast(group: str, message: dict) -> None:
    # The group travels with the message: each process's hub (apps.core.hub) receives every group
    # on one channel and needs to know whose sockets it is for.
    try:
        async_to_sync(get_channel_layer().group_send)(group, dict(message, group=group))
    except Exception:  # noqa: BLE001 - a dropped live message must never fail the request
        log.warning("live send to %s failed; clients will resync from the event log", group, exc_info=True)


def end_sockets_of(user_id: int, *, reason: str, student_id: int | None = None, session_key: str | None = None) -> None:
    """Asks the open sockets of this person to re-check access (and close if it is gone).
    With a session key, only the sockets of that browser session are meant (sign-out)."""
    broadcast(user_group(user_id), {
        "type": "access.changed", "reason": reason, "student_id": student_id, "session_key": session_key,
    })


def on_signed_out(sender, request, user, **kwargs):
    """Connected to Django's user_logged_out: the sockets opened with that session close too."""
    if user is not None and request is not None and request.session.session_key:
        end_sockets_of(user.id, reason="signed_out", session_key=request.session.session_key)
