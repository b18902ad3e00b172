"""notify(): any app tells people something. In the app at once (and live, on the person's own
channel); by e-mail a little later, through Celery, once the transaction that caused it has
committed; each as the recipient's preferences say."""
from django.db import transaction
from django.utils import timezone, translation

from apps.core.errors import NotFound

from .messages import Message, as_message
from .models import Notification
from .preferences import DIGEST, IMMEDIATE, OFF, preference_of, setting_for


def notify(users, kind: str, subject: Message, text: Message | None = None, url: str = "", *,
           about: tuple[str, int] | None = None, key: str | None = None, batch: "NotifyBatch | None" = None
           ) -> list[Notification]:
    """Subject and text are Messages (or bare gettext_lazy strings), written here for each
    recipient in their own language (`User.preferred_language`), whoever caused it: the only way
    a notification gets its words, so the e-mail (whose subject is this one) follows the same rule.
    With a batch (a sweep sending many), e-mail tasks and bell pushes wait for batch.flush()."""
    from .live import push_unread_count
    from .tasks import deliver_email

    subject, text = as_message(subject), as_message(text)
    if subject is None:
        raise TypeError("A notification needs a subject.")
    rows = []
    for user in users:
        setting = setting_for(batch.preference(user) if batch else preference_of(user), kind)
        if not setting["in_app"] and setting["email"] == OFF:
            continue
        with translation.override(user.preferred_language or "en"):
            written_subject, written_text = subject.render(), text.render() if text else ""
        rows.append(Notification(
            user=user, kind=kind, subject=written_subject[:200], text=written_text, url=url,
            about_kind=about[0] if about else "", about_id=about[1] if about else None, delivery_key=key,
            in_app=setting["in_app"], email_mode=setting["email"] if user.email else OFF,
        ))
    if batch is not None:
        batch.pending += rows
        return rows
    rows = Notification.objects.bulk_create(rows)
    for row in rows:
        if row.email_mode == IMMEDIATE:
            deliver_email.delay_on_commit(row.id)
        if row.in_app:
            push_unread_count(row.user_id)
    return rows


class NotifyBatch:
    """Collects what many notify() calls in one transaction must do after commit: one e-mail task
    per chunk (one SMTP connection) and one bell push per person, instead of one of each per row."""

    CHUNK = 100

    def __init__(self, users=()):
        from .models import NotificationPreference

        self.pending: list[Notification] = []
        self.email_ids: list[int] = []
        self.user_ids: set[int] = set()
        # Everyone's preferences in one query, not one per notification.
        self._preferences = {p.user_id: p for p in NotificationPreference.objects.filter(user__in=list(users))}

    def preference(self, user):
        if user.id not in self._preferences:
            self._preferences[user.id] = preference_of(user)
        return self._preferences[user.id]

    def flush(self) -> list[Notification]:
        """Saves the batch's notifications in one insert and queues what follows their commit."""
        from .live import push_unread_count
        from .tasks import deliver_emails

        rows = Notification.objects.bulk_create(self.pending)
        self.pending = []
        self.email_ids += [r.id for r in rows if r.email_mode == IMMEDIATE]
        self.user_ids |= {r.user_id for r in rows if r.in_app}
        for start in range(0, len(self.email_ids), self.CHUNK):
            deliver_emails.delay_on_commit(self.email_ids[start:start + self.CHUNK])
        for user_id in sorted(self.user_ids):
            push_unread_count(user_id)
        self.email_ids, self.user_ids = [], set()
        return rows


__all__ = ["notify", "Message", "NotifyBatch", "notification_mark_read", "notifications_mark_all_read", "DIGEST"]


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
    zone_changed = timezone_name is not None and timezone_name != row.timezone
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
    if zone_changed:
        # Whatever was planned at 08:00 in the old zone (deadlines' reminders) follows the new one,
        # in this transaction.
        for listener in list(ZONE_LISTENERS):
            listener(actor)
    return row


# Higher apps that plan things at a person's local time register here (from their ready()):
# listener(user) runs when that person's time zone changes. notifications imports none of them.
ZONE_LISTENERS: list = []
