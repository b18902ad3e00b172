"""The IEP page, with the panels the higher apps put in it, reads the database a fixed number of
times however many recommendations the IEP holds (no query per card or per panel)."""
from datetime import date

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.ieps.models import IEP, Position, Recommendation, RecommendationVersion


def _iep_with(demo, n):
    iep = IEP.objects.create(student=demo.maya, meeting_at=date(2027, 5, 1), annual_review_due=date(2028, 5, 1),
                             created_by=demo.casemanager)
    recs = Recommendation.objects.bulk_create(
        [Recommendation(iep=iep, author=demo.ot, kind="goal", title=f"Goal {i}", rationale="Because.") for i in range(n)])
    RecommendationVersion.objects.bulk_create([
        RecommendationVersion(recommendation=r, version=1, edited_by=demo.ot, kind="goal", title=r.title,
                              rationale=r.rationale, status="proposed") for r in recs])
    Position.objects.bulk_create([Position(recommendation=r, user=demo.parent_maya, role="parent", stance="agree")
                                  for r in recs])
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
