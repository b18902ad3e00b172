"""Pages of prior written notices and of the guidance for a parent who disagrees: the same
services and selectors as notice_api."""
from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from apps.core.errors import Forbidden
from apps.core.forms import FormRefusal, apply_service_error, form_done

from .guidance import guidance_actions_for
from .models import PriorWrittenNotice
from .notices import (
    DEFAULT_CONTACT,
    TEXT_LIMIT,
    notice_contact_of,
    notice_document,
    notice_draft,
    notice_get_for,
    notice_issue,
    notice_language_for,
    notice_pdf,
    notice_pdf_url,
    notice_url,
    notices_of,
)
from .policy import may_issue_notice, shows_disagreement_guidance
from .selectors import recommendation_get_for
from .views import page


class NoticeForm(forms.Form):
    action = forms.ChoiceField(label=gettext_lazy("The district"), choices=PriorWrittenNotice.Action.choices,
                               widget=forms.RadioSelect)
    reasons = forms.CharField(
        label=gettext_lazy("2. Why"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Explain the decision in plain words the family can follow."))
    data_used = forms.CharField(
        label=gettext_lazy("3. Each evaluation, assessment, record or report used"), max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}))
    options_considered = forms.CharField(
        label=gettext_lazy("4. Other options considered, and why each was rejected"), max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Drawn from the team's positions and discussion: say why each was not adopted."))
    other_factors = forms.CharField(
        label=gettext_lazy("5. Other factors relevant to the decision"), max_length=TEXT_LIMIT, required=False,
        widget=forms.Textarea(attrs={"rows": 3}))


def notice_form_for(recommendation, data=None) -> NoticeForm:
    if data is not None:
        return NoticeForm(data, auto_id="notice-%s")
    return NoticeForm(initial=notice_draft(recommendation), auto_id="notice-%s")


def recommendation_notice_context(request, rec, notice_form=None, *, standing=None) -> dict:
    """What the recommendation page shows of notices and guidance, for this person (`standing`:
    theirs on the child, when the page worked it out)."""
    who = standing or request.user
    may_issue = may_issue_notice(who, rec)
    if notice_form is None and may_issue:
        notice_form = notice_form_for(rec)
    notices = [n for n in notices_of(rec.iep, who) if n.recommendation_id == rec.id]
    guidance = shows_disagreement_guidance(who, rec)
    return {
        "notice_form": notice_form if may_issue else None,
        "rec_notices": [_listed(n) for n in notices],
        "guidance_actions": guidance_actions_for(rec) if guidance else None,
    }


def _listed(notice) -> dict:
    return {"notice": notice, "url": notice_url(notice), "pdf_url": notice_pdf_url(notice)}


@page
@require_POST
def notice_create(request, recommendation_id):
    """The case manager's form on the recommendation page: issue the notice, then show it."""
    from .views import render_recommendation_page

    rec = recommendation_get_for(request.user, recommendation_id)
    if not may_issue_notice(request.user, rec):
        raise Forbidden(_("Only the case manager or a district administrator may issue a prior written notice."))
    form = notice_form_for(rec, request.POST)
    if form.is_valid():
        with FormRefusal() as refusal:
            notice = notice_issue(actor=request.user, recommendation=rec, **form.cleaned_data)
        if refusal.error is None:
            return form_done(request, notice_url(notice), _("The prior written notice was issued and the family told."))
        apply_service_error(form, refusal.error)
    return render_recommendation_page(request, rec, notice_form=form, status=422)


@page
@require_GET
def notice_page(request, notice_id):
    notice = notice_get_for(request.user, notice_id)
    language = notice_language_for(request.user, notice)
    return render(request, "ieps/notice.html", {
        "notice": notice, "iep": notice.iep, "student": notice.iep.student, "recommendation": notice.recommendation,
        "document": notice_document(notice, language), "pdf_url": notice_pdf_url(notice),
    })


def notice_pdf_response(request, notice) -> HttpResponse:
    pdf = notice_pdf(notice, notice_language_for(request.user, notice))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="prior-written-notice-{notice.id}.pdf"'
    return response


@page
@require_GET
def guidance_page(request, recommendation_id):
    """The guidance for a parent who disagrees, as a page of its own (anyone on the team may read it)."""
    rec = recommendation_get_for(request.user, recommendation_id)
    safeguards_url, _contact = notice_contact_of(rec.iep.student.district)
    return render(request, "ieps/guidance.html", {
        "recommendation": rec, "iep": rec.iep, "student": rec.iep.student,
        "guidance_actions": guidance_actions_for(rec), "safeguards_url": safeguards_url,
        "contact": _contact or DEFAULT_CONTACT,
    })


def notices_panel(request, iep, standing=None):
    """The IEP page's list of notices (registered in IepsConfig.ready like any panel)."""
    return {"notices": [_listed(n) for n in notices_of(iep, standing or request.user)]}
