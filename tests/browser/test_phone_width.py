"""At a phone's width (390 px) the pages with tables fit the screen: the district's deadline pages,
a child's deadlines on the IEP page, the notification settings (whose e-mail choice must stay
readable) and a suggested change (whose column names must not break inside a word)."""
import pytest
from playwright.sync_api import expect

from apps.deadlines.calendar_services import closed_day_add
from apps.ieps.suggestions import suggestion_create
from tests.browser.accessibility import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sideways(page) -> int:
    """How far the page scrolls sideways (0 when it fits)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def _too_wide(page) -> list[str]:
    """The innermost elements that reach past the right edge, to say what to fix."""
    return page.evaluate("""() => [...document.querySelectorAll("body *")]
        .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
        .filter(el => ![...el.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
        .slice(0, 5).map(el => el.tagName + "." + el.className + ": " + (el.textContent || "").trim().slice(0, 60))""")


def test_the_district_deadline_pages_and_a_childs_deadlines_fit_a_phone(transactional_demo, sign_in):
    demo = transactional_demo
    from datetime import date

    closed_day_add(actor=demo.admin, district_id=demo.maya.district_id, day=date(2027, 1, 18),
                   reason="holiday", note="Martin Luther King Jr. Day")
    page = sign_in("admin")
    page.set_viewport_size(PHONE)
    for path in ("/deadlines/district/", "/deadlines/school-calendar/", "/deadlines/settings/",
                 f"/ieps/{demo.maya_iep.id}/"):
        assert page.goto(path).status == 200
        assert _sideways(page) == 0, (path, _too_wide(page))
    # In Spanish the words are longer: the child's deadlines on the IEP page still fit.
    page.locator("#language-select").select_option("es")
    page.locator(".language button").click()
    page.wait_for_load_state()
    page.goto(f"/ieps/{demo.maya_iep.id}/")
    assert _sideways(page) == 0, _too_wide(page)


def test_the_notification_settings_show_each_e_mail_choice_readably_on_a_phone(transactional_demo, sign_in):
    page = sign_in("parent.maya")
    page.set_viewport_size(PHONE)
    page.goto("/notifications/settings/")
    assert _sideways(page) == 0, _too_wide(page)
    choice = page.get_by_label("A deadline is coming up", exact=True)
    expect(choice).to_be_visible()
    # Wide enough to show its value ("E-mail at once"), not a bare arrow squeezed into a column.
    assert choice.bounding_box()["width"] >= PHONE["width"] / 2


def test_a_suggested_changes_field_and_column_names_do_not_break_inside_a_word(transactional_demo, sign_in):
    demo = transactional_demo
    rec = demo.maya_recs[0]
    suggestion_create(actor=demo.parent_maya, recommendation=rec, changes={"minutes_per_week": 60},
                      reason="Keep two sessions until the spring review.", base_version=rec.version)
    page = sign_in("parent.maya")
    page.set_viewport_size(PHONE)
    page.goto(f"/recommendations/{rec.id}/")
    table = page.locator(".side-by-side")
    for name in ("Suggested", "Minutes a week"):
        cell = table.get_by_role("columnheader", name=name, exact=True).or_(
            table.get_by_role("rowheader", name=name, exact=True))
        # Each word of the name is whole: the cell is at least as wide as its longest word.
        whole = cell.evaluate("""(el) => {
            const words = el.textContent.trim().split(/\\s+/);
            const probe = document.createElement("span"); probe.style.visibility = "hidden";
            el.appendChild(probe);
            const widest = Math.max(...words.map(w => { probe.textContent = w; return probe.getBoundingClientRect().width; }));
            probe.remove();
            const style = getComputedStyle(el);
            const inner = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
            return inner + 0.5 >= widest;
        }""")
        assert whole, name
