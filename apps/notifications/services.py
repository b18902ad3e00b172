"""notify(): any app tells people something. In the app at once; by e-mail a little later,
through Celery, once the transaction that caused it has committed."""
from django.db import transaction
from django.utils import timezone

from apps.core.errors import NotFound

from .models import Notification


def notify(users, kind: str, subject: str, text: str = "", url: str = "") -> list[Notification]:
    from .tasks import deliver_email

    rows = Notification.objects.bulk_create(
        [Notification(user=u, kind=kind, subject=subject[:200], text=text, url=url) for u in users]
    )
    for row in rows:
        if row.user.email:
            deliver_email.delay_on_commit(row.id)
    return rows


@transaction.atomic
def notification_mark_read(*, actor, notification_id: int) -> Notification:
    notification = Notification.objects.select_for_update().filter(id=notification_id, user=actor).first()
    if notification is None:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor) -> int:
    """Marks every unread notification of this person read; answers how many."""
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())
