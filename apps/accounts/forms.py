"""The account pages' forms."""
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )

    def clean_username(self):
        return self.cleaned_data["username"].lower()


class ResetRequestForm(PasswordResetForm):
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             help_text=_("You sign in with it, and notifications go to it."))
    preferred_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES,
                                           help_text=_("Pages and e-mails are in this language."))
    current_password = forms.CharField(
        label=_("Current password"), required=False, strip=False,
        help_text=_("Needed only to change the e-mail address."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
