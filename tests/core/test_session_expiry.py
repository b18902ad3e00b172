"""A signed-in session ends after SESSION_COOKIE_AGE without a request, each request renews it, and
every page warns before it ends with a dialog whose "Stay signed in" pings the keep-alive URL."""
import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

START = dt.datetime(2026, 11, 3, 14, 0, tzinfo=dt.timezone.utc)


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def _is_signed_in(client):
    answer = client.get("/")
    if answer.status_code == 302:
        assert answer["Location"].startswith("/accounts/login/"), answer["Location"]
        return False
    assert answer.status_code == 200
    return True


def test_the_idle_limit_is_thirty_minutes_and_every_request_renews_it():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_a_session_ends_after_thirty_minutes_without_a_request(demo):
    with time_machine.travel(START, tick=False) as clock:
        client = _signed_in(demo.parent_maya)
        assert _is_signed_in(client)
        clock.shift(dt.timedelta(minutes=30, seconds=1))
        assert not _is_signed_in(client)


def test_each_request_renews_the_session(demo):
    with time_machine.travel(START, tick=False) as clock:
        client = _signed_in(demo.ot)
        for _ in range(4):  # two hours in all, never 30 minutes idle
            clock.shift(dt.timedelta(minutes=29))
            assert _is_signed_in(client)
        clock.shift(dt.timedelta(minutes=31))
        assert not _is_signed_in(client)


def test_staying_signed_in_renews_the_session_and_changes_nothing_else(demo):
    with time_machine.travel(START, tick=False) as clock:
        client = _signed_in(demo.casemanager)
        client.get("/")
        session_key = client.session.session_key
        clock.shift(dt.timedelta(minutes=27))
        answer = client.post("/session/keep-alive/")
        assert answer.status_code == 204 and answer.content == b""
        assert client.session.session_key == session_key
        assert client.session.get_expiry_date() == timezone.now() + dt.timedelta(minutes=30)
        clock.shift(dt.timedelta(minutes=27))
        assert _is_signed_in(client)


def test_the_keep_alive_cannot_revive_an_ended_session(demo):
    with time_machine.travel(START, tick=False) as clock:
        client = _signed_in(demo.parent_leo)
        clock.shift(dt.timedelta(minutes=31))
        assert client.post("/session/keep-alive/").status_code == 401
        assert not _is_signed_in(client)


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_the_keep_alive_takes_posts_only(demo, method):
    client = _signed_in(demo.ot)
    assert getattr(client, method)("/session/keep-alive/").status_code == 405


def test_the_keep_alive_refuses_a_post_without_the_csrf_token(demo):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.ot)
    assert client.post("/session/keep-alive/").status_code == 403


def _dialog(html):
    found = re.search(r'<dialog class="session-warning".*?</dialog>', html, re.DOTALL)
    return found and found[0]


def test_every_signed_in_page_carries_the_warning_dialog(demo):
    html = _signed_in(demo.parent_maya).get("/").content.decode()
    dialog = _dialog(html)
    assert dialog, "no session warning on the page"
    assert 'role="alertdialog"' in dialog and 'aria-modal="true"' in dialog
    title = re.search(r'aria-labelledby="([^"]+)"', dialog)[1]
    text = re.search(r'aria-describedby="([^"]+)"', dialog)[1]
    assert f'id="{title}"' in dialog and f'id="{text}"' in dialog
    assert 'data-idle-seconds="1800"' in dialog and 'data-warn-seconds="300"' in dialog
    assert 'data-keep-alive-url="/session/keep-alive/"' in dialog
    assert 'data-sign-in-url="/accounts/login/"' in dialog
    assert "You will be signed out soon" in dialog and "after 30 minutes without activity" in dialog
    assert re.search(r'<button type="button"[^>]*data-session-stay[^>]*>Stay signed in</button>', dialog)
    assert '<script src="/static/js/session.js" defer></script>' in html


def test_the_warning_reads_in_spanish(demo):
    client = _signed_in(demo.parent_maya)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    dialog = _dialog(client.get("/").content.decode())
    assert "Seguir conectado" in dialog and "30 minutos" in dialog
    assert "Stay signed in" not in dialog


def test_a_signed_out_page_has_no_warning(db):
    html = Client().get("/accounts/login/").content.decode()
    assert not _dialog(html) and "session.js" not in html


def test_the_warning_never_comes_before_half_the_idle_time(demo, settings):
    settings.SESSION_COOKIE_AGE = 120
    settings.SESSION_EXPIRY_WARNING_SECONDS = 300
    dialog = _dialog(_signed_in(demo.ot).get("/").content.decode())
    assert 'data-idle-seconds="120"' in dialog and 'data-warn-seconds="60"' in dialog
    assert "after 2 minutes without activity" in dialog
