"""Who wants what, how: per kind, in the app (on/off) and by e-mail (at once, in the daily
digest, or not). The defaults suit a parent who never opens the preferences page."""
from zoneinfo import ZoneInfo, available_timezones

from django.utils.translation import gettext_lazy as _

from .models import NotificationPreference

IMMEDIATE, DIGEST, OFF = "immediate", "digest", "off"
EMAIL_CHOICES = (IMMEDIATE, DIGEST, OFF)

# Every kind the product sends, with what a person reads on the preferences page.
KINDS = {
    "mention": _("Someone mentioned you in a discussion"),
    "comment.reply": _("Someone replied to your comment"),
    "evaluation.requested": _("An independent evaluation was requested"),
    "evaluation.decided": _("The district decided on an independent evaluation"),
    "evaluation.assigned": _("You were assigned an independent evaluation"),
    "evaluation.question": _("The independent evaluator asked a question"),
    "evaluation.submitted": _("Independent evaluation findings were submitted"),
    "evaluation.amended": _("Independent evaluation findings were amended"),
    "evaluation.withdrawn": _("An independent evaluation request was withdrawn"),
    "evaluation.revoked": _("An evaluation engagement was ended"),
    "notice.issued": _("The district issued a prior written notice"),
    "suggestion.created": _("Someone suggested a change to a recommendation you decide on"),
    "suggestion.decided": _("Your suggested change was accepted or declined"),
    "iep.activated": _("An IEP is in effect after every parent answered"),
    "deadline.reminder": _("A deadline is coming up"),
    "deadline.overdue": _("A deadline has passed"),
    "deadline.escalated": _("A deadline is overdue and escalated to the district"),
}
DEFAULT = {"email": IMMEDIATE, "in_app": True}


def preference_of(user) -> NotificationPreference:
    """The saved row, or an unsaved one holding the defaults."""
    row = NotificationPreference.objects.filter(user_id=user.id).first()
    return row or NotificationPreference(user_id=user.id)


def setting_for(preference: NotificationPreference, kind: str) -> dict:
    return {**DEFAULT, **(preference.kinds or {}).get(kind, {})}


def all_settings(preference: NotificationPreference) -> dict:
    return {kind: setting_for(preference, kind) for kind in KINDS}


def zone_of(user, fallback: ZoneInfo) -> ZoneInfo:
    row = NotificationPreference.objects.filter(user_id=user.id).only("timezone").first()
    if row and row.timezone:
        return ZoneInfo(row.timezone)
    return fallback


def is_known_timezone(name: str) -> bool:
    return name in _zones()


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


def common_zones() -> list[str]:
    """The zones offered on the page: every canonical Area/City name (the API takes any IANA name)."""
    return sorted(z for z in _zones() if "/" in z and not z.startswith(("Etc/", "SystemV/", "posix/", "right/")))
