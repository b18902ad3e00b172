"""A parent, in a real browser: signs in, finds the child's IEP and reads why each
recommendation was made; another family's parent cannot reach it."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_parent_signs_in_opens_the_iep_and_reads_the_rationale(transactional_demo, sign_in):
    demo = transactional_demo
    page = sign_in("parent.maya")
    expect(page.get_by_role("heading", level=1)).to_have_text("My children")
    assert_accessible(page, "home")

    page.get_by_role("link", name=re.compile(r"^IEP of")).first.click()
    page.wait_for_url(f"**/ieps/{demo.maya_iep.id}/")

    expect(page.locator("[data-recommendation-id]")).to_have_count(len(demo.maya_recs))
    for rec in demo.maya_recs:
        card = page.locator(f"#rec-{rec.id}")
        expect(card).to_have_attribute("data-recommendation-id", str(rec.id))
        expect(card.get_by_role("heading", name=rec.title)).to_be_visible()
        rationale = card.locator(".rationale__text")
        expect(rationale).to_be_visible()
        expect(rationale).to_contain_text(rec.rationale)
    # Her own position on the OT recommendation, with where she saw it.
    expect(page.locator(f"#rec-{demo.maya_recs[0].id}")).to_contain_text("At home Maya still cannot button her coat")
    assert_accessible(page, "IEP page")


def test_another_parent_gets_the_404_page_and_none_of_mayas_record(transactional_demo, sign_in):
    demo = transactional_demo
    page = sign_in("parent.leo")
    expect(page.get_by_role("heading", level=1)).to_have_text("My children")

    response = page.goto(f"/ieps/{demo.maya_iep.id}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not find that page")
    assert_accessible(page, "404")
    body = page.locator("body").inner_text()
    assert "Maya" not in body
    assert "Rivera" not in body
    for rec in demo.maya_recs:
        assert rec.title not in body
        assert rec.rationale[:40] not in body
    assert page.locator("[data-recommendation-id]").count() == 0
