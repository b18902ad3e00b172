"""What every Celery task shares: how it retries."""
from django.db import DatabaseError

# A task that meets a busy database (SQLite's lock held past its timeout, a PostgreSQL deadlock or
# restart) or an unreachable mail server tries again later, backing off (1, 2, 4 ... s, at most a
# minute apart, jittered so that many tasks do not come back together) instead of failing for
# good. Tasks are idempotent (they reload by id and record what they did), so a retry repeats
# nothing that was done.
RETRYING = {
    "autoretry_for": (OSError, DatabaseError),
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 6,
}
