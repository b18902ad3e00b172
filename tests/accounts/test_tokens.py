"""API tokens that can be revoked (issue 7, item 12): hashed at rest, named, expiring, listed and
revoked by their owner only; all revoked by a password change and by "sign out everywhere",
which also ends every web session; the token endpoint keeps the contract."""
from datetime import timedelta

import pytest
import time_machine
from channels.db import database_sync_to_async
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken
from tests.conftest import DEMO_PASSWORD
from tests.core.contract import assert_error
from tests.live import refused_with

TOKEN = "/api/v1/auth/token/"
TOKENS = "/api/v1/me/tokens/"


def _token(email="ot@demo.example", **extra):
    answer = APIClient().post(TOKEN, {"email": email, "password": DEMO_PASSWORD, **extra}, format="json")
    assert answer.status_code == 200, answer.content
    assert set(answer.json()) == {"token"}
    return answer.json()["token"]


def _with(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _works(token):
    return _with(token).get("/api/v1/me/").status_code == 200


def _web(user):
    client = Client()
    client.force_login(user)
    return client


def _web_signed_in(client):
    return client.get("/accounts/profile/").status_code == 200


def test_tokens_are_kept_hashed_never_as_themselves(demo):
    token = _token()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        rows = cursor.fetchall()
    assert len(rows) == 1
    stored = " ".join(str(value) for value in rows[0])
    assert token not in stored
    assert token[15:] not in stored  # not even the part after the visible prefix
    assert _works(token)


def test_a_token_has_the_name_it_was_given_and_an_expiry(demo, settings):
    before = timezone.now()
    _token(name="District export script")
    row = ApiToken.objects.get(user=demo.ot)
    assert row.name == "District export script"
    assert row.expiry is not None
    assert before + settings.REST_KNOX["TOKEN_TTL"] <= row.expiry <= timezone.now() + settings.REST_KNOX["TOKEN_TTL"]


def test_an_expired_token_answers_401(demo, settings):
    token = _token()
    assert _works(token)
    with time_machine.travel(timezone.now() + settings.REST_KNOX["TOKEN_TTL"] + timedelta(minutes=1), tick=False):
        assert_error(_with(token).get("/api/v1/me/"), 401, "authentication_failed")


def test_expired_tokens_are_not_listed_and_are_swept_when_a_new_one_is_made(demo, settings):
    _token(name="old")
    with time_machine.travel(timezone.now() + settings.REST_KNOX["TOKEN_TTL"] + timedelta(minutes=1), tick=False):
        fresh = _token(name="new")
        assert [t["name"] for t in _with(fresh).get(TOKENS).json()] == ["new"]
    assert list(ApiToken.objects.filter(user=demo.ot).values_list("name", flat=True)) == ["new"]


def test_the_owner_lists_their_tokens_without_ever_seeing_one_again(demo):
    first = _token(name="laptop")
    second = _token(name="phone")
    _token("slp@demo.example", name="not mine")
    answer = _with(first).get(TOKENS)
    assert answer.status_code == 200
    listed = answer.json()
    assert [t["name"] for t in listed] == ["phone", "laptop"]
    assert all(set(t) == {"id", "name", "created", "expiry", "prefix", "current"} for t in listed)
    assert [t["current"] for t in listed] == [False, True]
    assert first not in answer.content.decode() and second not in answer.content.decode()


def test_the_owner_revokes_a_token_and_it_answers_401(demo):
    keep = _token(name="keep")
    drop = _token(name="drop")
    drop_id = ApiToken.objects.get(name="drop").id
    answer = _with(keep).delete(f"{TOKENS}{drop_id}/")
    assert answer.status_code == 204
    assert_error(_with(drop).get("/api/v1/me/"), 401, "authentication_failed")
    assert _works(keep)


def test_nobody_else_can_revoke_or_see_a_persons_token(demo):
    mine = _token("ot@demo.example", name="mine")
    mine_id = ApiToken.objects.get(name="mine").id
    for other in ("parent.leo@demo.example", "admin@demo.example", "slp@demo.example"):
        stranger = _token(other)
        assert_error(_with(stranger).delete(f"{TOKENS}{mine_id}/"), 404)
        assert [t["name"] for t in _with(stranger).get(TOKENS).json()] == ["API token"]
    assert _works(mine)


def test_the_token_list_needs_credentials(demo):
    assert_error(APIClient().get(TOKENS), 401)
    assert_error(APIClient().delete(f"{TOKENS}1/"), 401)
    assert_error(APIClient().post("/api/v1/me/sign-out-everywhere/"), 401)


def test_changing_the_password_revokes_every_token_and_keeps_this_session(demo):
    tokens = [_token(), _token()]
    here, elsewhere = _web(demo.ot), _web(demo.ot)
    answer = here.post("/accounts/password/change/", {
        "old_password": DEMO_PASSWORD, "new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"})
    assert answer.status_code == 302
    assert not any(_works(t) for t in tokens)
    assert _web_signed_in(here)
    assert not _web_signed_in(elsewhere)


def test_a_wrong_old_password_changes_nothing(demo):
    token = _token()
    here = _web(demo.ot)
    answer = here.post("/accounts/password/change/", {
        "old_password": "not-it", "new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"})
    assert answer.status_code == 200
    assert _works(token)
    demo.ot.refresh_from_db()
    assert demo.ot.check_password(DEMO_PASSWORD)


def test_sign_out_everywhere_by_api_revokes_tokens_and_ends_web_sessions(demo):
    tokens = [_token(), _token()]
    browser = _web(demo.ot)
    other_person = _web(demo.slp)
    other_token = _token("slp@demo.example")
    assert _with(tokens[0]).post("/api/v1/me/sign-out-everywhere/").status_code == 204
    assert not any(_works(t) for t in tokens)
    assert not _web_signed_in(browser)
    # Nobody else is touched.
    assert _web_signed_in(other_person) and _works(other_token)
    # And the person can sign in again.
    assert _works(_token())


def test_sign_out_everywhere_from_the_page(demo):
    token = _token()
    here, elsewhere = _web(demo.ot), _web(demo.ot)
    assert b"Sign out everywhere" in here.get("/accounts/profile/").content
    answer = here.post("/accounts/sign-out-everywhere/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
    assert not _web_signed_in(here) and not _web_signed_in(elsewhere)
    assert not _works(token)


def test_the_profile_page_lists_and_revokes_the_persons_tokens(demo):
    _token(name="spreadsheet sync")
    _token("slp@demo.example", name="someone else's")
    page = _web(demo.ot)
    content = page.get("/accounts/profile/").content.decode()
    assert "spreadsheet sync" in content and "someone else" not in content
    theirs = ApiToken.objects.get(name="someone else's").id
    assert page.post(f"/accounts/profile/tokens/{theirs}/revoke/").status_code == 404
    mine = ApiToken.objects.get(name="spreadsheet sync").id
    assert page.post(f"/accounts/profile/tokens/{mine}/revoke/").status_code == 302
    assert not ApiToken.objects.filter(id=mine).exists()
    assert ApiToken.objects.filter(id=theirs).exists()


# --- The live channel's handshake -----------------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_revoked_token_no_longer_opens_the_live_channel(transactional_demo):
    d = transactional_demo
    token = await database_sync_to_async(_token)()
    headers = [(b"origin", b"http://testserver"), (b"authorization", f"Token {token}".encode())]
    from channels.testing import WebsocketCommunicator

    from iepteam.asgi import application

    async def connect():
        socket = WebsocketCommunicator(application, f"/ws/ieps/{d.maya_iep.id}/", headers=headers)
        assert (await socket.connect(timeout=5))[0]
        return socket

    socket = await connect()
    assert (await socket.receive_json_from(timeout=5))["type"] == "hello"
    await database_sync_to_async(lambda: _with(token).post("/api/v1/me/sign-out-everywhere/"))()
    code, errors = await refused_with(socket)
    assert (code, errors) == (4401, ["signed_out"])
    code, _ = await refused_with(await connect())
    assert code == 4401


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_an_expired_token_does_not_open_the_live_channel(transactional_demo):
    d = transactional_demo
    token = await database_sync_to_async(_token)()
    headers = [(b"origin", b"http://testserver"), (b"authorization", f"Token {token}".encode())]
    from channels.testing import WebsocketCommunicator

    from iepteam.asgi import application

    # The clock stays (the socket machinery runs on it); the token's end is moved instead.
    await database_sync_to_async(
        lambda: ApiToken.objects.update(expiry=timezone.now() - timedelta(seconds=1)))()
    socket = WebsocketCommunicator(application, f"/ws/ieps/{d.maya_iep.id}/", headers=headers)
    assert (await socket.connect(timeout=5))[0]
    code, _ = await refused_with(socket)
    assert code == 4401


async def _socket_with(iep_id, token):
    from channels.testing import WebsocketCommunicator

    from iepteam.asgi import application

    socket = WebsocketCommunicator(application, f"/ws/ieps/{iep_id}/", headers=[
        (b"origin", b"http://testserver"), (b"authorization", f"Token {token}".encode())])
    assert (await socket.connect(timeout=5))[0]
    assert (await socket.receive_json_from(timeout=5))["type"] == "hello"
    return socket


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_revoking_a_token_closes_the_sockets_opened_with_it_only(transactional_demo):
    from tests.live import drain

    d = transactional_demo
    drop, keep = await database_sync_to_async(_token)(name="drop"), await database_sync_to_async(_token)(name="keep")
    dropped, kept = await _socket_with(d.maya_iep.id, drop), await _socket_with(d.maya_iep.id, keep)
    drop_id = await database_sync_to_async(lambda: ApiToken.objects.get(name="drop").id)()
    answer = await database_sync_to_async(lambda: _with(keep).delete(f"{TOKENS}{drop_id}/"))()
    assert answer.status_code == 204
    assert await refused_with(dropped) == (4401, ["signed_out"])
    assert await drain(kept) == []
    await kept.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_password_change_closes_the_persons_token_and_session_sockets(transactional_demo, live_session):
    from tests.live import open_socket

    d = transactional_demo
    token = await database_sync_to_async(_token)()
    by_token = await _socket_with(d.maya_iep.id, token)
    session_key = await live_session(d.ot)
    by_session = await open_socket(d.maya_iep.id, session_cookie=session_key)
    assert (await by_session.receive_json_from(timeout=5))["type"] == "hello"

    def change():
        client = _web(d.ot)
        return client.post("/accounts/password/change/", {
            "old_password": DEMO_PASSWORD, "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase"})

    assert (await database_sync_to_async(change)()).status_code == 302
    assert await refused_with(by_token) == (4401, ["signed_out"])
    assert await refused_with(by_session) == (4401, ["signed_out"])
