"""The access record's filters (a GET form: reading, no write)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from apps.students.models import Role

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AccessFilterForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Person"), coerce=int, required=False, empty_value=None)
    role = forms.ChoiceField(label=_("Role"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DATE)
    until = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Everyone")), *[(p.id, p.full_name or p.email) for p in people]]
        self.fields["role"].choices = [("", _("Every role")), *[(r.value, r.label) for r in Role if r != Role.PARENT]]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("Must be on or after the first date."))
        return data
