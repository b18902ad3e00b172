"""Hot paths stay flat: the same number of queries for 5 rows as for 200 (no N+1)."""
from datetime import date

import pytest
from django.db import connection

from apps.accounts.models import User
from apps.audit.models import AccessLog
from apps.ieps.models import IEP, Event, Position, Recommendation, RecommendationVersion
from apps.students.models import Membership, Role, Student

SIZES = [5, 200]


def _people(n, prefix):
    return User.objects.bulk_create(
        [User(email=f"{prefix}{i}@bulk.example", full_name=f"{prefix.title()} {i:03}") for i in range(n)]
    )


def _bulk_world(demo, n):
    """n more of everything around Maya: children in her district, team members, IEPs, and on one
    fresh IEP n recommendations by n different authors, each with a version and a position, plus
    n events and n access-log rows."""
    Student.objects.bulk_create([
        Student(district=demo.maya.district, school=demo.maya.school, first_name=f"Child{i:03}",
                last_name="Bulk", date_of_birth=date(2015, 1, 1)) for i in range(n)
    ])
    staff = _people(n, "clinician")
    Membership.objects.bulk_create(
        [Membership(user=u, student=demo.maya, role=Role.CLINICIAN, discipline="other") for u in staff]
    )
    IEP.objects.bulk_create([
        IEP(student=demo.maya, status=IEP.Status.SUPERSEDED, meeting_at=date(2000 + i % 20, 1, 1),
            annual_review_due=date(2001 + i % 20, 1, 1), created_by=demo.casemanager) for i in range(n)
    ])
    iep = IEP.objects.create(student=demo.maya, meeting_at=date(2027, 5, 1), annual_review_due=date(2028, 5, 1),
                             created_by=demo.casemanager, last_event_seq=n)
    recs = Recommendation.objects.bulk_create([
        Recommendation(iep=iep, author=author, kind="goal", title=f"Goal {i}", rationale="Because.")
        for i, author in enumerate(staff)
    ])
    rec = demo.maya_recs[0]
    RecommendationVersion.objects.bulk_create(
        [RecommendationVersion(recommendation=r, version=1, edited_by=r.author, kind=r.kind, title=r.title,
                               rationale=r.rationale, status=r.status) for r in recs]
        + [RecommendationVersion(recommendation=rec, version=2 + i, edited_by=staff[i], kind=rec.kind,
                                 title=f"{rec.title} ({i})", rationale=rec.rationale, status=rec.status)
           for i in range(n)]
    )
    Position.objects.bulk_create(
        [Position(recommendation=rec, user=u, role=Role.CLINICIAN, stance="agree") for u in staff]
    )
    Event.objects.bulk_create([Event(iep=iep, seq=i + 1, type="test.event", data={"i": i}) for i in range(n)])
    AccessLog.objects.bulk_create([
        AccessLog(user=u, role=Role.CLINICIAN, student=demo.maya, action="view", object_type="student",
                  object_id=demo.maya.id, purpose="IEP team work") for u in staff
    ])
    return iep


# endpoint → (persona, path, rows expected at n, the most queries it may take at any size).
# The bounds are the counts measured at 5 rows: the token (with its user), the caller's district
# admin rights, the visibility of the parent record, then count and page (IEP detail: the caller's
# membership and the access-log insert instead of count and page). The recommendation list and the
# events ask one more: whether the caller is an evaluator whose view stops at disputed recommendations.
# The IEP list of a student asks one more too: it is built from ieps_visible_to (the caller's
# district admin rights), so an evaluator's list stops at the IEPs in dispute. Every read also
# writes the access record (apps.audit.recording): the child the route names (one query) and one
# insert, none for the child's own parents; a list across children (the student list) asks the
# caller's roles for all of them at once instead.
CASES = {
    "student list": ("admin", lambda d, iep: "/api/v1/students/?page_size=200",
                     lambda n: n + 2, 6),
    # IEP detail: one more for its content hash (the recommendations' ids, versions and fields).
    "IEP detail": ("casemanager", lambda d, iep: f"/api/v1/ieps/{iep.id}/", None, 6),
    "recommendation list": ("ot", lambda d, iep: f"/api/v1/ieps/{iep.id}/recommendations/?page_size=200",
                            lambda n: n, 7),
    "IEP list of a student": ("parent.maya", lambda d, iep: f"/api/v1/students/{d.maya.id}/ieps/?page_size=200",
                              lambda n: n + 2, 7),
    "team": ("slp", lambda d, iep: f"/api/v1/students/{d.maya.id}/team/?page_size=200",
             lambda n: n + 4, 7),
    "versions": ("ot", lambda d, iep: f"/api/v1/recommendations/{d.maya_recs[0].id}/versions/?page_size=200",
                 lambda n: n + 1, 7),
    "positions": ("parent.maya",
                  lambda d, iep: f"/api/v1/recommendations/{d.maya_recs[0].id}/positions/?page_size=200",
                  lambda n: n + 2, 6),
    "events": ("ot", lambda d, iep: f"/api/v1/ieps/{iep.id}/events/?page_size=200", lambda n: n, 7),
    "access log": ("parent.maya", lambda d, iep: f"/api/v1/students/{d.maya.id}/access-log/?page_size=200",
                   lambda n: n, 6),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("endpoint", list(CASES))
def test_it_takes_the_same_few_queries_for_5_or_200_rows(api_as, demo, django_assert_max_num_queries,
                                                          endpoint, size):
    persona, path, rows, bound = CASES[endpoint]
    iep = _bulk_world(demo, size)
    client = api_as(persona)
    url = path(demo, iep)
    # SQLite takes at most 999 parameters a statement: 200 access-record rows go in two inserts.
    if connection.vendor == "sqlite" and size > 100 and endpoint == "student list":
        bound += 1
    with django_assert_max_num_queries(bound):
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    if rows is None:
        assert response.json()["id"] == iep.id
    else:
        body = response.json()
        assert body["count"] == rows(size)
        assert len(body["results"]) == min(rows(size), 200)
