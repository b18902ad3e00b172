"""Pages: the same selectors and services as the API, rendered for people."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from apps.accounts.selectors import admin_district_ids
from apps.audit.recording import record_reads
from apps.students.models import Role
from apps.students.policy import may_invite_member, may_view_access_log
from apps.students.selectors import memberships_of, student_and_standing_for, students_visible_to, team_for
from apps.students.standing import note_standing, standing_of

from .forms import (
    CompareForm,
    DecisionForm,
    IEPDatesForm,
    PositionForm,
    RecommendationForm,
    RevisionForm,
    SuggestionForm,
)
from .models import VERSIONED_FIELDS, Recommendation, Suggestion
from .page_parts import positions_summary, suggestions_context
from .panels import page_panels_for, panel_scripts, panels_for, table_of_contents
from .policy import (
    iep_status_steps_for,
    may_add_recommendation_to,
    may_amend_iep,
    may_answer_consent,
    may_download_signed_iep,
    may_record_paper_consent_on,
    may_sign_iep,
    may_create_iep,
    may_decide_recommendation,
    may_edit_iep_dates,
    may_record_position_on,
    may_revise_recommendation,
    may_suggest_on,
    may_withdraw_recommendation,
)
from .selectors import (
    iep_and_standing_for,
    ieps_visible_to,
    positions_of,
    recommendation_and_standing_for,
    recommendation_get_for,
    recommendations_of,
    recommendations_visible_to,
    versions_of,
)

ROLE_LABELS = dict(Role.choices)


# Pages are for signed-in people; NotFound/Forbidden from selectors and services become the
# 404/403 pages in apps.core.middleware. A page or fragment that only shows is also require_GET
# (inside `page`, as everywhere): a POST to it is a mistake, answered 405, not the page again.
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
@require_GET
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
        "page_panels": page_panels_for(request, "home"),
        "groups": groups,
        "students": students,
        "is_district_admin": bool(admin_district_ids(request.user)),
    })


@page
@require_GET
def student_page(request, student_id):
    student, standing = student_and_standing_for(request.user, student_id)
    return render_student_page(request, student, standing=standing)


def render_student_page(request, student, *, iep_form=None, status=200, standing=None):
    """`standing`: the person's on the child, as the view worked it out (worked out here after a
    write); every question the page asks about the child is asked with it."""
    user = request.user
    standing = standing_of(standing or user, student)
    note_standing(request, standing)
    return render(request, "ieps/student.html", {
        "page_panels": page_panels_for(request, "student", student, standing),
        "student": student,
        "standing": standing,
        "role": standing.role,
        "role_labels": ROLE_LABELS,
        "team": team_for(student),
        "ieps": ieps_visible_to(user).filter(student=student).annotate(
            recommendation_count=Count(
                "recommendations", filter=Q(recommendations__in=recommendations_visible_to(user))
            )
        ).order_by("-meeting_at", "-id"),
        "iep_form": iep_form or (IEPDatesForm(auto_id="new-iep-%s") if may_create_iep(standing, student) else None),
        "may_manage_team": may_invite_member(standing, student),
        "may_view_access_log": may_view_access_log(standing, student),
    }, status=status)


@page
@require_GET
def iep_page(request, iep_id):
    iep, standing = iep_and_standing_for(request.user, iep_id)
    return render_iep_page(request, iep, standing=standing)


def _signing(user, iep, signature_form=None, standing=None) -> dict:
    """The IEP page's signatures section: who signed, and what this person may do about it
    (the same predicates the consent services check)."""
    from .consent_forms import StaffSignatureForm
    from .content_hash import content_hash
    from .selectors import signatures_of

    standing = standing_of(standing or user, iep.student)
    signatures = signatures_of(iep, standing)
    if signature_form is None and may_sign_iep(standing, iep):
        signature_form = StaffSignatureForm(initial={"content_hash": content_hash(iep), "full_name": user.full_name},
                                            auto_id="staff-sign-%s")
    mine = [s for s in signatures if s.signer_id == user.id and s.kind == "consent"]
    return {
        "signatures": signatures,
        "my_answer": mine[-1] if mine else None,
        "may_answer": may_answer_consent(standing, iep),
        "may_record_paper": may_record_paper_consent_on(standing, iep),
        "signature_form": signature_form,
        "may_amend": may_amend_iep(standing, iep),
        "may_download_signed": may_download_signed_iep(standing, iep),
    }


def render_iep_page(request, iep, *, recommendation_form=None, dates_form=None, status_error="", status=200,
                    signature_form=None, standing=None):
    """`standing`: the person's on the child, as the view worked it out (worked out here after a
    write); the page, its signatures and its panels ask every question with it."""
    user = request.user
    standing = standing_of(standing or user, iep.student)
    note_standing(request, standing)
    recommendations = list(recommendations_of(iep, standing).prefetch_related("positions__user").annotate(
        open_suggestion_count=Count("suggestions", filter=Q(suggestions__status=Suggestion.Status.OPEN),
                                    distinct=True)))
    team = list(team_for(iep.student))
    for rec in recommendations:
        rec.summary = positions_summary(rec.positions.all(), team)
    shown = panels_for(request, iep, standing)
    if dates_form is None and may_edit_iep_dates(standing, iep):
        dates_form = IEPDatesForm(initial={"meeting_at": iep.meeting_at, "last_evaluated_on": iep.last_evaluated_on},
                                  auto_id="dates-%s")
    if recommendation_form is None and may_add_recommendation_to(standing, iep):
        recommendation_form = RecommendationForm(auto_id="new-rec-%s")
    return render(request, "ieps/iep.html", {
        "iep": iep,
        "student": iep.student,
        "standing": standing,
        "role": standing.role,
        "role_labels": ROLE_LABELS,
        "disciplines": _disciplines(iep.student, team),
        "recommendations": recommendations,
        "panels": shown,
        "toc": table_of_contents(shown),
        "panel_scripts": panel_scripts(),
        "status_steps": iep_status_steps_for(standing, iep),
        "status_error": status_error,
        "dates_form": dates_form,
        "recommendation_form": recommendation_form,
        **_signing(user, iep, signature_form, standing),
    }, status=status)


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


def _disciplines(student, team=None):
    """Member id → discipline label, so a clinician's position reads "Occupational therapy"."""
    return {m.user_id: m.get_discipline_display() for m in (team_for(student) if team is None else team)
            if m.discipline}


