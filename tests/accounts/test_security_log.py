"""Security events (issue 7, item 15): one JSON line each on `iepteam.security`, with who, where
and what happened, and never a password, a token, an e-mail address or anything of a record."""
import json
import logging

import pytest
from django.test import Client
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken
from tests.conftest import DEMO_PASSWORD, api_client_for
from tests.live import open_socket, refused_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def security_lines(caplog):
    caplog.set_level(logging.INFO, logger="iepteam.security")

    def lines():
        found = []
        for record in caplog.records:
            if record.name == "iepteam.security":
                text = record.getMessage()
                assert "\n" not in text
                found.append(json.loads(text))
        return found

    return lines


def _events(lines):
    return [line["event"] for line in lines]


def _nothing_secret_in(lines, *secrets):
    text = "\n".join(json.dumps(line) for line in lines)
    for secret in secrets:
        assert secret not in text, secret


def test_a_web_sign_in_and_a_failed_one_are_logged(demo, security_lines):
    client = Client()
    client.post("/accounts/login/", {"username": "ot@demo.example", "password": "not-the-password"})
    client.post("/accounts/login/", {"username": "ot@demo.example", "password": DEMO_PASSWORD})
    lines = security_lines()
    assert _events(lines) == ["sign_in.failed", "sign_in"]
    failed, signed_in = lines
    assert failed["user"] is None and failed["ip"] == "127.0.0.1" and failed["path"] == "/accounts/login/"
    assert signed_in["user"] == demo.ot.id and signed_in["via"] == "web"
    _nothing_secret_in(lines, "not-the-password", DEMO_PASSWORD, "ot@demo.example")


def test_a_lockout_is_logged_with_the_account_but_not_its_address(demo, security_lines):
    client = Client()
    for n in range(5):
        client.post("/accounts/login/", {"username": "ot@demo.example", "password": f"guess-{n}"})
    lines = security_lines()
    assert _events(lines).count("sign_in.failed") == 5
    locked = [line for line in lines if line["event"] == "sign_in.locked_out"]
    assert len(locked) == 1 and locked[0]["user"] == demo.ot.id
    _nothing_secret_in(lines, "guess-", "ot@demo.example")


def test_token_creation_and_revocation_are_logged_without_the_token(demo, security_lines):
    answer = APIClient().post("/api/v1/auth/token/", {"email": "ot@demo.example", "password": DEMO_PASSWORD},
                              format="json")
    token = answer.json()["token"]
    row = ApiToken.objects.get(user=demo.ot)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    client.delete(f"/api/v1/me/tokens/{row.id}/")
    lines = security_lines()
    assert _events(lines) == ["sign_in", "token.created", "token.revoked"]
    assert lines[0]["via"] == "api"
    assert lines[1]["token"] == row.id and lines[2]["token"] == row.id
    assert {line["user"] for line in lines} == {demo.ot.id}
    _nothing_secret_in(lines, token, row.digest, DEMO_PASSWORD)


def test_sign_out_everywhere_and_password_changes_are_logged(demo, security_lines):
    client = Client()
    client.force_login(demo.ot)
    client.post("/accounts/password/change/", {
        "old_password": DEMO_PASSWORD, "new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"})
    client.post("/accounts/sign-out-everywhere/")
    lines = security_lines()
    assert _events(lines) == ["sign_in", "token.revoked_all", "password.changed", "token.revoked_all",
                              "sign_out.everywhere"]
    _nothing_secret_in(lines, "a-new-long-passphrase", DEMO_PASSWORD)


def test_a_refused_record_is_logged_on_the_api_and_on_pages(demo, security_lines):
    api_client_for(demo.parent_leo).get(f"/api/v1/students/{demo.maya.id}/")
    page = Client()
    page.force_login(demo.parent_leo)
    page.get(f"/ieps/{demo.maya_iep.id}/")
    refused = [line for line in security_lines() if line["event"] == "access.refused"]
    assert len(refused) == 2, refused
    assert {line["user"] for line in refused} == {demo.parent_leo.id}
    assert {line["status"] for line in refused} == {404}
    _nothing_secret_in(refused, "Maya", "Rivera")


def test_a_forbidden_action_is_logged(demo, security_lines):
    # The parent may see the recommendation but not change it.
    rec = demo.maya_recs[0]
    api_client_for(demo.parent_maya).patch(f"/api/v1/recommendations/{rec.id}/", {"title": "x"}, format="json")
    refused = [line for line in security_lines() if line["event"] == "access.refused"]
    assert [line["status"] for line in refused] == [403]
    assert refused[0]["user"] == demo.parent_maya.id


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_refused_socket_is_logged(transactional_demo, security_lines):
    d = transactional_demo
    socket = await open_socket(d.maya_iep.id, d.parent_leo)
    await refused_with(socket)
    refused = [line for line in security_lines() if line["event"] == "socket.refused"]
    assert len(refused) == 1
    assert refused[0]["user"] == d.parent_leo.id
    assert refused[0]["close_code"] == 4403 and refused[0]["reason"] == "not_allowed"
    assert refused[0]["path"] == f"/ws/ieps/{d.maya_iep.id}/"
