"""The IEP's event log and its live channel. Other apps publish through `event_append`."""
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from .models import IEP, Event

log = logging.getLogger(__name__)


def iep_group(iep_id: int) -> str:
    return f"iep.{iep_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def event_append(*, iep_id: int, type: str, data: dict, actor=None) -> Event:
    """Appends an event in the caller's transaction with the next gapless sequence number, and
    sends it live once that transaction commits. A rollback leaves neither row nor message."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_append must run inside the transaction that made the change")
    iep = IEP.objects.select_for_update().only("id", "last_event_seq").get(id=iep_id)
    iep.last_event_seq += 1
    iep.save(update_fields=["last_event_seq"])
    event = Event.objects.create(iep_id=iep_id, seq=iep.last_event_seq, type=type, data=data, actor=actor)
    message = event.as_message()
    transaction.on_commit(lambda: broadcast(iep_group(iep_id), {"type": "iep.event", "event": message}))
    return event


def broadcast(group: str, message: dict) -> None:
    """Best effort: the database already holds the event, and clients resync from it."""
    try:
        async_to_sync(get_channel_layer().group_send)(group, message)
    except Exception:  # noqa: BLE001 - a dropped live message must never fail the request
        log.warning("live send to %s failed; clients will resync from the event log", group, exc_info=True)
