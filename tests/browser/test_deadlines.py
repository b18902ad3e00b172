"""Deadlines in a real browser: a parent moves reminders to the daily summary and finds her
child's annual review on her home page; the case manager's home puts an overdue deadline first."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.deadlines.models import Kind
from apps.deadlines.services import deadline_open
from apps.notifications.models import NotificationPreference

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_parent_chooses_a_daily_summary_and_sees_her_childs_annual_review(transactional_demo, sign_in):
    demo = transactional_demo
    page = sign_in("parent.maya")
    attention = page.get_by_role("region", name="What needs my attention")
    expect(attention).to_contain_text("Annual review for Maya")
    expect(attention).not_to_contain_text("Leo")

    attention.get_by_role("link", name="Reminders and notification settings").click()
    page.get_by_label("A deadline is coming up", exact=True).select_option(label="In the daily summary")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    expect(page.get_by_label("A deadline is coming up", exact=True)).to_have_value("digest")
    saved = NotificationPreference.objects.get(user=demo.parent_maya)
    assert saved.kinds["deadline.reminder"]["email"] == "digest"

    page.get_by_role("link", name="IEP Team Workspace").first.click()
    expect(page.get_by_role("region", name="What needs my attention")).to_contain_text("Annual review for Maya")


def test_the_case_managers_home_shows_an_overdue_deadline_first(transactional_demo, sign_in):
    demo = transactional_demo
    deadline_open(kind=Kind.MEETING, student=demo.leo, subject="Send Leo's meeting notice",
                  due_on=timezone.localdate() - timedelta(days=3), owners=[demo.casemanager])
    page = sign_in("casemanager")
    attention = page.get_by_role("region", name="What needs my attention")
    expect(attention.get_by_role("heading", level=3).first).to_have_text("Overdue")
    first = attention.locator(".deadline-list__item").first
    expect(first).to_contain_text("Send Leo's meeting notice")
    expect(first).to_contain_text("Overdue")
