"""The IEP page, with the panels the higher apps put in it, reads the database a fixed number of
times however many recommendations the IEP holds (no query per card or per panel)."""
from datetime import date

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.discussions.models import Comment, Thread
from apps.ieps.models import IEP, Position, Recommendation, RecommendationVersion


def _iep_with(demo, n, *, unread=False):
    iep = IEP.objects.create(student=demo.maya, meeting_at=date(2027, 5, 1), annual_review_due=date(2028, 5, 1),
                             created_by=demo.casemanager)
    recs = Recommendation.objects.bulk_create(
        [Recommendation(iep=iep, author=demo.ot, kind="goal", title=f"Goal {i}", rationale="Because.") for i in range(n)])
    RecommendationVersion.objects.bulk_create([
        RecommendationVersion(recommendation=r, version=1, edited_by=demo.ot, kind="goal", title=r.title,
                              rationale=r.rationale, status="proposed") for r in recs])
    Position.objects.bulk_create([Position(recommendation=r, user=demo.parent_maya, role="parent", stance="agree")
                                  for r in recs])
    if unread:
        # Every thread has others' comments nobody here has read, a reply among them: each
        # recommendation's discussion opens by itself and is rendered in the page.
        threads = Thread.objects.bulk_create([Thread(iep=iep, recommendation=r) for r in recs])
        firsts = Comment.objects.bulk_create([Comment(thread=t, author=demo.slp, author_role="clinician", body="First")
                                              for t in threads])
        Comment.objects.bulk_create([Comment(thread=c.thread, parent=c, author=demo.casemanager,
                                             author_role="case_manager", body="A **reply**") for c in firsts])
    return iep


def _queries(client, iep):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/ieps/{iep.id}/").status_code == 200
    return len(captured)


def test_the_iep_page_takes_the_same_queries_for_3_or_40_recommendations(demo):
    for persona in ("parent_maya", "ot", "admin"):
        client = Client()
        client.force_login(getattr(demo, persona))
        small, large = _queries(client, _iep_with(demo, 3)), _queries(client, _iep_with(demo, 40))
        assert small == large, (persona, small, large)
        assert large <= 40, (persona, large)


def test_the_iep_page_renders_unread_threads_in_itself_in_the_same_queries_for_4_or_40(demo):
    for persona in ("parent_maya", "ot", "admin"):
        client = Client()
        client.force_login(getattr(demo, persona))
        small_iep, large_iep = _iep_with(demo, 4, unread=True), _iep_with(demo, 40, unread=True)
        small, large = _queries(client, small_iep), _queries(client, large_iep)
        assert small == large, (persona, small, large)
        assert large <= 50, (persona, large)
        html = client.get(f"/ieps/{large_iep.id}/").content.decode()
        # Each thread is in the page with its comments, and nothing asks for it on load.
        assert html.count('class="comments__item"') == 80, persona
        assert 'hx-trigger="load"' not in html
        assert html.count("thread--placeholder") == 0


def test_read_threads_stay_closed_and_load_when_opened(demo):
    client = Client()
    client.force_login(demo.parent_maya)
    iep = _iep_with(demo, 3)
    html = client.get(f"/ieps/{iep.id}/").content.decode()
    assert html.count("thread--placeholder") == 3
    assert html.count('hx-trigger="toggle once from:closest details"') == 3
