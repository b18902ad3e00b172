"""Writes on teams: invitations and memberships."""
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.errors import ApplicationError, Conflict, Forbidden
from apps.core.live import end_sockets_of
from apps.notifications.tasks import send_email

from .models import Invitation, Membership, Role, Student
from .policy import may_invite_member, may_manage_invitations, removal_refusal


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_create(*, actor, student: Student, email: str, role: str, discipline: str = "") -> tuple[Invitation, str]:
    """Invites a person to the child's team. Answers the invitation and its one-time token."""
    if not may_invite_member(actor, student):
        raise Forbidden(_("Only the case manager or a district administrator may invite team members."))
    if role not in {Role.PARENT, Role.CASE_MANAGER, Role.CLINICIAN}:
        raise ApplicationError(_("Choose parent, case manager or clinician."), fields={"role": [_("Not a role one can invite.")]})
    if role == Role.CLINICIAN and not discipline:
        raise ApplicationError(_("A clinician needs a discipline."), fields={"discipline": [_("Required for clinicians.")]})
    email = email.strip().lower()
    if Membership.objects.filter(student=student, user__email=email).exists():
        raise Conflict(_("That person is already on this team."), code="already_member")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        student=student,
        email=email,
        role=role,
        discipline=discipline if role == Role.CLINICIAN else "",
        token_hash=_hash(token),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    _send_invitation(invitation, token, actor)
    return invitation, token


def _send_invitation(invitation: Invitation, token: str, actor) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse("students:invitation_accept", args=[token])
    send_email.delay_on_commit(
        _("You are invited to %(name)s's IEP team") % {"name": invitation.student.first_name},
        _("%(who)s invited you to join the IEP team. Open this link within %(days)s days: %(link)s")
        % {"who": actor.full_name, "days": settings.INVITATION_VALID_DAYS, "link": link},
        [invitation.email],
    )


def _pending_invitation(actor, invitation: Invitation) -> Invitation:
    """The invitation, locked, if the person may manage it and it is still waiting for an answer."""
    if not may_manage_invitations(actor, invitation.student):
        raise Forbidden(_("Only the case manager or a district administrator may manage invitations."))
    invitation = Invitation.objects.select_for_update().select_related("student").get(id=invitation.id)
    if invitation.accepted_at is not None:
        raise Conflict(_("This invitation was already accepted."), code="invitation_accepted")
    return invitation


@transaction.atomic
def invitation_resend(*, actor, invitation: Invitation) -> tuple[Invitation, str]:
    """Sends a fresh link (valid again for the full period); the link sent before stops working."""
    invitation = _pending_invitation(actor, invitation)
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _hash(token)
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.save(update_fields=["token_hash", "expires_at"])
    _send_invitation(invitation, token, actor)
    return invitation, token


@transaction.atomic
def invitation_cancel(*, actor, invitation: Invitation) -> None:
    """Withdraws an invitation nobody answered; its link stops working."""
    invitation = _pending_invitation(actor, invitation)
    invitation.delete()


def invitation_for_token(token: str) -> Invitation | None:
    return Invitation.objects.select_related("student").filter(token_hash=_hash(token)).first()


@transaction.atomic
def invitation_accept(*, token: str, user: User | None = None, full_name: str = "", password: str = "") -> Membership:
    """Joins the team. A signed-in person must be the one invited; otherwise an account is made."""
    invitation = Invitation.objects.select_for_update().filter(token_hash=_hash(token)).first()
    if invitation is None or not invitation.is_usable:
        raise ApplicationError(_("This invitation link is not valid any more. Ask for a new one."), code="invitation_invalid")
    if user is not None and user.is_authenticated:
        if user.email.lower() != invitation.email:
            raise Forbidden(_("This invitation was sent to another e-mail address."))
    else:
        user = User.objects.filter(email=invitation.email).first()
        if user is not None:
            raise ApplicationError(_("You already have an account: sign in first, then open the link again."), code="sign_in_first")
        if not full_name.strip() or len(password) < 8:
            raise ApplicationError(_("Give your name and a password of at least 8 characters."))
        user = User.objects.create_user(invitation.email, password, full_name=full_name.strip())
    membership, _created = Membership.objects.get_or_create(
        user=user, student=invitation.student, defaults={"role": invitation.role, "discipline": invitation.discipline}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def membership_grant(*, student: Student, user: User, role: str, discipline: str = "", expires_at=None) -> Membership:
    """Used by higher apps (an attested evaluation engagement) to put someone on the team."""
    membership, created = Membership.objects.get_or_create(
        user=user, student=student, defaults={"role": role, "discipline": discipline, "expires_at": expires_at}
    )
    if not created and membership.role == role:
        membership.expires_at = expires_at
        membership.save(update_fields=["expires_at"])
    elif not created:
        raise Conflict(_("That person already holds another role on this team."))
    return membership


@transaction.atomic
def membership_revoke(*, student: Student, user: User) -> None:
    """Takes a person off the team; their open sockets on this child's IEPs close."""
    Membership.objects.filter(student=student, user=user).delete()
    transaction.on_commit(lambda: end_sockets_of(user.id, reason="membership_revoked", student_id=student.id))


@transaction.atomic
def membership_remove(*, actor, student: Student, user: User) -> None:
    """The case manager or an administrator takes someone off the team (never themselves, never
    the last parent; an evaluator leaves when the engagement ends)."""
    if not may_manage_invitations(actor, student):
        raise Forbidden(_("Only the case manager or a district administrator may remove team members."))
    # Locks the team's rows, so two removals at once cannot both leave the child without a parent.
    team = list(Membership.objects.select_for_update().filter(student=student).order_by("id"))
    membership = next((m for m in team if m.user_id == user.id), None)
    if membership is None:
        raise ApplicationError(_("That person is not on this team."), code="not_member",
                               fields={"user": [_("Not on this team.")]})
    refusal = removal_refusal(actor, membership, team)
    if refusal:
        raise Conflict(refusal[1], code=refusal[0])
    membership_revoke(student=student, user=user)