def _changes(before, after):
    """What `after` changed from `before` (None: the first version, which sets everything)."""
    return [
        {
            "field": field,
            "label": FIELD_LABELS.get(field, field),
            "before": _shown(field, getattr(before, field)) if before else "",
            "after": _shown(field, getattr(after, field)),
        }
        for field in HISTORY_FIELDS
        if before is None or getattr(before, field) != getattr(after, field)
    ]


def _history(versions):
    """Each version with what it changed from the one before (the first changes everything)."""
    history, previous = [], None
    for version in versions:
        history.append({"version": version, "changes": _changes(previous, version), "is_first": previous is None})
        previous = version
    return history


def _comparison(request, versions):
    """Any two versions side by side, when the person asked for them (?a=1&b=3)."""
    form = CompareForm(request.GET if "a" in request.GET else None, versions=versions, auto_id="compare-%s")
    if len(versions) < 2:
        return None, None
    if not form.is_bound:
        form = CompareForm(initial={"a": versions[0].version, "b": versions[-1].version}, versions=versions,
                           auto_id="compare-%s")
        return form, None
    if not form.is_valid():
        return form, None
    by_number = {v.version: v for v in versions}
    a, b = by_number[form.cleaned_data["a"]], by_number[form.cleaned_data["b"]]
    return form, {"a": a, "b": b, "changes": _changes(a, b)}


@page
@require_GET
def recommendation_page(request, recommendation_id):
    rec, standing = recommendation_and_standing_for(request.user, recommendation_id, summary=True)
    return render_recommendation_page(request, rec, standing=standing)


