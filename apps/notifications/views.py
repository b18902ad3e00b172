"""The notifications page: a person's notifications, newest first; open one or mark them read."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils import translation
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.models import User
from apps.core.forms import FormRefusal, apply_service_error

from .email import read_unsubscribe_token
from .preferences import DIGEST, IMMEDIATE, KINDS, OFF, all_settings, common_zones, preference_of
from .selectors import notifications_of, unread_notification_count
from .services import notification_mark_read, notification_preferences_update, notifications_mark_all_read

PER_PAGE = 25


def _safe_local(request, url):
    """Only links within this site: a notification's or a form's URL never sends anyone elsewhere."""
    if url and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                                                       require_https=request.is_secure()):
        return url
    return ""


@login_required
@require_GET
def notification_list(request):
    pages = Paginator(notifications_of(request.user), PER_PAGE)
    current = pages.get_page(request.GET.get("page"))
    items = [{"n": n, "url": _safe_local(request, n.url)} for n in current]
    return render(request, "notifications/list.html", {
        "page": current,
        "items": items,
        "unread": unread_notification_count(request.user),
    })


@login_required
@require_POST
def notification_read(request, notification_id):
    """Marks one read. The "Open" button posts here too: it then follows the notification's link."""
    notification = notification_mark_read(actor=request.user, notification_id=notification_id)
    target = _safe_local(request, notification.url) if "open" in request.POST else ""
    if target:
        return redirect(target)
    page = request.POST.get("page", "")
    return redirect(reverse("notifications:list") + (f"?page={page}" if page.isdigit() else "") + f"#notification-{notification.id}")


@login_required
@require_POST
def notification_read_all(request):
    marked = notifications_mark_all_read(actor=request.user)
    if marked:
        messages.success(request, _("All notifications are marked read."))
    return redirect("notifications:list")


@login_required
@require_GET
def notification_open(request, notification_id):
    """The e-mail's link: marks the notification read and opens what it is about. Marking read is
    all a GET may change here (idempotent, and only the owner's own row)."""
    notification = notification_mark_read(actor=request.user, notification_id=notification_id)
    return redirect(_safe_local(request, notification.url) or reverse("notifications:list"))


@csrf_exempt  # RFC 8058: the mail client posts without cookies; the signed token is the proof.
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """One click turns off e-mail of one kind. A GET only shows the button: mail scanners follow
    links, and must never unsubscribe anyone."""
    found = read_unsubscribe_token(token)
    user = User.objects.filter(id=found[0], is_active=True).first() if found else None
    if user is None or found[1] not in KINDS:
        raise Http404()
    kind = found[1]
    done = False
    if request.method == "POST":
        notification_preferences_update(actor=user, kinds={kind: {"email": OFF}})
        done = True
    with translation.override(user.preferred_language or request.LANGUAGE_CODE):
        return render(request, "notifications/unsubscribe.html", {
            "kind_label": KINDS[kind], "done": done, "token": token,
        })


class PreferencesForm(forms.Form):
    timezone = forms.ChoiceField(label=gettext_lazy("Time zone"), required=False,
                                 help_text=gettext_lazy("Reminders come at 8 in the morning where you are. "
                                                 "Leave it empty to use your school district's."))
    digest_hour = forms.TypedChoiceField(label=gettext_lazy("Daily summary at"), coerce=int,
                                         choices=[(h, f"{h:02d}:00") for h in range(24)])
    calendar_full_names = forms.BooleanField(
        label=gettext_lazy("Show children's full names in my calendar feed"), required=False,
        help_text=gettext_lazy("Calendar apps are often shared and synced to phones; by default the feed shows first names only."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [("", _("My district's time zone"))] + [(z, z) for z in common_zones()]
        for kind, label in KINDS.items():
            self.fields[f"email__{kind}"] = forms.ChoiceField(label=label, choices=[
                (IMMEDIATE, _("E-mail at once")), (DIGEST, _("In the daily summary")), (OFF, _("No e-mail"))])
            self.fields[f"in_app__{kind}"] = forms.BooleanField(label=_("Show in the app"), required=False)

    def rows(self):
        return [{"label": label, "email": self[f"email__{kind}"], "in_app": self[f"in_app__{kind}"]}
                for kind, label in KINDS.items()]


def _initial(user):
    row = preference_of(user)
    initial = {"timezone": row.timezone, "digest_hour": row.digest_hour,
               "calendar_full_names": row.calendar_full_names}
    for kind, setting in all_settings(row).items():
        initial[f"email__{kind}"] = setting["email"]
        initial[f"in_app__{kind}"] = setting["in_app"]
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    form = PreferencesForm(request.POST or None, initial=_initial(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kinds = {kind: {"email": data[f"email__{kind}"], "in_app": data[f"in_app__{kind}"]} for kind in KINDS}
        with FormRefusal() as refusal:
            notification_preferences_update(actor=request.user, timezone_name=data["timezone"],
                                            digest_hour=data["digest_hour"], kinds=kinds,
                                            calendar_full_names=data["calendar_full_names"])
        if refusal.error:
            apply_service_error(form, refusal.error)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form, "calendar": calendar_context(request)})


def calendar_context(request):
    """The calendar address block, from whichever app registered it (deadlines owns the feed)."""
    return CALENDAR_PANEL[0](request) if CALENDAR_PANEL else None


# apps.deadlines registers the calendar-feed block shown on the preferences page (notifications
# is below deadlines and never imports it).
CALENDAR_PANEL: list = []
