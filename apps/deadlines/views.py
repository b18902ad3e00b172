"""Deadline pages: one deadline, the compliance view (with CSV), the school calendar, and the
calendar feed with its reset."""
import csv

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.audit.recording import record_reads
from apps.accounts.models import District, School, User
from apps.accounts.selectors import admin_district_ids
from apps.core.errors import NotFound
from apps.core.forms import FormRefusal, apply_service_error

from . import calendar_services, services
from .feed import calendar_feed_reset, calendar_for, feed_deadlines, feed_get, feed_of, feed_poll_record, feed_url
from .models import ClosedDay, DistrictCalendar, Kind, Unit
from .policy import may_close_deadline
from .presentation import deadline_sign, deadline_title
from .selectors import deadline_get_for, district_open_deadlines


@require_GET
def calendar_feed(request, secret):
    """Whoever holds the secret reads that person's deadlines; a wrong or reset one is 404. There
    is no session here, so the poll records its own reads (feed_poll_record)."""
    feed = feed_get(secret)
    deadlines = feed_deadlines(feed.user)
    feed_poll_record(feed, deadlines)
    response = HttpResponse(calendar_for(feed.user, deadlines), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_POST
def calendar_reset(request):
    calendar_feed_reset(actor=request.user)
    messages.success(request, _("Your calendar has a new address. The old one no longer works."))
    return redirect("notifications:preferences")


def calendar_panel(request):
    """Shown on the notification settings page (registered with apps.notifications)."""
    return {"url": feed_url(feed_of(request.user))}


@login_required
@require_GET
def deadline_page(request, deadline_id):
    deadline = deadline_get_for(request.user, deadline_id)
    return render(request, "deadlines/detail.html", {
        "d": deadline, "title": deadline_title(deadline), **deadline_sign(deadline),
        "may_close": may_close_deadline(request.user, deadline),
        "owners": User.objects.filter(deadline_roles__deadline=deadline, deadline_roles__role="owner"),
    })


@login_required
@require_POST
def deadline_close(request, deadline_id):
    deadline = deadline_get_for(request.user, deadline_id)
    with FormRefusal() as refusal:
        services.deadline_close(actor=request.user, deadline=deadline, met=request.POST.get("how") != "cancel")
    if refusal.error:
        messages.error(request, refusal.error.message)
    else:
        messages.success(request, _("The deadline is closed. No more reminders will be sent for it."))
    return redirect("deadlines:detail", deadline.id)


def admin_district(user) -> District:
    """The district the person administers; to anyone else these pages do not exist (404)."""
    ids = admin_district_ids(user) if user.is_authenticated else []
    if not ids:
        raise NotFound()
    return District.objects.get(id=sorted(ids)[0])


_admin_district = admin_district


class ComplianceFilter(forms.Form):
    school = forms.ModelChoiceField(label=gettext_lazy("School"), queryset=School.objects.none(), required=False,
                                    empty_label=gettext_lazy("All schools"))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    owner = forms.ModelChoiceField(label=gettext_lazy("Owner"), queryset=User.objects.none(), required=False,
                                   empty_label=gettext_lazy("Anyone"))

    def __init__(self, district, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(district=district).order_by("name")
        self.fields["kind"].choices = [("", _("All kinds")), *Kind.choices]
        self.fields["owner"].queryset = User.objects.filter(
            deadline_roles__role="owner", deadline_roles__deadline__student__district=district).distinct()


@login_required
@require_GET
def compliance(request):
    """Every open and overdue deadline of the district, filtered, and as CSV."""
    district = _admin_district(request.user)
    form = ComplianceFilter(district, request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = district_open_deadlines(district.id, school_id=getattr(filters.get("school"), "id", None),
                                   kind=filters.get("kind") or None, owner_id=getattr(filters.get("owner"), "id", None))
    items = [{"d": d, "title": deadline_title(d), **deadline_sign(d),
              "owners": ", ".join(p.user.full_name for p in d.participants.all() if p.role == "owner")}
             for d in rows.prefetch_related("participants__user")]
    record_reads(request, {item["d"].student for item in items})
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="open-deadlines.csv"'
        writer = csv.writer(response)
        writer.writerow([_("Deadline"), _("Kind"), _("Student"), _("School"), _("Due"), _("Status"), _("Owners")])
        for item in items:
            d = item["d"]
            writer.writerow([_csv_safe(item["title"]), d.get_kind_display(), _csv_safe(d.student.full_name),
                             _csv_safe(d.student.school.name), d.due_on.isoformat(), item["words"],
                             _csv_safe(item["owners"])])
        return response
    return render(request, "deadlines/compliance.html", {"form": form, "items": items, "district": district,
                                                         "query": request.GET.urlencode()})


def _csv_safe(text: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet: keep it text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


class ClosedDayForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=ClosedDay.Reason.choices)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=200)


class CalendarImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"),
                           help_text=gettext_lazy("One closed day a line: day (YYYY-MM-DD), reason (holiday, break, "
                                           "weather or other), note."))


@login_required
@require_http_methods(["GET", "POST"])
def school_calendar(request):
    district = _admin_district(request.user)
    add_form = ClosedDayForm(request.POST if request.POST.get("action") == "add" else None)
    import_form = CalendarImportForm(request.POST if request.POST.get("action") == "import" else None,
                                     request.FILES or None)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        with FormRefusal() as refusal:
            if action == "add" and add_form.is_valid():
                calendar_services.closed_day_add(actor=request.user, district_id=district.id, **add_form.cleaned_data)
                messages.success(request, _("The closed day is saved; open deadlines were recomputed."))
                return redirect("deadlines:school_calendar")
            if action == "remove":
                form = forms.DateField().clean(request.POST.get("day"))
                calendar_services.closed_day_remove(actor=request.user, district_id=district.id, day=form)
                messages.success(request, _("The closed day is removed; open deadlines were recomputed."))
                return redirect("deadlines:school_calendar")
            if action == "import" and import_form.is_valid():
                raw = import_form.cleaned_data["file"].read(1_000_000)
                try:
                    text = raw.decode("utf-8-sig")
                except UnicodeDecodeError:
                    text = ""
                count = calendar_services.closed_days_import(actor=request.user, district_id=district.id, text=text)
                messages.success(request, _("%(n)s closed days imported.") % {"n": count})
                return redirect("deadlines:school_calendar")
        if refusal.error:
            apply_service_error(import_form if action == "import" else add_form, refusal.error)
        status = 400
    calendar = DistrictCalendar.objects.filter(district=district).first()
    return render(request, "deadlines/school_calendar.html", {
        "district": district, "days": ClosedDay.objects.filter(district=district).order_by("day"),
        "add_form": add_form, "import_form": import_form,
        "timezone": calendar.timezone if calendar else None,
    }, status=status)


class DeadlineSettingsForm(forms.Form):
    """The district's time zone, and per kind counted from a start, its unit and length."""

    def __init__(self, settings_now: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.notifications.preferences import common_zones

        self.fields["timezone"] = forms.ChoiceField(
            label=gettext_lazy("Time zone of the district"), initial=settings_now["timezone"],
            choices=[(z, z) for z in common_zones()],
            help_text=gettext_lazy("Deadlines end at 23:59 there; reminders of people who chose no zone come at "
                                   "08:00 there."))
        self.periods = []
        for period in settings_now["periods"]:
            kind = period["kind"]
            default = _("Federal default: %(count)s %(unit)s.") % {
                "count": period["default_count"], "unit": Unit(period["default_unit"]).label.lower()}
            self.fields[f"{kind}__count"] = forms.IntegerField(
                label=gettext_lazy("Length"), min_value=1, max_value=365, initial=period["count"], help_text=default)
            self.fields[f"{kind}__unit"] = forms.ChoiceField(label=gettext_lazy("Counted in"), choices=Unit.choices,
                                                             initial=period["unit"])
            self.periods.append({**period, "count_field": self[f"{kind}__count"], "unit_field": self[f"{kind}__unit"]})

    def values(self) -> dict:
        data = self.cleaned_data
        return {"timezone": data["timezone"],
                "periods": {p["kind"]: {"count": data[f"{p['kind']}__count"], "unit": data[f"{p['kind']}__unit"]}
                            for p in self.periods}}


@login_required
@require_http_methods(["GET", "POST"])
def deadline_settings(request):
    """The district administrator sets how the district counts deadline periods, and its zone."""
    district = admin_district(request.user)
    current = calendar_services.deadline_settings_of(district.id)
    form = DeadlineSettingsForm(current, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        with FormRefusal() as refusal:
            if form.is_valid():
                calendar_services.deadline_settings_update(actor=request.user, district_id=district.id,
                                                           **form.values())
                messages.success(request, _("The settings are saved; open deadlines were recomputed."))
                return redirect("deadlines:settings")
        if refusal.error:
            apply_service_error(form, refusal.error)
        status = 400
    return render(request, "deadlines/settings.html", {"district": district, "form": form}, status=status)