def render_recommendation_page(request, rec, *, revision_form=None, decision_form=None, position_form=None,
                               withdraw_error="", notice_form=None, suggestion_form=None, decline_forms=None,
                               suggestion_error=None, status=200, standing=None):
    from .notice_views import recommendation_notice_context

    user = request.user
    standing = standing_of(standing or user, rec.iep.student)
    note_standing(request, standing)
    role = standing.role
    versions = list(versions_of(rec))
    positions = list(positions_of(rec))
    team = list(team_for(rec.iep.student))
    compare_form, comparison = _comparison(request, versions)
    if revision_form is None and may_revise_recommendation(standing, rec):
        revision_form = RevisionForm.for_recommendation(rec, auto_id="revise-%s")
    if decision_form is None and may_decide_recommendation(standing, rec):
        decision_form = DecisionForm(initial={"status": rec.status}, auto_id="decide-%s")
    if position_form is None and may_record_position_on(standing, rec):
        mine = next((p for p in positions if p.user_id == user.id), None)
        position_form = PositionForm.for_member(mine, auto_id="position-%s")
    if suggestion_form is None and may_suggest_on(standing, rec):
        suggestion_form = SuggestionForm.for_recommendation(rec, auto_id="suggest-%s")
    return render(request, "ieps/recommendation.html", {
        **suggestions_context(user, rec, versions, standing=standing),
        "suggestion_form": suggestion_form,
        "decline_forms": decline_forms or {},
        "suggestion_error": suggestion_error,
        "summary": positions_summary(positions, team),
        "recommendation": rec,
        "iep": rec.iep,
        "student": rec.iep.student,
        "standing": standing,
        "role": role,
        "role_labels": ROLE_LABELS,
        "disciplines": _disciplines(rec.iep.student, team),
        "versions": versions,
        "history": _history(versions),
        "compare_form": compare_form,
        "comparison": comparison,
        "positions": positions,
        "is_parent": role == Role.PARENT,
        "revision_form": revision_form,
        "decision_form": decision_form,
        "position_form": position_form,
        "may_withdraw": may_withdraw_recommendation(standing, rec),
        "withdraw_error": withdraw_error,
        **recommendation_notice_context(request, rec, notice_form, standing=standing),
    }, status=status)


def _card_context(request, rec):
    positions = list(positions_of(rec))
    team = list(team_for(rec.iep.student))
    rec.summary = positions_summary(positions, team)
    rec.open_suggestion_count = Suggestion.objects.filter(recommendation=rec, status=Suggestion.Status.OPEN).count()
    return {
        "rec": rec,
        "positions": positions,
        "role_labels": ROLE_LABELS,
        "disciplines": _disciplines(rec.iep.student, team),
    }


@page
@require_GET
def recommendation_card(request, recommendation_id):
    """One recommendation as the IEP page shows it, for the live client to swap in after a change."""
    rec = recommendation_get_for(request.user, recommendation_id)
    return render(request, "ieps/_rec_body.html", _card_context(request, rec))


@page
@require_GET
def recommendation_item(request, recommendation_id):
    """A new recommendation's whole list item (its card and the panels higher apps put in it), for
    the live client to add to an open IEP page. Not logged again, like the card."""
    rec, standing = recommendation_and_standing_for(request.user, recommendation_id, summary=True)
    context = _card_context(request, rec)
    context.update({"iep": rec.iep, "panels": panels_for(request, rec.iep, standing)})
    return render(request, "ieps/_rec_item.html", context)


@page
@require_GET
def recommendation_positions(request, recommendation_id):
    """The recommendation page's positions (summary and list), for the live client to fetch again."""
    rec = recommendation_get_for(request.user, recommendation_id)
    positions = list(positions_of(rec))
    team = list(team_for(rec.iep.student))
    return render(request, "ieps/_positions_live.html", {
        "recommendation": rec, "positions": positions, "summary": positions_summary(positions, team),
        "role_labels": ROLE_LABELS, "disciplines": _disciplines(rec.iep.student, team),
    })


@page
@require_GET
def recommendation_suggestions(request, recommendation_id):
    """The recommendation page's suggestions, for the live client to fetch again."""
    rec, standing = recommendation_and_standing_for(request.user, recommendation_id)
    note_standing(request, standing)
    return render(request, "ieps/_suggestions.html", {
        "recommendation": rec, **suggestions_context(request.user, rec, standing=standing), "decline_forms": {},
    })
