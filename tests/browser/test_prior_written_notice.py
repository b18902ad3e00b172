"""Prior written notice in a real browser (issue 10, items 4-5): the case manager issues one on the
OT's service from its page, with the draft drawn from the team; the parent, shown the guidance for
a recommendation she disagrees with, opens the notice and downloads its PDF."""
import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_case_manager_issues_a_notice_and_the_parent_downloads_it(transactional_demo, sign_in, page):
    demo = transactional_demo
    ot = demo.maya_recs[0]

    sign_in("casemanager")
    page.goto(f"/recommendations/{ot.id}/")
    page.get_by_text("Issue a prior written notice").click()
    form = page.locator("#notice-form")
    # The draft is the team's own record: the parent's basis, seen at home, and the OT's data.
    expect(form.get_by_label("4. Other options considered, and why each was rejected")).to_have_value(
        re.compile("button her coat"))
    expect(form.get_by_label("3. Each evaluation, assessment, record or report used")).to_have_value(
        re.compile("Progress data on goals 1-3"))
    assert_accessible(page, "recommendation page with the notice form")
    form.get_by_label("proposes").check()
    form.get_by_label("5. Other factors relevant to the decision").fill("Her teacher reports she keeps up in class.")
    form.get_by_role("button", name="Issue the notice").click()
    page.wait_for_url("**/notices/*/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Prior written notice")
    expect(page.locator(".notice-doc")).to_contain_text("Her teacher reports she keeps up in class.")
    assert_accessible(page, "notice page (case manager)")
    page.get_by_role("button", name="Sign out").click()

    sign_in("parent.maya")
    page.goto(f"/recommendations/{ot.id}/")
    guidance = page.locator("#guidance")
    expect(guidance.get_by_role("link", name="Ask in the discussion")).to_be_visible()
    expect(guidance.get_by_role("link", name="Request an independent evaluation")).to_be_visible()
    assert_accessible(page, "recommendation page with the guidance")
    guidance.get_by_role("link", name="Read the whole guide: what you can do when you disagree").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("When you disagree with a recommendation")
    assert_accessible(page, "guidance page")

    page.goto(f"/ieps/{demo.maya_iep.id}/")
    notices = page.locator("#notices")
    notices.get_by_role("link", name="The district proposes: Reduce occupational therapy to 30 minutes a week").click()
    page.wait_for_url("**/notices/*/")
    expect(page.locator(".notice-doc")).to_contain_text("6. Your procedural safeguards")
    assert_accessible(page, "notice page (parent)")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    pdf = open(download_info.value.path(), "rb").read()
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "The district proposes: Reduce occupational therapy" in text
    assert "Her teacher reports she keeps up in class." in text
