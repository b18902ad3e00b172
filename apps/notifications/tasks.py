from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from apps.core.task_retries import RETRYING

from .email import digest_message, notification_message
from .models import Notification


@shared_task(**RETRYING)
def deliver_email(notification_id: int) -> bool:
    """Sends one notification by e-mail. Idempotent: the row is locked and marked when sent."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("user").filter(id=notification_id).first()
        )
        if notification is None or notification.emailed_at is not None or notification.email_mode != "immediate":
            return False
        notification_message(notification).send()
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


@shared_task(**RETRYING)
def deliver_emails(notification_ids: list[int]) -> int:
    """Many notifications by e-mail over one connection (a sweep's batch). The rows are locked
    and marked in one transaction, as deliver_email does one, so a retry or a duplicate task
    sends nothing twice."""
    from django.core.mail import get_connection

    with transaction.atomic():
        rows = list(Notification.objects.select_for_update(of=("self",)).select_related("user")
                    .filter(id__in=notification_ids, emailed_at__isnull=True, email_mode="immediate")
                    .order_by("id"))
        if not rows:
            return 0
        messages = [notification_message(row) for row in rows]
        with get_connection() as connection:
            connection.send_messages(messages)
        Notification.objects.filter(id__in=[row.id for row in rows]).update(emailed_at=timezone.now())
    return len(rows)


@shared_task(**RETRYING)
def send_email(subject: str, body: str, to: list[str]) -> None:
    """A message that is not a notification row (an invitation to someone without an account)."""
    send_mail(subject, body, None, to)


def email_outbox_flush() -> int:
    """Queues again the e-mails that should have gone at once and have not, after a while: the
    notification row is the outbox, so a task lost with a killed worker is not a lost e-mail."""
    from datetime import timedelta

    stale = timezone.now() - timedelta(seconds=settings.NOTIFICATION_EMAIL_RETRY_AFTER_SECONDS)
    ids = list(Notification.objects.filter(email_mode="immediate", emailed_at__isnull=True, created_at__lt=stale)
               .values_list("id", flat=True)[:1000])
    for notification_id in ids:
        deliver_email.delay(notification_id)
    return len(ids)


def district_zone_of(user_id: int):
    """A person with no zone of their own is where their district is (API.md: "their preference,
    else the district's"); someone in no district, in the default zone."""
    from zoneinfo import ZoneInfo

    for source in DISTRICT_ZONE_SOURCES:
        zone = source(user_id)
        if zone is not None:
            return zone
    return ZoneInfo(settings.DEADLINE_DEFAULT_TIMEZONE)


# Where a district's zone is kept is a higher app's business (deadlines' calendar): it registers a
# function user_id -> ZoneInfo | None here from its ready().
DISTRICT_ZONE_SOURCES: list = []


def digests_send(now=None) -> int:
    """Each person's daily digest, once a day at their digest hour where they are; nobody gets an
    empty one. Answers how many were sent."""
    from zoneinfo import ZoneInfo

    from .models import NotificationPreference

    now = now or timezone.now()
    sent = 0
    waiting = (Notification.objects.filter(email_mode="digest", emailed_at__isnull=True)
               .values_list("user_id", flat=True).distinct())
    for user_id in list(waiting):
        with transaction.atomic():
            preference, _created = NotificationPreference.objects.select_for_update().get_or_create(user_id=user_id)
            zone = ZoneInfo(preference.timezone) if preference.timezone else district_zone_of(user_id)
            local = now.astimezone(zone)
            if local.hour < preference.digest_hour or preference.last_digest_on == local.date():
                continue
            rows = list(Notification.objects.select_for_update().select_related("user")
                        .filter(user_id=user_id, email_mode="digest", emailed_at__isnull=True, created_at__lte=now)
                        .order_by("created_at", "id"))
            if not rows or not rows[0].user.email:
                continue
            digest_message(rows[0].user, rows).send()
            Notification.objects.filter(id__in=[r.id for r in rows]).update(emailed_at=timezone.now())
            preference.last_digest_on = local.date()
            preference.save(update_fields=["last_digest_on"])
            sent += 1
    return sent
