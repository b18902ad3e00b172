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
from .policy import may_invite_member


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
    link = settings.SITE_URL.rstrip("/") + reverse("students:invitation_accept", args=[token])
    send_email.delay_on_commit(
        _("You are invited to %(name)s's IEP team") % {"name": student.first_name},
        _("%(who)s invited you to join the IEP team. Open this link within %(days)s days: %(link)s")
        % {"who": actor.full_name, "days": settings.INVITATION_VALID_DAYS, "link": link},
        [email],
    )
    return invitation, token


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
