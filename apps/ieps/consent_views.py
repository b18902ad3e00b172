"""Pages for the proposal and consent: the parent's consent page, the case manager's paper-consent
form, the staff signature form (on the IEP page) and the amendment button. Each posts to the same
service the API calls (apps/ieps/consent.py); a refusal is shown on the page (422, or 409 for a
state such as a stale version), what one may not see or do answers 404/403."""
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_http_methods

from apps.accounts.models import User
from apps.core.addresses import client_address
from apps.core.errors import Forbidden
from apps.core.forms import FormRefusal, apply_service_error, form_done

from . import consent
from .consent_forms import ConsentForm, PaperConsentForm, StaffSignatureForm
from .content_hash import content_hash
from .panels import panels_for
from .policy import may_answer_consent, may_consent, may_record_paper_consent, may_record_paper_consent_on
from .selectors import iep_get_for
from .views import ROLE_LABELS, _disciplines, page, render_iep_page

INVALID = 422


def _audit(request) -> dict:
    return {"ip_address": client_address(request), "user_agent": request.META.get("HTTP_USER_AGENT", "")}


def _recommendations(iep):
    return [r for r in consent.recommendations_to_answer(iep)]


def _with_positions(recommendations):
    from .models import Position

    by_rec = {}
    for p in Position.objects.filter(recommendation__in=recommendations).select_related("user"):
        by_rec.setdefault(p.recommendation_id, []).append(p)
    for rec in recommendations:
        rec.current_positions = by_rec.get(rec.id, [])
    return recommendations


def _fresh(form_class, request, iep, refusal, **kwargs):
    """After a stale version: the same choices, on the current version, with the reason on top."""
    data = request.POST.copy()
    data["content_hash"] = content_hash(iep)
    form = form_class(data, recommendations=_recommendations(iep), **kwargs)
    form.is_valid()
    form.add_error(None, refusal.message)
    return form


def _render(request, iep, template, form, status=200, **extra):
    recommendations = _with_positions(form.recommendations)
    return render(request, template, {
        "iep": iep, "student": iep.student, "form": form, "rows": form.rows(),
        "recommendations": recommendations, "panels": panels_for(request, iep),
        "role_labels": ROLE_LABELS, "disciplines": _disciplines(iep.student),
        "disclosures": consent.DISCLOSURES, "content_hash": form["content_hash"].value(), **extra,
    }, status=status)


@page
@require_http_methods(["GET", "POST"])
def consent_page(request, iep_id):
    """A parent reads every recommendation of the proposed IEP, answers each one and signs."""
    iep = iep_get_for(request.user, iep_id)
    if not may_consent(request.user, iep.student):
        raise Forbidden(_("Only a parent of the child gives or declines consent."))
    recommendations = _recommendations(iep)
    if request.method != "POST":
        form = ConsentForm(initial={"content_hash": content_hash(iep), "full_name": request.user.full_name},
                           recommendations=recommendations, auto_id="consent-%s")
        return _render(request, iep, "ieps/consent.html", form, open=may_answer_consent(request.user, iep))
    form = ConsentForm(request.POST, recommendations=recommendations, auto_id="consent-%s")
    if form.is_valid():
        with FormRefusal() as refusal:
            consent.iep_consent_give(actor=request.user, iep=iep, content_hash=form.cleaned_data["content_hash"],
                                     decisions=form.decisions(), full_name=form.cleaned_data["full_name"],
                                     consent_to_electronic_signature=form.cleaned_data["consent_to_electronic_signature"],
                                     **_audit(request))
        if refusal.error is None:
            return form_done(request, reverse("ieps:iep", args=[iep.id]) + "#signatures-heading",
                             _("Thank you. Your answer and signature were recorded."))
        if refusal.error.code == "stale_version":
            form = _fresh(ConsentForm, request, iep, refusal.error, auto_id="consent-%s")
            return _render(request, iep, "ieps/consent.html", form, status=409, open=True)
        apply_service_error(form, refusal.error)
        return _render(request, iep, "ieps/consent.html", form, status=refusal.error.status_code,
                       open=may_answer_consent(request.user, iep))
    return _render(request, iep, "ieps/consent.html", form, status=INVALID, open=True)


def _parents(iep):
    return list(User.objects.filter(id__in=consent.parents_on_team(iep.student_id)).order_by("full_name"))


@page
@require_http_methods(["GET", "POST"])
def paper_consent_page(request, iep_id):
    """The case manager records what a parent answered and signed on paper."""
    iep = iep_get_for(request.user, iep_id)
    if not may_record_paper_consent(request.user, iep.student):
        raise Forbidden(_("Only the case manager records a consent given on paper."))
    recommendations, parents = _recommendations(iep), _parents(iep)
    extra = {"open": may_record_paper_consent_on(request.user, iep)}
    if request.method != "POST":
        form = PaperConsentForm(initial={"content_hash": content_hash(iep)}, recommendations=recommendations,
                                parents=parents, auto_id="paper-%s")
        return _render(request, iep, "ieps/paper_consent.html", form, **extra)
    form = PaperConsentForm(request.POST, recommendations=recommendations, parents=parents, auto_id="paper-%s")
    if not form.is_valid():
        return _render(request, iep, "ieps/paper_consent.html", form, status=INVALID, **extra)
    with FormRefusal() as refusal:
        consent.iep_paper_consent_record(actor=request.user, iep=iep, parent_id=form.cleaned_data["parent"],
                                         content_hash=form.cleaned_data["content_hash"], decisions=form.decisions(),
                                         signed_on=form.cleaned_data["signed_on"], **_audit(request))
    if refusal.error is None:
        return form_done(request, reverse("ieps:iep", args=[iep.id]) + "#signatures-heading",
                         _("The consent given on paper was recorded."))
    if refusal.error.code == "stale_version":
        form = _fresh(PaperConsentForm, request, iep, refusal.error, parents=parents, auto_id="paper-%s")
        return _render(request, iep, "ieps/paper_consent.html", form, status=409, **extra)
    apply_service_error(form, refusal.error)
    return _render(request, iep, "ieps/paper_consent.html", form, status=refusal.error.status_code, **extra)


@page
@require_POST
def staff_signature(request, iep_id):
    iep = iep_get_for(request.user, iep_id)
    form = StaffSignatureForm(request.POST, auto_id="staff-sign-%s")
    if form.is_valid():
        with FormRefusal() as refusal:
            consent.iep_signature_add(actor=request.user, iep=iep, **form.cleaned_data, **_audit(request))
        if refusal.error is None:
            return form_done(request, reverse("ieps:iep", args=[iep.id]) + "#signatures-heading",
                             _("Your signature was recorded."))
        apply_service_error(form, refusal.error)
        if refusal.error.code == "stale_version":
            form = StaffSignatureForm({**request.POST.dict(), "content_hash": content_hash(iep)},
                                      auto_id="staff-sign-%s")
            form.is_valid()
            form.add_error(None, refusal.error.message)
        return render_iep_page(request, iep, signature_form=form, status=refusal.error.status_code)
    return render_iep_page(request, iep, signature_form=form, status=INVALID)


@page
@require_POST
def amendment_start(request, iep_id):
    iep = iep_get_for(request.user, iep_id)
    with FormRefusal() as refusal:
        draft = consent.iep_amendment_start(actor=request.user, iep=iep)
    if refusal.error is not None:
        return render_iep_page(request, iep, status_error=refusal.error.message, status=refusal.error.status_code)
    return form_done(request, reverse("ieps:iep", args=[draft.id]),
                     _("The amendment was started as a draft copying the IEP in effect. Change it, then propose it "
                       "to the family."))
