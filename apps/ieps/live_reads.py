"""The database reads of the IEP live channel (apps.ieps.consumers, apps.ieps.fanout). They run
in the thread pool, not on Django's one thread for sync code: hundreds of sockets re-checking
access must not queue in front of the requests that write comments."""
import time
from functools import partial

from channels.db import database_sync_to_async

from apps.audit.services import access_record
from apps.core.errors import NotFound
from .models import IEP
from .selectors import (
    event_presenter_for,
    event_redacted_now,
    events_after,
    iep_and_standing_for,
    ieps_and_standings_for,
)

reads = partial(database_sync_to_async, thread_sensitive=False)


def _fresh(user):
    """The person as the database has them now: no memo of memberships from earlier checks."""
    from apps.accounts.models import User

    return User.objects.filter(id=user.id, is_active=True).first()


@reads
def access(user, iep_id):
    """(the IEP, the person's standing on its child as it is now) if they may see the IEP now,
    else None. The socket holds the standing until the next check (a revocation, a scope change,
    the membership's expiry, the periodic re-check) replaces it with a fresh one."""
    fresh = _fresh(user)
    if fresh is None:
        return None
    try:
        return iep_and_standing_for(fresh, iep_id)
    except NotFound:
        return None


@reads
def accesses(pairs):
    """access() for many (user, IEP id) pairs, keyed by (user id, IEP id), in four queries
    whatever their number: the periodic re-check of every socket due in the same second. With
    one read per socket, 10,000 idle sockets re-checked every 4-5 minutes cost more CPU than all
    their heartbeats (bench/idle.py)."""
    from apps.accounts.models import User

    pairs = list(pairs)
    fresh = {u.id: u for u in User.objects.filter(id__in={user.id for user, _iep_id in pairs}, is_active=True)}
    found = ieps_and_standings_for([(fresh[user.id], iep_id) for user, iep_id in pairs if user.id in fresh])
    return {(user.id, iep_id): found.get((user.id, iep_id)) for user, iep_id in pairs}


@reads
def record_opened(user, iep, standing):
    """Opening the channel is a read of the child's record (what it then forwards comes with it),
    by someone of the standing its access check just worked out."""
    access_record(actor=user, student=iep.student, obj=iep, action="live", standing=standing)


@reads
def events_after_for(standing, iep, after, limit):
    """The events after `after`, as the socket's standing may see them (its scope, kept fresh by
    the access checks that replace it)."""
    present = event_presenter_for(standing, iep)
    return [present(e) for e in events_after(iep, after)[:limit]]


@reads
def redacted_now(user_id, iep_id, recommendation_id):
    return event_redacted_now(user_id, iep_id, recommendation_id)


@reads
def _read_last_seqs(iep_ids):
    return dict(IEP.objects.filter(id__in=iep_ids).values_list("id", "last_event_seq"))


# The last sequence number per IEP, shared by the process's sockets for a moment: thousands of
# heartbeats a minute need not each ask the database, and one query answers every IEP due.
_last_seq_cache: dict[int, tuple[float, int]] = {}
LAST_SEQ_TTL_SECONDS = 2.0


async def last_seqs(iep_ids) -> dict[int, int]:
    now = time.monotonic()
    known, stale = {}, []
    for iep_id in iep_ids:
        fetched_at, seq = _last_seq_cache.get(iep_id, (0.0, 0))
        if now - fetched_at > LAST_SEQ_TTL_SECONDS:
            stale.append(iep_id)
        else:
            known[iep_id] = seq
    if stale:
        fetched = await _read_last_seqs(stale)
        now = time.monotonic()
        for iep_id in stale:
            known[iep_id] = fetched.get(iep_id, 0)
            _last_seq_cache[iep_id] = (now, known[iep_id])
    return known
