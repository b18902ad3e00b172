"""Sign-in throttles and lockout (issue 7, item 4): the client address comes only from trusted
proxies; five wrong passwords in a row lock that account from that address, on the web (a clear
page) and on the API (429 in the contract's shape); the lock ends after its time, and an
administrator can lift it sooner."""
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils import timezone

from apps.core.addresses import client_address
from tests.conftest import DEMO_PASSWORD
from tests.core.contract import assert_error

TOKEN = "/api/v1/auth/token/"
LOGIN = "/accounts/login/"


def _web_sign_in(client, email, password, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def _api_sign_in(client, email, password, **extra):
    return client.post(TOKEN, {"email": email, "password": password}, content_type="application/json", **extra)


def _fail_five_times(client, sign_in, email="ot@demo.example", **extra):
    return [sign_in(client, email, f"wrong-{n}", **extra) for n in range(5)]


# --- The client's address -------------------------------------------------------------------

def test_x_forwarded_for_no_longer_resets_the_token_endpoints_address_throttle(demo):
    client = Client()
    answers = [
        _api_sign_in(client, f"nobody{n}@demo.example", "guess", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        for n in range(40)
    ]
    statuses = [a.status_code for a in answers]
    assert 429 in statuses, statuses
    assert_error(answers[-1], 429, "throttled")


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_address(request) == "198.51.100.7"


def test_with_one_trusted_proxy_the_entry_it_added_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote "1.2.3.4" itself; our proxy appended the address it really saw.
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_address(request) == "203.0.113.9"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request) == "1.2.3.4"


def test_the_web_sign_in_page_is_throttled_by_address_too(demo):
    client = Client()
    statuses = [_web_sign_in(client, f"nobody{n}@demo.example", "guess",
                             HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(40)]
    assert 429 in statuses, statuses


# --- Web lockout ----------------------------------------------------------------------------

def test_four_wrong_passwords_do_not_lock_the_web_sign_in(demo):
    client = Client()
    for n in range(4):
        answer = _web_sign_in(client, "ot@demo.example", f"wrong-{n}")
        assert answer.status_code == 200 and b"signin-error" in answer.content
    assert _web_sign_in(client, "ot@demo.example", DEMO_PASSWORD).status_code == 302


def test_the_web_sign_in_locks_after_five_wrong_passwords_with_a_clear_page(demo):
    client = Client()
    answers = _fail_five_times(client, _web_sign_in)
    assert [a.status_code for a in answers[:4]] == [200] * 4
    locked = answers[4]
    assert locked.status_code == 429
    assert b'id="locked-out"' in locked.content
    assert "Too many wrong passwords in a row".encode() in locked.content
    assert int(locked["Retry-After"]) > 0
    # Even the right password is refused now, from this address, for this account.
    still = _web_sign_in(client, "ot@demo.example", DEMO_PASSWORD)
    assert still.status_code == 429 and "_auth_user_id" not in client.session


def test_the_lock_is_for_that_account_and_address_only(demo):
    _fail_five_times(Client(), _web_sign_in)
    assert _web_sign_in(Client(), "slp@demo.example", DEMO_PASSWORD).status_code == 302
    assert _web_sign_in(Client(), "ot@demo.example", DEMO_PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == 302


def test_a_correct_password_starts_the_count_again(demo):
    client = Client()
    for n in range(4):
        _web_sign_in(client, "ot@demo.example", f"wrong-{n}")
    assert _web_sign_in(client, "ot@demo.example", DEMO_PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for n in range(4):
        assert _web_sign_in(client, "ot@demo.example", f"again-{n}").status_code == 200
    assert _web_sign_in(client, "ot@demo.example", DEMO_PASSWORD).status_code == 302


def test_after_the_lockout_period_the_right_password_signs_in(demo, settings):
    client = Client()
    _fail_five_times(client, _web_sign_in)
    assert _web_sign_in(client, "ot@demo.example", DEMO_PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(seconds=5), tick=False):
        assert _web_sign_in(client, "ot@demo.example", DEMO_PASSWORD).status_code == 302
        assert "_auth_user_id" in client.session


def test_before_the_lockout_period_ends_it_still_holds(demo, settings):
    client = Client()
    _fail_five_times(client, _web_sign_in)
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME - timedelta(minutes=1), tick=False):
        assert _web_sign_in(client, "ot@demo.example", DEMO_PASSWORD).status_code == 429


def test_an_administrator_can_unlock_the_account(demo):
    client = Client()
    _fail_five_times(client, _web_sign_in)
    call_command("axes_reset_username", "ot@demo.example")
    assert _web_sign_in(client, "ot@demo.example", DEMO_PASSWORD).status_code == 302


def test_the_lockout_cannot_be_set_below_five_failures(settings):
    assert settings.AXES_FAILURE_LIMIT >= 5


# --- API lockout ----------------------------------------------------------------------------

def test_the_api_locks_after_five_wrong_passwords_with_429_in_the_contract_shape(demo):
    client = Client()
    answers = _fail_five_times(client, _api_sign_in)
    for answer in answers[:4]:
        assert_error(answer, 400, "invalid_credentials")
    assert_error(answers[4], 429, "locked_out")
    refused = _api_sign_in(client, "ot@demo.example", DEMO_PASSWORD)
    assert_error(refused, 429, "locked_out")
    assert int(refused["Retry-After"]) > 0
    assert "token" not in refused.json()


def test_web_and_api_failures_count_together(demo):
    client = Client()
    for n in range(3):
        _web_sign_in(client, "ot@demo.example", f"wrong-{n}")
    for n in range(2):
        last = _api_sign_in(client, "ot@demo.example", f"wrong-{n}")
    assert_error(last, 429, "locked_out")
    assert _web_sign_in(client, "ot@demo.example", DEMO_PASSWORD).status_code == 429


def test_after_the_lockout_period_the_api_gives_a_token_again(demo, settings):
    client = Client()
    _fail_five_times(client, _api_sign_in)
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(seconds=5), tick=False):
        answer = _api_sign_in(client, "ot@demo.example", DEMO_PASSWORD)
        assert answer.status_code == 200 and set(answer.json()) == {"token"}


@pytest.mark.parametrize("email", ["OT@demo.example", " ot@demo.example"])
def test_changing_the_case_of_the_address_does_not_escape_the_lock(demo, email):
    client = Client()
    _fail_five_times(client, _web_sign_in)
    assert _web_sign_in(client, email, DEMO_PASSWORD).status_code == 429
