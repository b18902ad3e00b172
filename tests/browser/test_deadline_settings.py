"""The district administrator's deadline settings in a real browser: a state's period (Texas: 15
school days to decide on an evaluation request) is saved, shown as kept, and moves the open
deadline of that kind; a bad length is refused on the page, next to its field; the page passes
axe and works at phone width; a case manager or a parent never reaches it."""
from datetime import date, timedelta

import pytest
from django.conf import settings
from playwright.sync_api import expect

from apps.deadlines.models import ClosedDay, Deadline, DeadlinePeriod, Kind
from apps.evaluations.services.requests import evaluation_request_create
from tests.browser.accessibility import PHONE, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DECISION = "Decision on an independent evaluation"
PAGE = "/deadlines/settings/"


def _school_days_after(start: date, count: int, closed: set[date]) -> date:
    """Counted here by hand, not with apps.deadlines.days: the n-th weekday after the start that
    is not a closed day (the start itself is not counted)."""
    day = start
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            count -= 1
    return day


def _request_an_evaluation(demo) -> Deadline:
    request = evaluation_request_create(actor=demo.parent_maya, iep=demo.maya_iep,
                                        recommendation_ids=[demo.maya_recs[0].id], areas=["Fine motor"])
    return Deadline.objects.get(kind=Kind.EVALUATION_DECISION, source_id=request.id, status="open")


def _no_sideways_scroll(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_the_administrator_sets_15_school_days_and_the_open_decision_moves(transactional_demo, sign_in):
    demo = transactional_demo
    deadline = _request_an_evaluation(demo)
    closed = set(ClosedDay.objects.filter(district=demo.maya.district).values_list("day", flat=True))
    expected = _school_days_after(deadline.starts_on, 15, closed)
    assert deadline.due_on != expected  # the federal default (calendar days) ends elsewhere

    page = sign_in("admin")
    page.get_by_role("link", name="Deadline settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deadline settings")
    decision = page.get_by_role("group", name=DECISION)
    federal = settings.EVALUATION_DECISION_DAYS
    expect(decision.get_by_label("Length")).to_have_value(str(federal))
    expect(decision).to_contain_text(f"Federal default: {federal} calendar days.")
    assert_accessible(page)

    decision.get_by_label("Length").fill("15")
    decision.get_by_label("Counted in").select_option("school")
    page.get_by_role("button", name="Save the settings").click()

    expect(page.get_by_text("The settings are saved; open deadlines were recomputed.")).to_be_visible()
    decision = page.get_by_role("group", name=DECISION)
    expect(decision.get_by_label("Length")).to_have_value("15")
    expect(decision.get_by_label("Counted in")).to_have_value("school")
    assert DeadlinePeriod.objects.get(district=demo.maya.district, kind=Kind.EVALUATION_DECISION).count == 15

    # The open decision moved to the end of the new period, on its page as on the district's list.
    page.goto(f"/deadlines/{deadline.id}/")
    expect(page.locator("dd time")).to_have_attribute("datetime", expected.isoformat())
    page.goto(f"/deadlines/district/?kind={Kind.EVALUATION_DECISION}")
    expect(page.get_by_role("row", name=f"{DECISION} for Maya").locator("time")).to_have_attribute(
        "datetime", expected.isoformat())


@pytest.mark.parametrize("typed, message", [
    ("0", "Ensure this value is greater than or equal to 1."),
    ("400", "Ensure this value is less than or equal to 365."),
    ("", "This field is required."),
])
def test_a_bad_length_is_refused_on_the_page_next_to_its_field(transactional_demo, sign_in, typed, message):
    page = sign_in("admin")
    page.goto(PAGE)
    page.get_by_role("group", name=DECISION).get_by_label("Length").fill(typed)
    with page.expect_response(lambda r: r.url.endswith(PAGE) and r.request.method == "POST") as answer:
        page.get_by_role("button", name="Save the settings").click()
    assert answer.value.status == 400
    # Said at the top of the form (where the page opens again) and next to the field itself.
    expect(page.get_by_role("alert").first).to_contain_text("nothing was changed")
    expect(page.get_by_role("group", name=DECISION).get_by_role("alert")).to_have_text(message)
    assert not DeadlinePeriod.objects.exists()
    assert_accessible(page, "a refused length")


def test_at_phone_width_every_control_fits_and_the_save_button_is_reachable(transactional_demo, sign_in):
    page = sign_in("admin")
    page.set_viewport_size(PHONE)
    page.goto(PAGE)
    assert _no_sideways_scroll(page)
    for name in ("Time zone of the district", "Length", "Counted in"):
        for control in page.get_by_label(name, exact=True).all():
            box = control.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (name, box)
    save = page.get_by_role("button", name="Save the settings")
    save.scroll_into_view_if_needed()
    expect(save).to_be_in_viewport()


@pytest.mark.parametrize("persona", ["casemanager", "parent.maya"])
def test_a_case_manager_or_a_parent_never_reaches_the_page(transactional_demo, sign_in, persona):
    page = sign_in(persona)
    expect(page.get_by_role("link", name="Deadline settings")).to_have_count(0)
    assert page.goto(PAGE).status == 404
    expect(page.get_by_role("button", name="Save the settings")).to_have_count(0)
    expect(page.get_by_role("group", name=DECISION)).to_have_count(0)
