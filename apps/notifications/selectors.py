from django.db.models import QuerySet

from .models import Notification


def notifications_of(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, in_app=True).order_by("-created_at", "-id")


def unread_notification_count(user) -> int:
    return Notification.objects.filter(user=user, in_app=True, read_at__isnull=True).count()
