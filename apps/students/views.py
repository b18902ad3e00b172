from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from apps.core.errors import ApplicationError

from .services import invitation_accept as accept_invitation
from .services import invitation_for_token


class NewAccountForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Your full name"), max_length=200)
    password = forms.CharField(
        label=gettext_lazy("Choose a password"),
        min_length=8,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("At least 8 characters."),
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """Joining a child's team from the e-mailed link: sign in or make an account, then join."""
    invitation = invitation_for_token(token)
    form = NewAccountForm(request.POST or None)
    if request.method == "POST" and (request.user.is_authenticated or form.is_valid()):
        try:
            membership = accept_invitation(
                token=token,
                user=request.user,
                full_name=form.cleaned_data.get("full_name", "") if form.is_bound and not request.user.is_authenticated else "",
                password=form.cleaned_data.get("password", "") if form.is_bound and not request.user.is_authenticated else "",
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            if not request.user.is_authenticated:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("You joined %(name)s's team.") % {"name": membership.student.first_name})
            return redirect("ieps:student", student_id=membership.student_id)
    return render(
        request,
        "students/invitation_accept.html",
        {"invitation": invitation if invitation and invitation.is_usable else None, "form": form},
        status=200 if invitation and invitation.is_usable else 404,
    )
