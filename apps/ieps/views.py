"""Pages: the same selectors and services as the API, rendered for people."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from apps.accounts.selectors import admin_district_ids
from apps.audit.recording import record_reads
from apps.students.models import Role
from apps.students.selectors import memberships_of, role_for, student_get_for, students_visible_to, team_for

from .models import VERSIONED_FIELDS, Recommendation
from .selectors import (
    iep_get_for,
    ieps_visible_to,
    positions_of,
    recommendation_get_for,
    recommendations_of,
    recommendations_visible_to,
    versions_of,
)

ROLE_LABELS = dict(Role.choices)


# Pages are for signed-in people; NotFound/Forbidden from selectors and services become the
# 404/403 pages in apps.core.middleware.
page = login_required


# The order the home page lists groups in, and each group's heading.
HOME_GROUPS = [
    ("children", _("My children")),
    ("caseload", _("My caseload")),
    ("evaluations", _("My evaluations")),
    ("district", _("District students")),
]
GROUP_OF_ROLE = {
    Role.PARENT: "children",
    Role.CASE_MANAGER: "caseload",
    Role.CLINICIAN: "caseload",
    Role.EVALUATOR: "evaluations",
}


@page
def home(request):
    """Parents see their children, staff their caseload, administrators the district."""
    # Each child's IEPs through the same visibility as everything else (an evaluator's stops at
    # the IEPs in dispute), newest first.
    students = students_visible_to(request.user).prefetch_related(
        Prefetch("ieps", queryset=ieps_visible_to(request.user).order_by("-meeting_at", "-id"))
    )
    my_roles = {m.student_id: m.role for m in memberships_of(request.user)}
    grouped = {key: [] for key, _title in HOME_GROUPS}
    for student in students:
        grouped[GROUP_OF_ROLE.get(my_roles.get(student.id), "district")].append(student)
    groups = [{"key": key, "title": title, "students": grouped[key]} for key, title in HOME_GROUPS if grouped[key]]
    record_reads(request, students)
    return render(request, "ieps/home.html", {
        "groups": groups,
        "students": students,
        "is_district_admin": bool(admin_district_ids(request.user)),
    })


@page
def student_page(request, student_id):
    student = student_get_for(request.user, student_id)
    return render(request, "ieps/student.html", {
        "student": student,
        "role": role_for(request.user, student),
        "role_labels": ROLE_LABELS,
        "team": team_for(student),
        "ieps": ieps_visible_to(request.user).filter(student=student).annotate(
            recommendation_count=Count(
                "recommendations", filter=Q(recommendations__in=recommendations_visible_to(request.user))
            )
        ).order_by("-meeting_at", "-id"),
    })


@page
def iep_page(request, iep_id):
    iep = iep_get_for(request.user, iep_id)
    recommendations = recommendations_of(iep, request.user).prefetch_related("positions__user")
    return render(request, "ieps/iep.html", {
        "iep": iep,
        "student": iep.student,
        "role": role_for(request.user, iep.student),
        "role_labels": ROLE_LABELS,
        "disciplines": _disciplines(iep.student),
        "recommendations": recommendations,
    })


# The order a version's fields are shown in: what it is first, then why, then the details.
FIELD_LABELS = {
    "title": _("Title"),
    "kind": _("Kind"),
    "area": _("Area"),
    "description": _("Description"),
    "rationale": _("Rationale"),
    "minutes_per_week": _("Minutes a week"),
    "setting": _("Setting"),
    "status": _("Status"),
}
HISTORY_FIELDS = [f for f in FIELD_LABELS if f in VERSIONED_FIELDS] + [
    f for f in VERSIONED_FIELDS if f not in FIELD_LABELS
]
CHOICE_LABELS = {"kind": dict(Recommendation.Kind.choices), "status": dict(Recommendation.Status.choices)}


def _shown(field, value):
    if value in (None, ""):
        return ""
    return str(CHOICE_LABELS.get(field, {}).get(value, value))


def _disciplines(student):
    """Member id → discipline label, so a clinician's position reads "Occupational therapy"."""
    return {m.user_id: m.get_discipline_display() for m in team_for(student) if m.discipline}


def _history(versions):
    """Each version with what it changed from the one before (the first changes everything)."""
    history, previous = [], None
    for version in versions:
        changes = [
            {
                "field": field,
                "label": FIELD_LABELS.get(field, field),
                "before": _shown(field, getattr(previous, field)) if previous else "",
                "after": _shown(field, getattr(version, field)),
            }
            for field in HISTORY_FIELDS
            if previous is None or getattr(previous, field) != getattr(version, field)
        ]
        history.append({"version": version, "changes": changes, "is_first": previous is None})
        previous = version
    return history


@page
def recommendation_page(request, recommendation_id):
    rec = recommendation_get_for(request.user, recommendation_id)
    role = role_for(request.user, rec.iep.student)
    versions = list(versions_of(rec))
    return render(request, "ieps/recommendation.html", {
        "recommendation": rec,
        "iep": rec.iep,
        "student": rec.iep.student,
        "role": role,
        "role_labels": ROLE_LABELS,
        "disciplines": _disciplines(rec.iep.student),
        "versions": versions,
        "history": _history(versions),
        "positions": positions_of(rec),
        "is_parent": role == Role.PARENT,
    })


@page
def recommendation_card(request, recommendation_id):
    """One recommendation as the IEP page shows it, for the live client to swap in after a change."""
    rec = recommendation_get_for(request.user, recommendation_id)
    return render(request, "ieps/_rec_body.html", {
        "rec": rec,
        "positions": positions_of(rec),
        "role_labels": ROLE_LABELS,
        "disciplines": _disciplines(rec.iep.student),
    })
