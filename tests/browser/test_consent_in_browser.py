"""The parent, in a real browser: opens the proposal, consents to all but one recommendation,
signs, sees the IEP active with that one not in effect, and downloads the signed PDF."""
import io
import re

import pypdf
import pytest
from playwright.sync_api import expect

from apps.ieps.content_hash import content_hash
from apps.ieps.models import IEP
from tests.browser.accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_parent_consents_to_all_but_one_signs_and_downloads_the_signed_iep(transactional_demo, sign_in):
    demo = transactional_demo
    declined = demo.maya_recs[0]
    page = sign_in("parent.maya")
    page.goto(f"/ieps/{demo.maya_iep.id}/")
    page.get_by_role("link", name="Read and answer the proposal").click()
    page.wait_for_url(f"**/ieps/{demo.maya_iep.id}/consent/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answer to the proposed IEP")
    expect(page.get_by_text("You may ask for this IEP on paper")).to_be_visible()
    assert_accessible(page, "consent page")

    for rec in demo.maya_recs:
        group = page.get_by_role("group", name=re.compile(re.escape(rec.title)))
        group.get_by_label("I decline" if rec.id == declined.id else "I consent").check()
    page.locator(f"#consent-note_{declined.id}").fill("Not below 45 minutes: she still struggles at home.")
    page.get_by_label("Your full name").fill("Elena Rivera")
    page.get_by_role("button", name="Sign and send my answer").click()
    # The signature checkbox was left unticked: refused next to it, nothing recorded.
    expect(page.locator(".field--check .field__error")).to_be_visible()
    assert IEP.objects.get(id=demo.maya_iep.id).status == "proposed"
    assert_accessible(page, "consent page with an error")
    page.get_by_label("I have read the disclosures above and I agree to sign electronically.").check()
    page.get_by_role("button", name="Sign and send my answer").click()

    page.wait_for_url(f"**/ieps/{demo.maya_iep.id}/*")
    expect(page.locator("#iep-facts .badge")).to_have_text("Active")
    expect(page.locator(f"#rec-{declined.id} .badge--not-in-effect")).to_have_text("Not in effect")
    for rec in demo.maya_recs[1:]:
        expect(page.locator(f"#rec-{rec.id} .badge--in-effect")).to_have_text("In effect")
    expect(page.locator("#signatures-list")).to_contain_text("Elena Rivera")
    assert_accessible(page, "active IEP page")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the signed IEP (PDF)").click()
    with open(download_info.value.path(), "rb") as handle:
        text = "".join("".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(handle.read())).pages).split())
    assert "ElenaRivera" in text
    assert content_hash(IEP.objects.get(id=demo.maya_iep.id)) in text
    assert "Notineffect" in text
