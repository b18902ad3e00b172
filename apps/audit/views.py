"""The record of access (34 CFR 300.614) as a page and a CSV file, for the child's parents and the
district's administrators: who read the child's record, when, and for what purpose, newest first."""
import csv
from datetime import timezone as tz

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from apps.students.models import Role
from apps.students.selectors import student_get_for

from .forms import AccessFilterForm
from .selectors import access_log_filtered, access_log_people

PAGE_SIZE = 100
# What was read, in words a parent recognises; an unknown kind shows as stored.
OBJECT_WORDS = {
    "student": gettext_lazy("The child's record"),
    "iep": gettext_lazy("An IEP"),
    "recommendation": gettext_lazy("A recommendation"),
}
ACTION_WORDS = {"view": gettext_lazy("Opened"), "download": gettext_lazy("Downloaded")}


def _rows(entries):
    roles = dict(Role.choices)
    for entry in entries:
        yield {
            "entry": entry,
            "who": entry.user.full_name or entry.user.email,
            "role": roles.get(entry.role, entry.role),
            "what": f"{ACTION_WORDS.get(entry.action, entry.action)}: {OBJECT_WORDS.get(entry.object_type, entry.object_type)}",
            # Stored untranslated (gettext_noop) so each reader gets it in their language.
            "purpose": _(entry.purpose) if entry.purpose else "",
        }


def _filtered(request, student):
    form = AccessFilterForm(request.GET or None, people=access_log_people(user=request.user, student=student),
                            auto_id="filter-%s")
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = access_log_filtered(user=request.user, student=student, **{k: v for k, v in filters.items() if v})
    return form, entries


@login_required
@require_GET
def access_record_page(request, student_id):
    student = student_get_for(request.user, student_id)
    form, entries = _filtered(request, student)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/access_record.html", {
        "student": student, "form": form, "page": page, "rows": list(_rows(page.object_list)),
        "query": query.urlencode(),
    }, status=200 if not form.errors else 400)


def _cell(value: str) -> str:
    # A spreadsheet runs a cell that starts with = + - @ as a formula: keep it text.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@login_required
@require_GET
def access_record_csv(request, student_id):
    student = student_get_for(request.user, student_id)
    _form, entries = _filtered(request, student)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-record-{student.id}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("When (UTC)"), _("Who"), _("E-mail"), _("Role"), _("What"), _("Purpose")])
    for row in _rows(entries.iterator()):
        entry = row["entry"]
        writer.writerow([_cell(str(x)) for x in (
            entry.at.astimezone(tz.utc).strftime("%Y-%m-%d %H:%M:%S"), row["who"], entry.user.email,
            row["role"], row["what"], row["purpose"])])
    return response
