"""The consent page's forms: one consent-or-decline choice (and an optional note) per
recommendation, the typed signature, the paper-consent record and the staff signature. The same
limits as apps/ieps/consent_api.py; every rule beyond the input's shape is the service's."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ConsentDecision, Signature

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _Decisions(forms.Form):
    """A `decision_<id>` radio group and a `note_<id>` box for each recommendation to answer."""

    content_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, recommendations, **kwargs):
        super().__init__(*args, **kwargs)
        self.recommendations = list(recommendations)
        for rec in self.recommendations:
            self.fields[f"decision_{rec.id}"] = forms.ChoiceField(
                label=_("Your answer to “%(title)s”") % {"title": rec.title},
                choices=ConsentDecision.Decision.choices, widget=forms.RadioSelect,
                error_messages={"required": _("Choose consent or decline.")})
            self.fields[f"note_{rec.id}"] = forms.CharField(
                label=_("A note for the team"), required=False, max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("For example, what you would agree to instead."))

    def rows(self):
        """Each recommendation with its two fields, in order, for the template."""
        return [{"rec": r, "decision": self[f"decision_{r.id}"], "note": self[f"note_{r.id}"]}
                for r in self.recommendations]

    def decisions(self) -> list[dict]:
        data = self.cleaned_data
        return [{"recommendation": r.id, "decision": data[f"decision_{r.id}"], "note": data.get(f"note_{r.id}", "")}
                for r in self.recommendations]


class ConsentForm(_Decisions):
    full_name = forms.CharField(label=_("Your full name"), max_length=200,
                                help_text=_("Typing your name is your signature."))
    consent_to_electronic_signature = forms.BooleanField(
        label=_("I have read the disclosures above and I agree to sign electronically."),
        error_messages={"required": _("Agree to sign electronically, or ask the case manager for a paper copy.")})


class PaperConsentForm(_Decisions):
    parent = forms.TypedChoiceField(label=_("Parent who signed on paper"), coerce=int)
    signed_on = forms.DateField(label=_("Date on the paper form"), widget=DATE)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [(p.id, p.full_name) for p in parents]


class StaffSignatureForm(forms.Form):
    content_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)
    full_name = forms.CharField(label=_("Your full name"), max_length=200,
                                help_text=_("Typing your name is your signature."))
    capacity = forms.ChoiceField(label=_("You sign as"), choices=Signature.Capacity.choices, widget=forms.RadioSelect)
