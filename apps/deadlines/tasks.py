from celery import shared_task


@shared_task
def sweep_reminders() -> int:
    """The beat's minute task: one sweep, then the e-mail outbox. Idempotent, and safe beside
    another sweep."""
    from apps.notifications.tasks import digests_send, email_outbox_flush

    from .reminders import sweep

    sent = sweep()
    email_outbox_flush()
    digests_send()
    return sent
