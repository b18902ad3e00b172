"""How a deadline reads to a person: its title in their language, its link, its sign."""
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _, pgettext

from .models import MANUAL_KINDS, Deadline, Kind

APPROACHING_DAYS = 14


def deadline_title(deadline: Deadline) -> str:
    """A workflow's deadline is titled in the reader's language; one typed by hand, as typed.
    Only the child's first name: titles travel to phones and shared calendars."""
    if deadline.kind in MANUAL_KINDS:
        return deadline.subject
    return _("%(kind)s for %(child)s") % {"kind": Kind(deadline.kind).label, "child": deadline.student.first_name}


def deadline_url(deadline: Deadline) -> str:
    return f"/deadlines/{deadline.id}/"


def deadline_sign(deadline: Deadline) -> dict:
    """EasyIEP-style sign: ok, approaching (within two weeks) or passed, with words that say it
    (never colour alone)."""
    now = timezone.now()
    if deadline.status == Deadline.Status.MET:
        return {"sign": "ok", "words": pgettext("deadline", "Met")}
    if deadline.status == Deadline.Status.CANCELLED:
        return {"sign": "ok", "words": pgettext("deadline", "Cancelled")}
    if deadline.due_at < now:
        days = (now - deadline.due_at).days
        return {"sign": "passed", "words": _("Overdue by %(n)s days") % {"n": days} if days > 1 else _("Overdue")}
    if deadline.due_at < now + timedelta(days=APPROACHING_DAYS):
        return {"sign": "approaching", "words": _("Due soon")}
    return {"sign": "ok", "words": _("On track")}
