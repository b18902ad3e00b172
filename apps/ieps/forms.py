"""The IEP pages' forms: the same input limits as the API's serializers (apps/ieps/api.py); every
rule beyond the shape of the input is the service's, shown next to the field it names."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .api import TEXT_LIMIT
from .models import Position, Recommendation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IEPDatesForm(forms.Form):
    meeting_at = forms.DateField(label=_("Meeting date"), widget=DATE,
                                 help_text=_("The annual review falls due a year after it."))
    last_evaluated_on = forms.DateField(
        label=_("Last evaluation"), required=False, widget=DATE,
        help_text=_("The reevaluation falls due three years after it. Leave it empty to keep the last IEP’s."))


class RecommendationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Recommendation.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200,
                            help_text=_("One line the family will recognise, for example “Occupational therapy, 30 "
                                        "minutes a week”."))
    area = forms.CharField(label=_("Area"), max_length=100, required=False,
                           help_text=_("For example: fine motor, reading, communication."))
    description = forms.CharField(label=_("What is proposed"), max_length=TEXT_LIMIT, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    rationale = forms.CharField(label=_("Rationale: why you recommend it"), max_length=TEXT_LIMIT,
                                widget=forms.Textarea(attrs={"rows": 4}),
                                help_text=_("What you observed or measured, and what it should change for the child."))
    minutes_per_week = forms.IntegerField(label=_("Minutes a week"), required=False, min_value=0, max_value=3000,
                                          help_text=_("Services only."))
    setting = forms.CharField(label=_("Setting"), max_length=200, required=False,
                              help_text=_("Services only: for example, in class or pull-out."))


class RevisionForm(RecommendationForm):
    change_note = forms.CharField(label=_("What changed, and why"), max_length=500, required=False,
                                  help_text=_("The team reads this note in the version history."))

    @classmethod
    def for_recommendation(cls, rec, data=None, **kwargs):
        initial = {f: getattr(rec, f) for f in ("kind", "title", "area", "description", "rationale",
                                                "minutes_per_week", "setting")}
        return cls(data, initial=initial, **kwargs)


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("The team’s decision"), widget=forms.RadioSelect,
        choices=[(Recommendation.Status.ACCEPTED, _("Accepted by the team")),
                 (Recommendation.Status.DECLINED, _("Declined by the team")),
                 (Recommendation.Status.PROPOSED, _("Still proposed"))])
    change_note = forms.CharField(label=_("Note for the record"), max_length=500, required=False)


class PositionForm(forms.Form):
    stance = forms.ChoiceField(label=_("Do you agree with it?"), choices=Position.Stance.choices, widget=forms.RadioSelect)
    basis = forms.CharField(label=_("Why: what your position rests on"), max_length=TEXT_LIMIT, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    observed_in = forms.ChoiceField(label=_("Where you observed it"), required=False,
                                    choices=[("", _("Choose…")), *Position.Observed.choices])
    examples = forms.CharField(label=_("Examples"), max_length=TEXT_LIMIT, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Moments you saw, in a few words each."))

    @classmethod
    def for_member(cls, position, data=None, **kwargs):
        initial = {f: getattr(position, f) for f in ("stance", "basis", "observed_in", "examples")} if position else {}
        return cls(data, initial=initial, **kwargs)


class CompareForm(forms.Form):
    """Two versions to compare on the version history (a GET form: no write)."""
    a = forms.TypedChoiceField(label=_("From version"), coerce=int)
    b = forms.TypedChoiceField(label=_("To version"), coerce=int)

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(v.version, _("Version %(n)s") % {"n": v.version}) for v in versions]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices


class SuggestionForm(forms.Form):
    """A suggested change: the current values to edit, and why. Only what differs from the
    recommendation as it is becomes the suggestion's changes."""
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("What is proposed"), max_length=TEXT_LIMIT, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    rationale = forms.CharField(label=_("Rationale"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 4}))
    minutes_per_week = forms.IntegerField(label=_("Minutes a week"), required=False, min_value=0, max_value=3000)
    setting = forms.CharField(label=_("Setting"), max_length=200, required=False)
    reason = forms.CharField(label=_("Why you suggest this"), max_length=TEXT_LIMIT,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("What you have seen, at home or elsewhere, that the change answers."))
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    SERVICE_ONLY = ("minutes_per_week", "setting")

    def __init__(self, *args, recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        self.recommendation = recommendation
        if recommendation.kind != Recommendation.Kind.SERVICE:
            for name in self.SERVICE_ONLY:
                del self.fields[name]

    @classmethod
    def for_recommendation(cls, rec, data=None, **kwargs):
        initial = {f: getattr(rec, f) for f in ("title", "description", "rationale", "minutes_per_week", "setting")}
        initial["base_version"] = rec.version
        return cls(data, initial=initial, recommendation=rec, **kwargs)

    def changes(self) -> dict:
        rec, data = self.recommendation, self.cleaned_data
        editable = [f for f in ("title", "description", "rationale", "minutes_per_week", "setting") if f in self.fields]
        return {f: data[f] for f in editable if data[f] != getattr(rec, f)}


class DeclineSuggestionForm(forms.Form):
    note = forms.CharField(label=_("Why you decline it"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("The person who suggested it and the team read this."))
