from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.task_retries import RETRYING

from .models import Notification


@shared_task(**RETRYING)
def deliver_email(notification_id: int) -> bool:
    """Sends one notification by e-mail. Idempotent: the row is locked and marked when sent."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("user").filter(id=notification_id).first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        # An e-mail leaves the product: one short line and a link, never the record. The
        # notification's text is read in the product, where access is checked and recorded.
        body = _("Open it in the IEP Team Workspace:") + (
            f"\n{settings.SITE_URL.rstrip('/')}{notification.url or reverse('notifications:list')}")
        send_mail(notification.subject, body, None, [notification.user.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


@shared_task(**RETRYING)
def send_email(subject: str, body: str, to: list[str]) -> None:
    """A message that is not a notification row (an invitation to someone without an account)."""
    send_mail(subject, body, None, to)
