"""The second sign-in step and setting up an authenticator app (apps.accounts.mfa)."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST, require_http_methods

from apps.core.forms import FormRefusal
from apps.core.security import security_event

from . import mfa
from .policy import mfa_required_for
from .throttles import page_allows
from .views import _too_many, with_language_of


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"), max_length=32,
        help_text=gettext_lazy("The 6-digit code your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}))


@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step after the password: a code from the app (or a recovery code)."""
    user = mfa.pending_user(request)
    if user is None:
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        allowed, wait = page_allows(request, "sign_in")
        if not allowed:
            return _too_many(request, "accounts/mfa_verify.html", {"form": form}, wait)
        if form.is_valid() and mfa.code_matches(user, form.cleaned_data["code"]):
            security_event("mfa.verified", request=request, user=user)
            return with_language_of(user, redirect(mfa.pending_finish(request, user)))
        security_event("mfa.failed", request=request, user=user)
        form.add_error("code", _("That code is not right, or it was used already. Try the newest code."))
    return render(request, "accounts/mfa_verify.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def enrol(request):
    """Setting up an authenticator: during a pending sign-in (required and not yet set up) or
    from the profile page."""
    pending = None if request.user.is_authenticated else mfa.pending_user(request)
    user = request.user if request.user.is_authenticated else pending
    if user is None:
        return redirect("accounts:login")
    device = mfa.enrolment_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.mfa_enrol(user=user, code=form.cleaned_data["code"], request=request)
        if codes is not None:
            next_url = mfa.pending_finish(request, user) if pending is not None else None
            answer = render(request, "accounts/mfa_recovery_codes.html", {"codes": codes, "next": next_url})
            return with_language_of(user, answer) if pending is not None else answer
        form.add_error("code", _("That code is not right. Check the time on your phone and try the newest code."))
    return render(request, "accounts/mfa_enrol.html", {
        "form": form, "qr_svg": mfa.qr_svg(device), "secret": _spaced_base32(device),
        "required": mfa_required_for(user), "pending": pending is not None,
    }, status=400 if form.errors else 200)


def _spaced_base32(device):
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@login_required
@require_POST
def recovery_codes(request):
    if not mfa.has_mfa(request.user):
        return redirect("accounts:profile")
    codes = mfa.recovery_codes_renew(user=request.user, request=request)
    return render(request, "accounts/mfa_recovery_codes.html", {"codes": codes, "next": None})


@login_required
@require_POST
def remove(request):
    with FormRefusal() as refusal:
        mfa.mfa_remove(actor=request.user, request=request)
    if refusal.error is not None:
        messages.error(request, refusal.error.message)
    else:
        messages.success(request, _("Multi-factor sign-in is off."))
    return redirect("accounts:profile")
