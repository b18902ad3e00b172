"""notify(): any app tells people something. In-app now, e-mail after commit."""
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from .models import Notification


def notify(users, kind: str, subject: str, text: str = "", url: str = "") -> list[Notification]:
    rows = Notification.objects.bulk_create(
        [Notification(user=u, kind=kind, subject=subject[:200], text=text, url=url) for u in users]
    )
    recipients = [u.email for u in users if u.email]
    if recipients:
        body = text + (f"\n\n{settings.SITE_URL.rstrip('/')}{url}" if url else "")
        transaction.on_commit(
            lambda: [send_mail(subject[:200], body, None, [address], fail_silently=True) for address in recipients]
        )
    return rows
