"""The evaluation pages' forms: the same limits as the services, said next to the field."""
import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import ApplicationError
from apps.discussions.services import BODY_MAX
from apps.ieps.models import Recommendation

from . import services
from .models import Finding

TEXT_MAX = services.TEXT_MAX


class RequestForm(forms.Form):
    recommendations = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Which recommendations do you disagree with?"),
        help_text=gettext_lazy("Tick each one you want the independent evaluator to look at."))
    areas = forms.CharField(
        required=False, max_length=2000, label=gettext_lazy("Areas to look at"),
        help_text=gettext_lazy("Separate them with commas, for example: handwriting, fine motor. Leave it empty "
                               "and the evaluator looks at what the recommendations cover."))
    reason = forms.CharField(
        required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}),
        label=gettext_lazy("Anything you want the district to know"),
        help_text=gettext_lazy("You do not have to give a reason. If you like, say what you see at home that "
                               "the school’s evaluation missed."))

    def __init__(self, *args, recommendations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendations"].choices = [(r.id, r.title) for r in recommendations]

    def clean_areas(self):
        areas = [a.strip() for a in re.split(r"[,;\n]", self.cleaned_data["areas"]) if a.strip()]
        if len(areas) > 20 or any(len(a) > 100 for a in areas):
            raise forms.ValidationError(_("At most 20 areas of at most 100 characters each."))
        return areas


class ApproveForm(forms.Form):
    cost_cap = forms.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, label=gettext_lazy("Cost cap (US dollars)"),
        help_text=gettext_lazy("The most the district pays for this evaluation."),
        error_messages={"required": gettext_lazy("Give the most the district pays.")})
    report_due = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 label=gettext_lazy("Report due"))
    purchase_reference = forms.CharField(required=False, max_length=100,
                                         label=gettext_lazy("Purchase order reference"))
    note = forms.CharField(required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                           label=gettext_lazy("Note to the family"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report_due"].help_text = _("Leave empty for %(n)s days from today.") % {
            "n": settings.EVALUATION_REPORT_DAYS}


class DenyForm(forms.Form):
    note = forms.CharField(
        max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Why the district denies it"),
        help_text=gettext_lazy("The family reads this. Explain in plain words why the district’s own "
                               "evaluation is appropriate."),
        error_messages={"required": gettext_lazy("Explain the denial to the family.")})
    due_process_reference = forms.CharField(
        max_length=200, label=gettext_lazy("Due-process filing reference"),
        help_text=gettext_lazy("Denying means the district files for a due-process hearing without delay."),
        error_messages={"required": gettext_lazy("A denial means the district files for due process: give the "
                                                 "filing’s reference.")})


class AssignForm(forms.Form):
    evaluator = forms.TypedChoiceField(coerce=int, label=gettext_lazy("Independent evaluator"),
                                       help_text=gettext_lazy("Only evaluators who do not work for the district "
                                                              "and are not on the child’s team are listed."),
                                       error_messages={"required": gettext_lazy("Choose an evaluator.")})

    def __init__(self, *args, evaluators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].choices = [("", _("Choose an evaluator"))] + [
            (u.id, f"{u.full_name} · {u.evaluator_organization.name}") for u in evaluators]


class AttestationForm(forms.Form):
    independent_of_district = forms.BooleanField(error_messages={
        "required": gettext_lazy("Tick this if it is true. If it is not, you cannot take this evaluation: "
                                 "tell the district.")})
    independent_of_family = forms.BooleanField(
        label=gettext_lazy("I am not related to the child’s family and have no personal tie to it."),
        error_messages={"required": gettext_lazy("Tick this if it is true. If it is not, you cannot take this "
                                                 "evaluation: tell the district.")})
    statement = forms.CharField(
        max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}), label=gettext_lazy("Your statement"),
        help_text=gettext_lazy("In your own words: how you are independent of the district and of the family."),
        error_messages={"required": gettext_lazy("State your independence in your own words.")})

    def __init__(self, *args, district=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["independent_of_district"].label = _(
            "I am not employed by %(district)s and do no paid work for it.") % {"district": district}


class QuestionForm(forms.Form):
    body = forms.CharField(max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                           label=gettext_lazy("Your question or answer"),
                           error_messages={"required": gettext_lazy("Write your question first.")})


class NeededToSubmit(forms.CharField):
    """Needed to submit, not to save a draft: labelled without "(optional)", left empty in a
    draft; the submit service is what insists."""

    def validate(self, value):
        pass


class FindingsForm(forms.Form):
    """The summary and, per disputed recommendation, an opinion, minutes (services only) and a
    rationale. A draft may leave recommendations open; submitting needs them all."""

    use_required_attribute = False
    summary = NeededToSubmit(
        max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6}),
        label=gettext_lazy("Summary for the team"),
        help_text=gettext_lazy("What you found, in words the family can follow. Needed to submit."))

    def __init__(self, *args, disputed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows, self.sent = [], []
        for item in disputed:
            rec, name = item.recommendation, f"rec{item.recommendation_id}"
            self.fields[f"{name}_opinion"] = forms.ChoiceField(
                choices=Finding.Opinion.choices, required=False, widget=forms.RadioSelect,
                label=_("Your opinion on this recommendation"))
            if rec.kind == Recommendation.Kind.SERVICE:
                self.fields[f"{name}_minutes"] = forms.IntegerField(
                    required=False, min_value=0, max_value=3000, label=_("Minutes a week you recommend"),
                    help_text=_("Leave empty to keep the recommended minutes."))
            self.fields[f"{name}_rationale"] = NeededToSubmit(
                max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}),
                label=_("Your rationale"), help_text=_("Why, with what you observed or measured."))
            self.rows.append({"item": item, "rec": rec, "name": name})

    def row_fields(self):
        """For the template: each disputed recommendation with its bound fields."""
        return [dict(row, opinion=self[f"{row['name']}_opinion"], rationale=self[f"{row['name']}_rationale"],
                     minutes=self[f"{row['name']}_minutes"] if f"{row['name']}_minutes" in self.fields else None)
                for row in self.rows]

    def clean(self):
        data = super().clean()
        for row in self.rows:
            name = row["name"]
            if not data.get(f"{name}_opinion") and (data.get(f"{name}_rationale") or data.get(f"{name}_minutes")
                                                     is not None):
                self.add_error(f"{name}_opinion", _("Choose agree, disagree or modify."))
        return data

    def findings(self) -> list[dict]:
        self.sent = []
        out = []
        for row in self.rows:
            name = row["name"]
            if self.cleaned_data.get(f"{name}_opinion"):
                self.sent.append(name)
                out.append({"recommendation": row["rec"].id, "opinion": self.cleaned_data[f"{name}_opinion"],
                            "minutes_per_week": self.cleaned_data.get(f"{name}_minutes"),
                            "rationale": self.cleaned_data.get(f"{name}_rationale", "")})
        return out

    def add_service_error(self, error: ApplicationError):
        """The service names fields as `summary`, `findings` or `findings.<i>.<field>`."""
        placed = False
        for key, problems in error.fields.items():
            parts = key.split(".")
            field = None
            if key == "summary":
                field = "summary"
            elif len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(self.sent):
                suffix = {"minutes_per_week": "minutes", "recommendation": "opinion"}.get(parts[2], parts[2])
                field = f"{self.sent[int(parts[1])]}_{suffix}"
            elif key == "findings":
                for row in self.rows:
                    if row["name"] not in self.sent:
                        self.add_error(f"{row['name']}_opinion", _("Give your opinion on this one before submitting."))
                placed = True
            if field in self.fields:
                for problem in problems:
                    self.add_error(field, problem)
                placed = True
        if not placed or "file" in error.fields or "findings" in error.fields:
            self.add_error(None, error.message)


def initial_findings(version) -> dict:
    if version is None:
        return {}
    initial = {"summary": version.summary}
    for f in version.findings.all():
        initial.update({f"rec{f.recommendation_id}_opinion": f.opinion, f"rec{f.recommendation_id}_rationale":
                        f.rationale, f"rec{f.recommendation_id}_minutes": f.minutes_per_week})
    return initial
