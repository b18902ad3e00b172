"""The IEP's event log and its live channel. Other apps publish through `event_append`."""
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from apps.core.live import broadcast, iep_group

from .models import IEP, Event


def event_append(*, iep_id: int, type: str, data: dict, actor=None, recommendation_id: int | None = None) -> Event:
    """Appends an event in the caller's transaction with the next gapless sequence number, and
    sends it live once that transaction commits. A rollback leaves neither row nor message."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_append must run inside the transaction that made the change")
    iep = IEP.objects.select_for_update().only("id", "last_event_seq").get(id=iep_id)
    iep.last_event_seq += 1
    iep.save(update_fields=["last_event_seq"])
    event = Event.objects.create(iep_id=iep_id, seq=iep.last_event_seq, type=type, data=data, actor=actor,
                                 recommendation_id=recommendation_id)
    # Encoded once here rather than once per connected socket.
    text = json.dumps(event.as_message(), cls=DjangoJSONEncoder)
    redacted = json.dumps(event.as_message(redacted=True), cls=DjangoJSONEncoder)
    transaction.on_commit(lambda: broadcast(iep_group(iep_id), {
        "type": "iep.event", "seq": event.seq, "recommendation": recommendation_id, "text": text, "redacted": redacted,
    }))
    return event
