from celery import shared_task


@shared_task
def sweep_reminders() -> int:
    """The beat's minute task: one sweep. Idempotent, and safe beside another sweep."""
    from .reminders import sweep

    return sweep()
