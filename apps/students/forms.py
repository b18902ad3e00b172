"""The team page's invitation form: the API's input limits (InviteIn); the rules are the service's."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Discipline, Role


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             help_text=_("The invitation link is sent there; it works once, for a limited time."))
    role = forms.ChoiceField(label=_("Role on the team"),
                             choices=[(r.value, r.label) for r in (Role.CLINICIAN, Role.PARENT, Role.CASE_MANAGER)])
    discipline = forms.ChoiceField(label=_("Discipline"), required=False,
                                   choices=[("", _("Choose… (clinicians and teachers)")), *Discipline.choices])
