"""The recommendation page's suggestion forms: suggest a change, accept, decline (with a note),
withdraw. Each posts to one service in apps/ieps/suggestions.py, the same the API calls; a refusal
is shown next to the field or above the form on the page re-rendered (422 for bad input, 409 for
state); what a person may not see or do answers 404/403."""
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.forms import FormRefusal, form_done

from . import suggestions as services
from .forms import DeclineSuggestionForm, SuggestionForm
from .selectors import recommendation_get_for, suggestion_get_for
from .views import page, render_recommendation_page

INVALID = 422


def _done(request, suggestion_or_rec_id, message, anchor="#suggestions-heading"):
    return form_done(request, reverse("ieps:recommendation", args=[suggestion_or_rec_id]) + anchor, message)


@page
@require_POST
def suggestion_create(request, recommendation_id):
    rec = recommendation_get_for(request.user, recommendation_id)
    form = SuggestionForm(request.POST, recommendation=rec, auto_id="suggest-%s")
    if form.is_valid():
        with FormRefusal() as refusal:
            services.suggestion_create(actor=request.user, recommendation=rec, changes=form.changes(),
                                       reason=form.cleaned_data["reason"],
                                       base_version=form.cleaned_data["base_version"])
        if refusal.error is None:
            return _done(request, rec.id, _("Your suggestion was sent. The author and the case manager decide on it."))
        # The service names the changes' fields as "changes.<field>": the form's are the bare names.
        named = False
        for name, problems in refusal.error.fields.items():
            field = name.removeprefix("changes.")
            if field in form.fields and field != "changes":
                named = True
                for problem in problems:
                    form.add_error(field, problem)
        if not named:
            form.add_error(None, refusal.error.message)
        return render_recommendation_page(request, rec, suggestion_form=form, status=refusal.error.status_code
                                          if refusal.error.status_code != 400 else INVALID)
    return render_recommendation_page(request, rec, suggestion_form=form, status=INVALID)


def _step(request, suggestion_id, run, message):
    suggestion = suggestion_get_for(request.user, suggestion_id)
    rec = recommendation_get_for(request.user, suggestion.recommendation_id)
    with FormRefusal() as refusal:
        run(suggestion)
    if error := refusal.error:
        return render_recommendation_page(request, rec, suggestion_error={"id": suggestion.id, "message": error.message},
                                          status=error.status_code)
    return _done(request, rec.id, message, anchor=f"#suggestion-{suggestion.id}")


@page
@require_POST
def suggestion_accept(request, suggestion_id):
    return _step(request, suggestion_id, lambda s: services.suggestion_accept(actor=request.user, suggestion=s),
                 _("The suggestion was accepted: the recommendation has a new version."))


@page
@require_POST
def suggestion_decline(request, suggestion_id):
    suggestion = suggestion_get_for(request.user, suggestion_id)
    form = DeclineSuggestionForm(request.POST, auto_id=f"decline-{suggestion.id}-%s")
    if not form.is_valid():
        rec = recommendation_get_for(request.user, suggestion.recommendation_id)
        return render_recommendation_page(request, rec, decline_forms={suggestion.id: form}, status=INVALID)
    return _step(request, suggestion_id,
                 lambda s: services.suggestion_decline(actor=request.user, suggestion=s, note=form.cleaned_data["note"]),
                 _("The suggestion was declined. The person who made it is told."))


@page
@require_POST
def suggestion_withdraw(request, suggestion_id):
    return _step(request, suggestion_id, lambda s: services.suggestion_withdraw(actor=request.user, suggestion=s),
                 _("Your suggestion was withdrawn."))
