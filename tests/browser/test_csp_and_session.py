"""In real Chromium: pages and the API docs run under the content security policy (the fixtures
fail any test on a violation, and this checks that they notice one), and the idle-session warning
appears before the session ends and keeps it alive when asked."""
import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from tests.browser.conftest import _watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_violation_watch_notices_an_inline_style(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    try:
        violations = _watch_csp(context)
        tab = context.new_page()
        tab.goto("/accounts/login/")
        assert violations == [], violations
        with tab.expect_console_message(lambda m: "Content Security Policy" in m.text, timeout=5_000):
            tab.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
        assert any("style-src" in line for line in violations), violations
    finally:
        context.close()


def test_the_api_docs_run_under_the_policy(page, db):
    page.goto("/api/docs/")
    # Swagger UI drew the operations: its start-up script (served as a file) ran.
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=20_000)
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("IEP Team Workspace API")


def test_the_warning_comes_before_the_session_ends_and_staying_renews_it(transactional_demo, sign_in, settings):
    # A 40-second session that warns 30 seconds ahead: the dialog is due 10 seconds after a request.
    settings.SESSION_COOKIE_AGE = 40
    settings.SESSION_EXPIRY_WARNING_SECONDS = 30
    page = sign_in("parent.maya")
    dialog = page.get_by_role("alertdialog", name="You will be signed out soon")
    expect(dialog).to_be_hidden()
    expect(dialog).to_be_visible(timeout=25_000)
    expect(dialog).to_contain_text("without activity")
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    session = Session.objects.get()
    expiry_before = session.expire_date
    with page.expect_response(re.compile(r"/session/keep-alive/$")) as answer:
        stay.click()
    assert answer.value.status == 204
    expect(dialog).to_be_hidden()
    assert Session.objects.get().expire_date > expiry_before


def test_an_unanswered_warning_ends_on_the_sign_in_page(transactional_demo, sign_in, settings):
    settings.SESSION_COOKIE_AGE = 12
    settings.SESSION_EXPIRY_WARNING_SECONDS = 6
    page = sign_in("ot")
    expect(page.get_by_role("alertdialog")).to_be_visible(timeout=20_000)
    page.wait_for_url(re.compile(r"/accounts/login/\?next=%2F$"), timeout=25_000)
    expect(page.get_by_label("E-mail address")).to_be_visible()
