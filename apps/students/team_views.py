"""The team page: who is on the child's team, pending invitations (resend, cancel), inviting and
removing members. Each write is one service (the same the API calls); who sees which button is
asked of policy.py, the predicates the services check."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.core.errors import Forbidden
from apps.core.forms import FormRefusal, apply_service_error, form_done

from . import services
from .forms import InviteForm
from .models import Role
from .policy import may_manage_invitations, may_remove_member
from .selectors import invitation_get_for, invitations_pending_for, member_get_for, student_get_for, team_for


def _managed_student(request, student_id):
    """404 for a child the person may not see; 403 for a team member who does not manage the team."""
    student = student_get_for(request.user, student_id)
    if not may_manage_invitations(request.user, student):
        raise Forbidden(_("Only the case manager or a district administrator may manage the team."))
    return student


def _render(request, student, *, invite_form=None, notice="", status=200):
    team = list(team_for(student))
    return render(request, "students/team.html", {
        "student": student,
        "members": [{"m": m, "removable": may_remove_member(request.user, m, team)} for m in team],
        "invitations": invitations_pending_for(request.user, student),
        "invite_form": invite_form or InviteForm(auto_id="invite-%s"),
        "role_labels": dict(Role.choices),
        "notice": notice,
    }, status=status)


@login_required
@require_GET
def team_page(request, student_id):
    return _render(request, _managed_student(request, student_id))


@login_required
@require_POST
def invite(request, student_id):
    student = _managed_student(request, student_id)
    form = InviteForm(request.POST, auto_id="invite-%s")
    if form.is_valid():
        with FormRefusal() as refusal:
            invitation, _token = services.invitation_create(actor=request.user, student=student, **form.cleaned_data)
        if refusal.error is None:
            return form_done(request, reverse("students:team", args=[student.id]),
                             _("An invitation was sent to %(email)s.") % {"email": invitation.email})
        apply_service_error(form, refusal.error)
    return _render(request, student, invite_form=form, status=422)


def _invitation_action(request, student_id, invitation_id, service, done):
    student = _managed_student(request, student_id)
    invitation = invitation_get_for(request.user, invitation_id)
    if invitation.student_id != student.id:
        raise Forbidden(_("That invitation is for another child's team."))
    with FormRefusal() as refusal:
        service(actor=request.user, invitation=invitation)
    if refusal.error is not None:
        return _render(request, student, notice=refusal.error.message, status=refusal.error.status_code)
    messages.success(request, done % {"email": invitation.email})
    return redirect("students:team", student.id)


@login_required
@require_POST
def invitation_resend(request, student_id, invitation_id):
    return _invitation_action(request, student_id, invitation_id, services.invitation_resend,
                              _("A new invitation link was sent to %(email)s; the earlier one no longer works."))


@login_required
@require_POST
def invitation_cancel(request, student_id, invitation_id):
    return _invitation_action(request, student_id, invitation_id, services.invitation_cancel,
                              _("The invitation to %(email)s was cancelled."))


@login_required
@require_POST
def member_remove(request, student_id, user_id):
    student = _managed_student(request, student_id)
    membership = member_get_for(request.user, student, user_id)
    with FormRefusal() as refusal:
        services.membership_remove(actor=request.user, student=student, user=membership.user)
    if refusal.error is not None:
        return _render(request, student, notice=refusal.error.message, status=refusal.error.status_code)
    messages.success(request, _("%(name)s is no longer on the team.") % {"name": membership.user.full_name})
    return redirect("students:team", student.id)
