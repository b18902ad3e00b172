"""Multi-factor sign-in (issue 7, item 13): TOTP with recovery codes (django-otp), required by a
district for its staff and administrators and by an evaluator organisation for its evaluators,
optional for parents; a code step on the web, `otp` (or a clear error) on the token endpoint."""
import json
import logging
from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from tests.conftest import DEMO_PASSWORD
from tests.core.contract import assert_error

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"


def code_for(user, drift=0):
    device = TOTPDevice.objects.filter(user=user).order_by("-id").first()
    return f"{totp(device.bin_key, drift=drift):06d}"


def _password_step(client, email, next_url=None):
    data = {"username": email, "password": DEMO_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def _signed_in_as(client):
    return client.session.get("_auth_user_id")


def _require_for_district(demo):
    demo.maya.district.mfa_required = True
    demo.maya.district.save(update_fields=["mfa_required"])


def _enrolled(client, user):
    client.get("/accounts/mfa/set-up/")
    answer = client.post("/accounts/mfa/set-up/", {"code": code_for(user)})
    assert answer.status_code == 200 and b'id="recovery-codes"' in answer.content, answer.content[:300]
    return answer


def test_nobody_in_the_demo_must_use_mfa(demo):
    for persona in ("admin", "casemanager", "ot", "evaluator", "parent.maya"):
        client = Client()
        assert _password_step(client, f"{persona}@demo.example")["Location"] == "/"
        assert _signed_in_as(client)


def test_a_required_staff_member_without_a_device_is_led_to_enrol_and_not_yet_signed_in(demo):
    _require_for_district(demo)
    client = Client()
    answer = _password_step(client, "ot@demo.example")
    assert answer["Location"] == "/accounts/mfa/set-up/"
    assert not _signed_in_as(client)
    assert client.get("/accounts/profile/").status_code == 302
    assert client.get("/api/v1/me/").status_code in (401, 403)
    page = client.get("/accounts/mfa/set-up/").content.decode()
    assert "<svg" in page and 'id="totp-secret"' in page


def test_enrolling_signs_the_person_in_and_shows_ten_recovery_codes_once(demo):
    _require_for_district(demo)
    client = Client()
    _password_step(client, "ot@demo.example", next_url=f"/ieps/{demo.maya_iep.id}/")
    answer = _enrolled(client, demo.ot)
    assert _signed_in_as(client) == str(demo.ot.id)
    assert answer.content.decode().count("<li><code>") == 10
    assert f'href="/ieps/{demo.maya_iep.id}/"' in answer.content.decode()
    assert TOTPDevice.objects.filter(user=demo.ot, confirmed=True).count() == 1


def test_a_wrong_code_does_not_enrol(demo):
    _require_for_district(demo)
    client = Client()
    _password_step(client, "ot@demo.example")
    client.get("/accounts/mfa/set-up/")
    right = code_for(demo.ot)
    answer = client.post("/accounts/mfa/set-up/", {"code": "000000" if right != "000000" else "111111"})
    assert answer.status_code == 400 and not _signed_in_as(client)
    assert not TOTPDevice.objects.filter(user=demo.ot, confirmed=True).exists()


def test_after_enrolment_signing_in_asks_for_the_code(demo):
    _require_for_district(demo)
    first = Client()
    _password_step(first, "ot@demo.example")
    _enrolled(first, demo.ot)

    client = Client()
    answer = _password_step(client, "ot@demo.example", next_url=f"/ieps/{demo.maya_iep.id}/")
    assert answer["Location"] == "/accounts/login/code/" and not _signed_in_as(client)
    wrong = client.post("/accounts/login/code/", {"code": "12345x"})
    assert wrong.status_code == 400 and not _signed_in_as(client)
    # django-otp makes a person wait a moment after a miss; then the next step's code (the
    # enrolment used this step's, and a code is good once).
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):
        answer = client.post("/accounts/login/code/", {"code": code_for(demo.ot, drift=1)})
    assert answer.status_code == 302 and answer["Location"] == f"/ieps/{demo.maya_iep.id}/"
    assert _signed_in_as(client) == str(demo.ot.id)


def test_a_recovery_code_signs_in_once(demo):
    _require_for_district(demo)
    first = Client()
    _password_step(first, "ot@demo.example")
    _enrolled(first, demo.ot)
    recovery = StaticToken.objects.filter(device__user=demo.ot).first().token
    client = Client()
    _password_step(client, "ot@demo.example")
    assert client.post("/accounts/login/code/", {"code": recovery}).status_code == 302
    again = Client()
    _password_step(again, "ot@demo.example")
    assert again.post("/accounts/login/code/", {"code": recovery}).status_code == 400


