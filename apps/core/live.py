"""Live messages over the channel layer. Best effort by design: what matters is in the database,
and clients catch up from it."""
import asyncio
import logging
import os
import threading

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer

log = logging.getLogger(__name__)


def iep_group(iep_id: int) -> str:
    return f"iep.{iep_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def broadcast(group: str, message: dict) -> None:
    # The group travels with the message: each process's hub (apps.core.hub) receives every group
    # on one channel and needs to know whose sockets it is for.
    message = dict(message, group=group)
    loop = _server_loop()
    if loop is not None:
        # In the server, the request hands the send to the event loop and goes on answering: it
        # waits neither for Redis nor for a fan-out the loop is in the middle of. Sends start in
        # the order they were handed over. Inside a request they wait until its answer is sent
        # (HoldLiveMessagesUntilAnswered), so the fan-out they start does not compete with it.
        held = getattr(_holding, "messages", None)
        if held is not None:
            held.append((loop, group, message))
            return
        loop.call_soon_threadsafe(_send_soon, group, message)
        return
    try:
        async_to_sync(get_channel_layer().group_send)(group, message)
    except Exception:
        log.warning("live send to %s failed; clients will resync from the event log", group, exc_info=True)


def _server_loop():
    """The running event loop whose request this thread is serving (asgiref notes it for
    async_to_sync), or None outside a server (a Celery task, a management command)."""
    local = SyncToAsync.threadlocal
    if getattr(local, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(local, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() else None


_holding = threading.local()


def _release(held: list) -> None:
    for loop, group, message in held:
        loop.call_soon_threadsafe(_send_soon, group, message)
    held.clear()


class HoldLiveMessagesUntilAnswered:
    """Middleware: the live messages a request broadcasts go out once its answer has been sent.

    A comment's POST used to hand its event to the event loop at commit; the loop then wrote it to
    every socket of the IEP while the same request was still finishing its answer, and with 1,000
    listeners the POST took as long as the fan-out (bench/fanout.py). Held until the response is
    closed (the server closes it after the last byte; Django then sends request_finished), the
    fan-out starts when the answer is already on its way. The messages are the same, in the same
    order; only the moment they leave moves, by the time the request takes after its commit.
    Sync only, so that it runs in the view's thread (the held list is per thread)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _holding.messages = held = []
        try:
            response = self.get_response(request)
        except BaseException:
            _release(held)  # nothing committed is ever kept back
            raise
        finally:
            _holding.messages = None
        if held:
            # Django's HttpResponse calls its resource closers from close(), after the server sent
            # the body (ASGI and WSGI alike; the test client too).
            response._resource_closers.append(lambda: _release(held))
        return response


_sending = set()


def _send_soon(group, message):
    task = asyncio.ensure_future(_send(group, message))
    _sending.add(task)
    task.add_done_callback(_sending.discard)


async def _send(group, message):
    try:
        await get_channel_layer().group_send(group, message)
    except Exception:
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
