"""Writes about a person's own sign-in: API tokens, sessions, profile. Each leaves a security-log
line (apps.core.security); none logs a token or a password."""
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError, NotFound
from apps.core.live import broadcast, user_group
from apps.core.security import security_event

from .models import ApiToken, User

TOKEN_NAME_DEFAULT = "API token"


def _close_sockets(user_id: int, *, tokens, sessions: bool) -> None:
    """After commit, the person's live sockets opened with these tokens ("all", or ids), and with
    sessions too when `sessions`, close (apps.ieps.consumers); the others stay."""
    message = {"type": "access.changed", "reason": "credentials_ended", "tokens": tokens, "sessions": sessions}
    transaction.on_commit(lambda: broadcast(user_group(user_id), message))


@transaction.atomic
def token_create(*, user: User, name: str = "", request=None) -> tuple[ApiToken, str]:
    """A new token for `user`: (the row, the token itself). The token is never stored nor shown
    again; only its digest is kept."""
    ApiToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    token, plain = ApiToken.objects.create(user=user, name=(name or TOKEN_NAME_DEFAULT)[:100])
    security_event("token.created", request=request, user=user, token=token.id)
    return token, plain


@transaction.atomic
def token_revoke(*, actor: User, token_id: int, request=None) -> None:
    """Revokes one of the actor's own tokens; anyone else's answers 404, like one that never was."""
    deleted, _ = ApiToken.objects.filter(user=actor, id=token_id).delete()
    if not deleted:
        raise NotFound()
    security_event("token.revoked", request=request, user=actor, token=token_id)
    _close_sockets(actor.id, tokens=[token_id], sessions=False)


def tokens_revoke_all(*, user: User, reason: str, request=None) -> int:
    count, _ = ApiToken.objects.filter(user=user).delete()
    security_event("token.revoked_all", request=request, user=user, reason=reason, count=count)
    return count


@transaction.atomic
def password_changed(*, user: User, request=None, how: str) -> None:
    """After a password change or reset: every API token stops working. Django already ends the
    other web sessions (the session hash follows the password); the view keeps its own."""
    tokens_revoke_all(user=user, reason=f"password_{how}", request=request)
    security_event(f"password.{how}", request=request, user=user)
    # Sockets of every session close, this browser's too: they were opened under the old
    # session key (Django gives the kept session a new one), and the page reconnects as it loads.
    _close_sockets(user.id, tokens="all", sessions=True)


@transaction.atomic
def sign_out_everywhere(*, actor: User, request=None) -> None:
    """Ends every web session and revokes every API token of the actor; open sockets close."""
    User.objects.filter(id=actor.id).update(session_generation=F("session_generation") + 1)
    actor.refresh_from_db(fields=["session_generation"])
    tokens_revoke_all(user=actor, reason="sign_out_everywhere", request=request)
    security_event("sign_out.everywhere", request=request, user=actor)
    _close_sockets(actor.id, tokens="all", sessions=True)


@transaction.atomic
def profile_update(*, actor: User, full_name: str, email: str, preferred_language: str, current_password: str = "",
                   request=None) -> User:
    wanted = {"full_name": full_name.strip(), "email": email.strip().lower(), "preferred_language": preferred_language}
    changed = [name for name, value in wanted.items() if getattr(actor, name) != value]
    # The address receives password-reset links: whoever holds an open session must not be able
    # to move the account to their own address without the password.
    if "email" in changed and not actor.check_password(current_password or ""):
        raise ApplicationError(_("To change the e-mail address, give your current password."), code="password_needed",
                               fields={"current_password": [_("To change the e-mail address, give your current password.")]})
    if "email" in changed and User.objects.filter(email=wanted["email"]).exclude(id=actor.id).exists():
        raise ApplicationError(_("Another account uses that e-mail address."), code="email_taken",
                               fields={"email": [_("Another account uses that e-mail address.")]})
    for name in changed:
        setattr(actor, name, wanted[name])
    if changed:
        actor.save(update_fields=changed)
        # Field names only: the values are the person's own data, not for the log.
        security_event("profile.changed", request=request, user=actor, fields=changed)
    return actor


def preferred_language_set(*, actor: User, language: str) -> None:
    if actor.preferred_language != language:
        actor.preferred_language = language
        actor.save(update_fields=["preferred_language"])
