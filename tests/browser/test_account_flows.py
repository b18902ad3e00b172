"""In a real browser: a staff member whose district requires it sets up an authenticator after
the password, signs out, and signs in again with a code; a parent of that district signs in as
before; a parent who forgot the password sets a new one from the e-mail."""
import re
from base64 import b32decode

import pytest
from django.core import mail
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(secret: str, drift=0) -> str:
    return f"{totp(b32decode(secret.replace(' ', '')), drift=drift):06d}"


def _password_step(page, email, password=DEMO_PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_required_staff_enrol_totp_sign_out_and_sign_in_with_the_code(transactional_demo, page):
    district = transactional_demo.maya.district
    district.mfa_required = True
    district.save(update_fields=["mfa_required"])

    _password_step(page, "ot@demo.example")
    page.wait_for_url("**/accounts/mfa/set-up/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up multi-factor sign-in")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_role("textbox", name="Code").fill(_code(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I saved them, continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")

    _password_step(page, "ot@demo.example")
    page.wait_for_url("**/accounts/login/code/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    # The enrolment used this time step's code, and a code is good once: the next step's.
    page.get_by_role("textbox", name="Code").fill(_code(secret, drift=1))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    expect(page.locator(".person__name")).to_contain_text("Priya Natarajan")


def test_a_parent_of_that_district_signs_in_as_before(transactional_demo, page):
    district = transactional_demo.maya.district
    district.mfa_required = True
    district.save(update_fields=["mfa_required"])
    _password_step(page, "parent.maya@demo.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("My children")


def test_a_parent_resets_a_forgotten_password_from_the_email(transactional_demo, page):
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    page.get_by_label("E-mail address").fill("parent.maya@demo.example")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")

    sent = [m for m in mail.outbox if m.to == ["parent.maya@demo.example"]]
    assert len(sent) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", sent[0].body).group(1)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label("New password", exact=True).fill("lantern-river-stone-42")
    page.get_by_label("New password confirmation").fill("lantern-river-stone-42")
    page.get_by_role("button", name="Set my new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new password is set")

    page.get_by_role("link", name="Sign in").last.click()
    _password_step(page, "parent.maya@demo.example", "lantern-river-stone-42")
    expect(page.get_by_role("heading", level=1)).to_have_text("My children")
