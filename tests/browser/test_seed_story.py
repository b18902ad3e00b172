"""The story the product exists for, on the demo's own data, in real Chromium (issue 10):
the OT proposes reducing Maya's occupational therapy to 30 minutes; Elena, her mother, disagrees
with what she sees at home and suggests 45 minutes instead; the OT accepts; Elena consents to
every recommendation but one and signs; the IEP becomes active with that one not in effect; the
case manager puts the district's decision on it in writing; Elena downloads the signed IEP and the
notice. Every page visited passes axe."""
import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from apps.ieps.content_hash import content_hash
from apps.ieps.models import IEP, Recommendation, Suggestion
from tests.browser.accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AT_HOME = "At home she tires after ten minutes of buttons and zips."


def _pdf_text(download) -> str:
    with open(download.path(), "rb") as handle:
        pages = PdfReader(io.BytesIO(handle.read())).pages
    return " ".join("\n".join(page.extract_text() for page in pages).split())


def test_from_the_ots_reduction_to_a_signed_iep_with_one_recommendation_not_in_effect(transactional_demo, sign_in,
                                                                                      page):
    demo = transactional_demo
    ot_service, declined = demo.maya_recs[0], demo.maya_recs[1]
    assert ot_service.title == "Reduce occupational therapy to 30 minutes a week"
    page.set_viewport_size({"width": 390, "height": 844})  # Elena reads it on her phone

    # Elena says why she disagrees, from what she sees at home, and suggests a middle way.
    sign_in("parent.maya")
    page.goto(f"/recommendations/{ot_service.id}/")
    position = page.locator("#position-form")
    position.get_by_label("Disagree").check()
    position.get_by_label("Why: what your position rests on").fill(AT_HOME)
    position.get_by_label("Where you observed it").select_option("home")
    position.get_by_role("button", name="Record my position").click()
    expect(page.locator(".messages")).to_contain_text("Your position was recorded.")
    expect(page.locator("#guidance")).to_be_visible()
    assert_accessible(page, "the parent's recommendation page with the guidance")
    page.locator("summary", has_text="Suggest a change").click()
    suggestion_form = page.locator("#suggestion-form")
    expect(suggestion_form.get_by_label("Minutes a week")).to_have_value("30")
    suggestion_form.get_by_label("Minutes a week").fill("45")
    suggestion_form.get_by_label("Why you suggest this").fill("45 minutes, not 30: " + AT_HOME)
    suggestion_form.get_by_role("button", name="Send the suggestion").click()
    expect(page.locator(".messages")).to_contain_text("Your suggestion was sent.")
    page.get_by_role("button", name="Sign out").click()

    # The OT reads it beside the current version and accepts it: version 2 is 45 minutes.
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in("ot")
    page.goto(f"/recommendations/{ot_service.id}/")
    suggestion = Suggestion.objects.get(recommendation=ot_service)
    item = page.locator(f"#suggestion-{suggestion.id}")
    expect(item.locator("table")).to_contain_text("45")
    assert_accessible(page, "the OT's page with the open suggestion")
    item.get_by_role("button", name="Accept: make it a new version").click()
    expect(page.locator("#version-2")).to_contain_text("suggested by Elena Rivera, accepted by Priya Natarajan")
    assert Recommendation.objects.get(id=ot_service.id).minutes_per_week == 45
    page.get_by_role("button", name="Sign out").click()

    # Elena answers the proposal as it is now: all but one, and signs.
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in("parent.maya")
    page.goto(f"/ieps/{demo.maya_iep.id}/")
    page.get_by_role("link", name="Read and answer the proposal").click()
    page.wait_for_url(f"**/ieps/{demo.maya_iep.id}/consent/")
    assert_accessible(page, "the consent page")
    for rec in Recommendation.objects.filter(iep=demo.maya_iep).exclude(status="withdrawn"):
        group = page.get_by_role("group", name=re.compile(re.escape(rec.title)))
        group.get_by_label("I decline" if rec.id == declined.id else "I consent").check()
    page.locator(f"#consent-note_{declined.id}").fill("We would like to talk about this one first.")
    page.get_by_label("Your full name").fill("Elena Rivera")
    page.get_by_label("I have read the disclosures above and I agree to sign electronically.").check()
    page.get_by_role("button", name="Sign and send my answer").click()
    page.wait_for_url(f"**/ieps/{demo.maya_iep.id}/*")
    expect(page.locator("#iep-facts .badge")).to_have_text("Active")
    expect(page.locator(f"#rec-{declined.id} .badge--not-in-effect")).to_have_text("Not in effect")
    expect(page.locator(f"#rec-{ot_service.id} .badge--in-effect")).to_have_text("In effect")
    assert_accessible(page, "the active IEP, one recommendation not in effect")
    iep = IEP.objects.get(id=demo.maya_iep.id)
    assert iep.status == IEP.Status.ACTIVE
    assert set(Recommendation.objects.filter(iep=iep, consent="declined").values_list("id", flat=True)) == {declined.id}
    page.get_by_role("button", name="Sign out").click()

    # The district still proposes the one Elena declined, and says so in writing.
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in("casemanager")
    page.goto(f"/recommendations/{declined.id}/")
    page.get_by_text("Issue a prior written notice").click()
    notice_form = page.locator("#notice-form")
    notice_form.get_by_label("proposes").check()
    notice_form.get_by_label("4. Other options considered, and why each was rejected").fill(
        "Leaving it out until the next meeting: her teacher's data shows she needs it now.")
    notice_form.get_by_label("5. Other factors relevant to the decision").fill("Her teacher sees progress in class.")
    notice_form.get_by_role("button", name="Issue the notice").click()
    page.wait_for_url("**/notices/*/")
    page.get_by_role("button", name="Sign out").click()

    # Elena downloads the signed IEP and the notice.
    sign_in("parent.maya")
    page.goto(f"/ieps/{demo.maya_iep.id}/")
    with page.expect_download() as signed:
        page.get_by_role("link", name="Download the signed IEP (PDF)").click()
    signed_text = _pdf_text(signed.value)
    assert "Elena Rivera" in signed_text
    assert content_hash(iep) in signed_text.replace(" ", "")
    assert "Not in effect" in signed_text
    page.locator("#notices").get_by_role("link", name=re.compile(re.escape(declined.title))).click()
    page.wait_for_url("**/notices/*/")
    assert_accessible(page, "the notice, as the parent reads it")
    with page.expect_download() as notice:
        page.get_by_role("link", name="Download the PDF").click()
    notice_text = _pdf_text(notice.value)
    assert declined.title in notice_text
    assert "Her teacher sees progress in class." in notice_text
