"""The bell's count, pushed live to the person's own channel group after commit."""
from django.db import transaction

from apps.core.live import broadcast


def notifications_group(user_id: int) -> str:
    # Not the user.<id> group the IEP sockets join: those consumers do not know this message type.
    return f"notifications.{user_id}"


def push_unread_count(user_id: int) -> None:
    def send():
        from .selectors import unread_notification_count

        from apps.accounts.models import User

        user = User.objects.filter(id=user_id).first()
        if user is not None:
            broadcast(notifications_group(user_id), {"type": "unread.count",
                                                     "count": unread_notification_count(user)})

    transaction.on_commit(send)
