"""The IEP pages' forms. Each posts to one service, the same the API calls; a refusal is shown
next to the field it names (or above the form) on the page re-rendered with status 422, and what a
person may not see or do answers 404/403 (FormRefusal lets those through). Without JavaScript a
success redirects; with HTMX the form is swapped from the re-rendered page (hx-select) and a
success answers HX-Redirect. Others on the IEP page see the change from the live channel."""
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.forms import FormRefusal, apply_service_error, form_done
from apps.students.selectors import student_get_for

from . import services
from .forms import DecisionForm, IEPDatesForm, PositionForm, RecommendationForm, RevisionForm
from .models import Recommendation
from .policy import HAND_STATUS_STEPS
from .selectors import iep_get_for, recommendation_get_for
from .views import page, render_iep_page, render_recommendation_page, render_student_page

INVALID = 422


def _call(form, service, **kwargs):
    """Runs the service with the form's data; answers its result, or None with the refusal on the form."""
    with FormRefusal() as refusal:
        return service(**kwargs, **form.cleaned_data)
    apply_service_error(form, refusal.error)
    return None


@page
@require_POST
def iep_create(request, student_id):
    student = student_get_for(request.user, student_id)
    form = IEPDatesForm(request.POST, auto_id="new-iep-%s")
    if form.is_valid() and (iep := _call(form, services.iep_create, actor=request.user, student=student)):
        return form_done(request, reverse("ieps:iep", args=[iep.id]),
                     _("The IEP was started as a draft. Add recommendations, then propose it to the family."))
    return render_student_page(request, student, iep_form=form, status=INVALID)


@page
@require_POST
def iep_dates(request, iep_id):
    iep = iep_get_for(request.user, iep_id)
    form = IEPDatesForm(request.POST, auto_id="dates-%s")
    if form.is_valid() and _call(form, services.iep_update_dates, actor=request.user, iep=iep):
        return form_done(request, reverse("ieps:iep", args=[iep.id]), _("The dates were saved."))
    return render_iep_page(request, iep, dates_form=form, status=INVALID)


STATUS_DONE = {
    "proposed": _("The IEP was proposed to the family."),
    "draft": _("The IEP is a draft again."),
}


@page
@require_POST
def iep_status(request, iep_id):
    iep = iep_get_for(request.user, iep_id)
    status = request.POST.get("status", "")
    if status not in HAND_STATUS_STEPS:  # activation is the parents' consent, not a button
        return render_iep_page(request, iep, status_error=_("Choose a status step."), status=400)
    with FormRefusal() as refusal:
        services.iep_set_status(actor=request.user, iep=iep, status=status)
    if error := refusal.error:
        return render_iep_page(request, iep, status_error=error.message, status=error.status_code)
    return form_done(request, reverse("ieps:iep", args=[iep.id]), str(STATUS_DONE[status]))


@page
@require_POST
def recommendation_create(request, iep_id):
    iep = iep_get_for(request.user, iep_id)
    form = RecommendationForm(request.POST, auto_id="new-rec-%s")
    if form.is_valid() and (rec := _call(form, services.recommendation_create, actor=request.user, iep=iep)):
        return form_done(request, reverse("ieps:iep", args=[iep.id]) + f"#rec-{rec.id}",
                     _("Your recommendation was added. The team sees it now."))
    return render_iep_page(request, iep, recommendation_form=form, status=INVALID)


@page
@require_POST
def recommendation_revise(request, recommendation_id):
    rec = recommendation_get_for(request.user, recommendation_id)
    form = RevisionForm(request.POST, auto_id="revise-%s")
    if form.is_valid() and _call(form, services.recommendation_update, actor=request.user, recommendation=rec):
        return form_done(request, reverse("ieps:recommendation", args=[rec.id]) + "#history-heading",
                     _("Saved as a new version. Earlier versions stay in the history."))
    return render_recommendation_page(request, rec, revision_form=form, status=INVALID)


@page
@require_POST
def recommendation_decide(request, recommendation_id):
    rec = recommendation_get_for(request.user, recommendation_id)
    form = DecisionForm(request.POST, auto_id="decide-%s")
    if form.is_valid() and _call(form, services.recommendation_update, actor=request.user, recommendation=rec):
        return form_done(request, reverse("ieps:recommendation", args=[rec.id]), _("The team’s decision was recorded."))
    return render_recommendation_page(request, rec, decision_form=form, status=INVALID)


@page
@require_POST
def recommendation_withdraw(request, recommendation_id):
    rec = recommendation_get_for(request.user, recommendation_id)
    with FormRefusal() as refusal:
        services.recommendation_update(actor=request.user, recommendation=rec, status=Recommendation.Status.WITHDRAWN,
                                       change_note=request.POST.get("change_note", "")[:500])
    if error := refusal.error:
        return render_recommendation_page(request, rec, withdraw_error=error.message, status=error.status_code)
    return form_done(request, reverse("ieps:recommendation", args=[rec.id]), _("The recommendation was withdrawn."))


@page
@require_POST
def position_record(request, recommendation_id):
    rec = recommendation_get_for(request.user, recommendation_id)
    form = PositionForm(request.POST, auto_id="position-%s")
    if form.is_valid() and _call(form, services.position_set, actor=request.user, recommendation=rec):
        return form_done(request, reverse("ieps:recommendation", args=[rec.id]) + "#positions-heading",
                     _("Your position was recorded. The team sees it now."))
    return render_recommendation_page(request, rec, position_form=form, status=INVALID)
