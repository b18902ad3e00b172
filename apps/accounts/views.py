"""Signing in and out, the lockout page, passwords (change, reset by e-mail) and the profile page.
Django's own auth views do the work; these add the product's templates, throttles and the
security log. There is no sign-up: accounts come from invitations and the operator."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_http_methods
from django.views.i18n import set_language

from apps.core.forms import FormRefusal, GetAndPostOnly, apply_service_error

from . import mfa, services
from .forms import ProfileForm, ResetRequestForm, SignInForm
from .policy import may_turn_mfa_off
from .selectors import tokens_of
from .throttles import page_allows


def _too_many(request, template, context, wait):
    messages.error(request, _("Too many attempts from your network. Wait %(seconds)s seconds and try again.")
                   % {"seconds": wait})
    answer = render(request, template, context, status=429)
    answer["Retry-After"] = str(wait)
    return answer


def with_language_of(user, response):
    """Sign-in applies the person's saved language (LocaleMiddleware reads this cookie)."""
    if user.preferred_language in dict(settings.LANGUAGES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.preferred_language,
                            max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
                            samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        translation.activate(user.preferred_language)
    return response


class SignInView(GetAndPostOnly, auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        allowed, wait = page_allows(request, "sign_in")
        if not allowed:
            return _too_many(request, self.template_name, self.get_context_data(form=self.get_form()), wait)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        if mfa.second_step_due(user):
            # Not signed in yet: the password was right, the second step decides.
            mfa.pending_start(self.request, user, self.get_success_url())
            return redirect("accounts:mfa_verify" if mfa.has_mfa(user) else "accounts:mfa_enrol")
        return with_language_of(user, super().form_valid(form))


class PasswordResetView(GetAndPostOnly, auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        allowed, wait = page_allows(request, "password_reset")
        if not allowed:
            return _too_many(request, self.template_name, self.get_context_data(form=self.get_form()), wait)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # No address in the log: who asked is the client address; whether the account exists is not said.
        from apps.core.security import security_event

        security_event("password.reset_requested", request=self.request)
        return super().form_valid(form)


class PasswordResetConfirmView(GetAndPostOnly, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        answer = super().form_valid(form)
        services.password_changed(user=form.user, request=self.request, how="reset")
        return answer


class PasswordChangeView(GetAndPostOnly, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        # Django's view keeps this session (update_session_auth_hash); the others end with the old hash.
        answer = super().form_valid(form)
        services.password_changed(user=form.user, request=self.request, how="changed")
        messages.success(self.request, _("Your password is changed. Your API tokens no longer work."))
        return answer


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, initial={
        "full_name": request.user.full_name, "email": request.user.email,
        "preferred_language": request.user.preferred_language})
    if request.method == "POST" and form.is_valid():
        with FormRefusal() as refusal:
            user = services.profile_update(actor=request.user, request=request, **form.cleaned_data)
        if refusal.error is None:
            messages.success(request, _("Your profile is saved."))
            return with_language_of(user, redirect("accounts:profile"))
        apply_service_error(form, refusal.error)
    return render(request, "accounts/profile.html", {
        "form": form, "tokens": tokens_of(request.user),
        "has_mfa": mfa.has_mfa(request.user), "may_turn_mfa_off": may_turn_mfa_off(request.user),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def token_revoke(request, token_id):
    services.token_revoke(actor=request.user, token_id=token_id, request=request)
    messages.success(request, _("The token is revoked."))
    return redirect("accounts:profile")


@login_required
@require_POST
def sign_out_everywhere(request):
    services.sign_out_everywhere(actor=request.user, request=request)
    logout(request)
    messages.success(request, _("You are signed out on every device, and your API tokens are revoked."))
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
def language(request):
    """The footer's language form: Django's set_language, and the choice is kept on the person."""
    answer = set_language(request)
    chosen = request.POST.get(settings.LANGUAGE_COOKIE_NAME) or request.POST.get("language")
    if request.method == "POST" and request.user.is_authenticated and chosen in dict(settings.LANGUAGES):
        services.preferred_language_set(actor=request.user, language=chosen)
    return answer
