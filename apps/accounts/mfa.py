"""Multi-factor sign-in with django-otp: an authenticator app (TOTP) and ten single-use recovery
codes. The password step does not sign anyone in when a second step is due: it leaves a pending
sign-in in the session, and only the code (or, for one who must enrol, enrolment) completes it."""
import time
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib.auth import get_user_model, login
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core.errors import Conflict
from apps.core.security import security_event

from .policy import may_turn_mfa_off, mfa_required_for

PENDING_KEY = "accounts_mfa_pending"
PENDING_SECONDS = 600
RECOVERY_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def has_mfa(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_step_due(user) -> bool:
    """A person with an authenticator must use it; one who must have one must enrol first."""
    return has_mfa(user) or mfa_required_for(user)


def code_matches(user, code: str) -> bool:
    """The app's current code or an unused recovery code (django-otp throttles repeated misses)."""
    code = (code or "").replace(" ", "").strip()
    return bool(code) and match_token(user, code) is not None


# --- The pending sign-in ------------------------------------------------------------------

def pending_start(request, user, next_url: str) -> None:
    request.session[PENDING_KEY] = {"user": user.pk, "backend": user.backend, "next": next_url,
                                    "at": time.time()}


def pending_user(request):
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    return get_user_model().objects.filter(pk=pending["user"], is_active=True).first()


def pending_finish(request, user) -> str:
    """Signs the person in (a new session key) and answers where they were going."""
    pending = request.session.pop(PENDING_KEY)
    login(request, user, backend=pending["backend"])
    return pending["next"]


# --- Devices ------------------------------------------------------------------------------

def enrolment_device(user) -> TOTPDevice:
    """The not-yet-confirmed authenticator being set up: the same one on every reload, so the
    QR code a person scanned keeps working until they confirm it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = BytesIO()
    image.save(out)
    return out.getvalue().decode()


@transaction.atomic
def mfa_enrol(*, user, code: str, request=None) -> list[str] | None:
    """Confirms the authenticator with its first code; answers the new recovery codes (shown once)
    or None when the code is not right."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("id").first()
    if device is None or not device.verify_token((code or "").replace(" ", "").strip()):
        security_event("mfa.enrol_failed", request=request, user=user)
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(id=device.id).delete()
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = recovery_codes_renew(user=user, request=request)
    security_event("mfa.enrolled", request=request, user=user, device="totp")
    return codes


@transaction.atomic
def recovery_codes_renew(*, user, request=None) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    security_event("mfa.recovery_codes_renewed", request=request, user=user)
    return codes


@transaction.atomic
def mfa_remove(*, actor, request=None) -> None:
    if not may_turn_mfa_off(actor):
        raise Conflict(_("Your district or organisation requires multi-factor sign-in: it cannot be turned off."),
                       code="mfa_required_by_policy")
    for device in devices_for_user(actor, confirmed=None):
        device.delete()
    security_event("mfa.removed", request=request, user=actor)
