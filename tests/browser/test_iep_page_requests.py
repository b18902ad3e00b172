"""Opening the IEP page is one request: with 40 recommendations whose discussions all have unread
comments, the page arrives with every thread in it and the browser fetches no fragment; a thread
that was read stays closed and is fetched only when the person opens it."""
import pytest
from playwright.sync_api import expect

from apps.ieps.models import Recommendation, RecommendationVersion
from tests.browser.accessibility import assert_accessible
from tests.pages.test_iep_page_queries import _iep_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fragment_gets(requests):
    """Requests HTMX made for a piece of a page (writes such as "mark as read" are not fetches)."""
    return [r.url for r in requests if r.method == "GET" and r.headers.get("hx-request") == "true"]


def test_the_iep_page_with_40_unread_threads_fetches_no_fragment_on_load(transactional_demo, page, sign_in):
    demo = transactional_demo
    iep = _iep_with(demo, 40, unread=True)
    quiet = Recommendation.objects.create(iep=iep, author=demo.ot, kind="goal", title="Read already", rationale="R.")
    RecommendationVersion.objects.create(recommendation=quiet, version=1, edited_by=demo.ot, kind="goal",
                                         title=quiet.title, rationale=quiet.rationale, status="proposed")
    # The pages alone (pytest-django's live server): what the page asks for on load is the question.
    # A page with 40 open threads is large: on a busy machine it takes more than the usual 10 s.
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)
    tab = sign_in("parent.maya")
    requests = []
    tab.on("request", lambda request: requests.append(request))
    tab.goto(f"/ieps/{iep.id}/", wait_until="networkidle")

    expect(tab.locator(".thread:not(.thread--placeholder)")).to_have_count(40)
    expect(tab.locator(".comments__item")).to_have_count(80)
    assert _fragment_gets(requests) == []
    pages = [r.url for r in requests if r.resource_type == "document"]
    assert len(pages) == 1, pages
    assert_accessible(tab, "IEP page with 40 unread discussions")

    # The read thread is closed; opening it is the one fetch.
    requests.clear()
    with tab.expect_response(lambda r: r.url.endswith(f"/recommendations/{quiet.id}/thread/")):
        tab.locator(f"#discussion-{quiet.id} > summary").click()
    expect(tab.locator(f"#thread-{quiet.id}:not(.thread--placeholder)")).to_be_visible()
    assert len(_fragment_gets(requests)) == 1, _fragment_gets(requests)
