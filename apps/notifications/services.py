"""notify(): any app tells people something. In the app at once (and live, on the person's own
channel); by e-mail a little later, through Celery, once the transaction that caused it has
committed; each as the recipient's preferences say."""
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone, translation

from apps.core.errors import NotFound

from .models import Notification
from .preferences import DIGEST, IMMEDIATE, OFF, preference_of, setting_for

# Text is either a string, or a function of the recipient that answers (subject, text): it is then
# written in each recipient's own language.
Compose = Callable[[object], tuple[str, str]]


def notify(users, kind: str, subject: str = "", text: str = "", url: str = "", *, about: tuple[str, int] | None = None,
           compose: Compose | None = None, key: str | None = None) -> list[Notification]:
    from .live import push_unread_count
    from .tasks import deliver_email

    rows = []
    for user in users:
        setting = setting_for(preference_of(user), kind)
        if not setting["in_app"] and setting["email"] == OFF:
            continue
        if compose is not None:
            with translation.override(user.preferred_language or "en"):
                subject, text = compose(user)
        rows.append(Notification(
            user=user, kind=kind, subject=str(subject)[:200], text=str(text), url=url,
            about_kind=about[0] if about else "", about_id=about[1] if about else None, delivery_key=key,
            in_app=setting["in_app"], email_mode=setting["email"] if user.email else OFF,
        ))
    rows = Notification.objects.bulk_create(rows)
    for row in rows:
        if row.email_mode == IMMEDIATE:
            deliver_email.delay_on_commit(row.id)
        if row.in_app:
            push_unread_count(row.user_id)
    return rows


__all__ = ["notify", "notification_mark_read", "notifications_mark_all_read", "DIGEST"]


@transaction.atomic
def notification_mark_read(*, actor, notification_id: int) -> Notification:
    notification = Notification.objects.select_for_update().filter(id=notification_id, user=actor).first()
    if notification is None:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        _push_after_commit(actor.id)
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor) -> int:
    """Marks every unread notification of this person read; answers how many."""
    marked = Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())
    if marked:
        _push_after_commit(actor.id)
    return marked


def _push_after_commit(user_id):
    from .live import push_unread_count

    push_unread_count(user_id)


@transaction.atomic
def notification_preferences_update(*, actor, timezone_name: str | None = None, digest_hour: int | None = None,
                                    kinds: dict | None = None, calendar_full_names: bool | None = None):
    """Changes the keys given and leaves the rest; anything unknown refuses the whole change."""
    from django.utils.translation import gettext as _

    from apps.core.errors import ApplicationError

    from .models import NotificationPreference
    from .preferences import EMAIL_CHOICES, KINDS, is_known_timezone

    problems = {}
    if timezone_name is not None and timezone_name != "" and not is_known_timezone(timezone_name):
        problems["timezone"] = [_("Unknown time zone; use a name such as America/Chicago.")]
    if digest_hour is not None and not (isinstance(digest_hour, int) and 0 <= digest_hour <= 23):
        problems["digest_hour"] = [_("An hour from 0 to 23.")]
    for kind, change in (kinds or {}).items():
        if kind not in KINDS:
            problems[f"kinds.{kind}"] = [_("Not a kind of notification.")]
            continue
        if not isinstance(change, dict) or not change or set(change) - {"email", "in_app"}:
            problems[f"kinds.{kind}"] = [_("Give email and/or in_app.")]
            continue
        if "email" in change and change["email"] not in EMAIL_CHOICES:
            problems[f"kinds.{kind}.email"] = [_("immediate, digest or off")]
        if "in_app" in change and not isinstance(change["in_app"], bool):
            problems[f"kinds.{kind}.in_app"] = [_("true or false")]
    if problems:
        raise ApplicationError(_("These preferences are not valid; nothing was changed."), fields=problems)
    row, _created = NotificationPreference.objects.select_for_update().get_or_create(user=actor)
    if timezone_name is not None:
        row.timezone = timezone_name
    if digest_hour is not None:
        row.digest_hour = digest_hour
    if calendar_full_names is not None:
        row.calendar_full_names = calendar_full_names
    merged = dict(row.kinds or {})
    for kind, change in (kinds or {}).items():
        merged[kind] = {**merged.get(kind, {}), **change}
    row.kinds = merged
    row.save()
    return row