def test_a_pending_sign_in_lapses(demo):
    _require_for_district(demo)
    client = Client()
    _password_step(client, "ot@demo.example")
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        assert client.get("/accounts/mfa/set-up/")["Location"] == LOGIN


def test_an_evaluator_organisations_setting_applies_to_its_evaluators(demo):
    org = demo.evaluator.evaluator_organization
    org.mfa_required = True
    org.save(update_fields=["mfa_required"])
    client = Client()
    assert _password_step(client, "evaluator@demo.example")["Location"] == "/accounts/mfa/set-up/"
    # The district's staff are not concerned by the organisation's setting.
    assert _password_step(Client(), "ot@demo.example")["Location"] == "/"


def test_a_districts_setting_does_not_apply_to_parents_who_sign_in_as_before(demo):
    _require_for_district(demo)
    client = Client()
    assert _password_step(client, "parent.maya@demo.example")["Location"] == "/"
    assert _signed_in_as(client) == str(demo.parent_maya.id)


def test_a_parent_may_turn_mfa_on_and_off(demo):
    client = Client()
    client.force_login(demo.parent_maya)
    _enrolled(client, demo.parent_maya)
    assert _password_step(Client(), "parent.maya@demo.example")["Location"] == "/accounts/login/code/"
    assert client.post("/accounts/mfa/turn-off/").status_code == 302
    assert not TOTPDevice.objects.filter(user=demo.parent_maya).exists()
    assert _password_step(Client(), "parent.maya@demo.example")["Location"] == "/"


def test_required_staff_may_not_turn_it_off(demo):
    _require_for_district(demo)
    client = Client()
    _password_step(client, "ot@demo.example")
    _enrolled(client, demo.ot)
    assert "Turn off multi-factor sign-in" not in client.get("/accounts/profile/").content.decode()
    answer = client.post("/accounts/mfa/turn-off/", follow=True)
    assert "cannot be turned off" in answer.content.decode()
    assert TOTPDevice.objects.filter(user=demo.ot, confirmed=True).exists()


# --- The token endpoint ---------------------------------------------------------------------

def _token(email, **extra):
    return APIClient().post(TOKEN, {"email": email, "password": DEMO_PASSWORD, **extra}, format="json")


def test_the_token_endpoint_refuses_required_staff_who_have_not_enrolled(demo):
    _require_for_district(demo)
    assert_error(_token("ot@demo.example"), 403, "mfa_enrolment_required")
    assert _token("parent.maya@demo.example").status_code == 200


def test_the_token_endpoint_asks_for_the_code_and_accepts_it_as_otp(demo):
    _require_for_district(demo)
    client = Client()
    _password_step(client, "ot@demo.example")
    _enrolled(client, demo.ot)
    error = assert_error(_token("ot@demo.example"), 400, "mfa_required")
    assert "otp" in error["fields"]
    assert_error(_token("ot@demo.example", otp="000000" if code_for(demo.ot, 1) != "000000" else "111111"),
                 400, "invalid_otp")
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):
        answer = _token("ot@demo.example", otp=code_for(demo.ot, drift=1))
    assert answer.status_code == 200 and set(answer.json()) == {"token"}


def test_a_wrong_password_is_answered_before_any_mfa_question(demo):
    _require_for_district(demo)
    answer = APIClient().post(TOKEN, {"email": "ot@demo.example", "password": "wrong"}, format="json")
    assert_error(answer, 400, "invalid_credentials")


def test_mfa_changes_are_security_events(demo, caplog):
    caplog.set_level(logging.INFO, logger="iepteam.security")
    client = Client()
    client.force_login(demo.parent_maya)
    _enrolled(client, demo.parent_maya)
    client.post("/accounts/mfa/recovery-codes/")
    client.post("/accounts/mfa/turn-off/")
    events = [json.loads(r.getMessage())["event"] for r in caplog.records if r.name == "iepteam.security"]
    assert [e for e in events if e.startswith("mfa.")] == [
        "mfa.recovery_codes_renewed", "mfa.enrolled", "mfa.recovery_codes_renewed", "mfa.removed"]
    text = " ".join(r.getMessage() for r in caplog.records if r.name == "iepteam.security")
    for token in StaticToken.objects.values_list("token", flat=True):
        assert token not in text


def test_the_django_admin_signs_in_through_the_products_sign_in(demo):
    answer = Client().get("/django-admin/login/?next=/django-admin/")
    assert answer.status_code == 302 and answer["Location"] == "/accounts/login/?next=/django-admin/"
    _require_for_district(demo)
    # The admin's own form is gone, so its password-only sign-in cannot skip the second step.
    skipped = Client().post("/django-admin/login/", {"username": "admin@demo.example", "password": DEMO_PASSWORD})
    assert skipped.status_code == 302 and skipped["Location"].startswith("/accounts/login/")
