"""Suggested changes in real Chromium, against the real ASGI server (issue 10): the OT's 30-minute
service; the parent suggests 45 minutes with a reason; the OT sees it arrive live on her open page,
with the current version and the suggested one side by side, and accepts; the new version reads
"suggested by Elena Rivera, accepted by Priya Natarajan", and the parent's position reads as given
on version 1. Every page visited passes axe."""
import pytest
from playwright.sync_api import expect

from apps.ieps.models import Recommendation, Suggestion
from tests.browser.accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_WAIT_MS = 15_000


def test_the_parent_suggests_45_minutes_and_the_ot_accepts_it(transactional_demo, open_as):
    demo = transactional_demo
    rec = demo.maya_recs[0]
    ot = open_as("ot")
    ot.goto(f"/recommendations/{rec.id}/")
    expect(ot.locator("#live-status")).to_have_attribute("data-state", "live")
    expect(ot.locator("#suggestions-live")).to_contain_text("No open suggestions.")

    parent = open_as("parent.maya", width=390)
    parent.goto(f"/recommendations/{rec.id}/")
    expect(parent.locator("#positions-live")).to_contain_text("Disputed")
    assert_accessible(parent, "recommendation page with the suggest form closed")
    parent.locator("summary", has_text="Suggest a change").click()
    form = parent.locator("#suggestion-form")
    expect(form.get_by_label("Minutes a week")).to_have_value("30")
    assert_accessible(parent, "suggest form open")
    form.get_by_label("Minutes a week").fill("45")
    form.get_by_label("Why you suggest this").fill("At home she tires after ten minutes of writing.")
    form.get_by_role("button", name="Send the suggestion").click()
    expect(parent.locator(".messages")).to_contain_text("Your suggestion was sent.")
    suggestion = Suggestion.objects.get()

    item = ot.locator(f"#suggestion-{suggestion.id}")
    expect(item).to_contain_text("Elena Rivera suggests, on version 1", timeout=LIVE_WAIT_MS)
    expect(item.locator("table")).to_contain_text("30")
    expect(item.locator("table")).to_contain_text("45")
    expect(item).to_contain_text("At home she tires after ten minutes of writing.")
    assert_accessible(ot, "an open suggestion with accept and decline")
    item.get_by_role("button", name="Accept: make it a new version").click()

    expect(ot.locator(".messages")).to_contain_text("The suggestion was accepted")
    expect(ot.locator("#version-2")).to_contain_text("suggested by Elena Rivera, accepted by Priya Natarajan")
    assert Recommendation.objects.get(id=rec.id).minutes_per_week == 45
    assert_accessible(ot, "after accepting")

    # The parent's open page is told it changed; after a reload her position reads as given on version 1.
    expect(parent.locator("#live-notice")).to_contain_text("changed", timeout=LIVE_WAIT_MS)
    parent.reload()
    expect(parent.locator("#positions-live")).to_contain_text("Given on version 1")
    expect(parent.locator("#suggestions-live")).to_contain_text("1 earlier suggestion")
    assert_accessible(parent, "a position given on an older version")
