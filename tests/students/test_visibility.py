"""Another family's child does not exist for you: every path to it answers 404, never 403."""
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.students.models import Role
from apps.students.services import membership_grant, membership_revoke
from tests.core.contract import assert_error, results


def _every_read_of(demo, student):
    iep = demo.maya_iep if student == demo.maya else demo.leo_iep
    recs = demo.maya_recs if student == demo.maya else demo.leo_recs
    paths = [
        f"/api/v1/students/{student.id}/",
        f"/api/v1/students/{student.id}/team/",
        f"/api/v1/students/{student.id}/access-log/",
        f"/api/v1/students/{student.id}/ieps/",
        f"/api/v1/ieps/{iep.id}/",
        f"/api/v1/ieps/{iep.id}/recommendations/",
        f"/api/v1/ieps/{iep.id}/events/",
    ]
    for rec in recs:
        paths += [
            f"/api/v1/recommendations/{rec.id}/",
            f"/api/v1/recommendations/{rec.id}/versions/",
            f"/api/v1/recommendations/{rec.id}/positions/",
        ]
    return paths


def _every_write_on(demo, student):
    iep = demo.maya_iep if student == demo.maya else demo.leo_iep
    rec = (demo.maya_recs if student == demo.maya else demo.leo_recs)[0]
    return [
        ("post", f"/api/v1/students/{student.id}/team/", {"email": "x@example.org", "role": "parent"}),
        ("post", f"/api/v1/students/{student.id}/ieps/", {"meeting_at": "2027-01-10"}),
        ("post", f"/api/v1/ieps/{iep.id}/status/", {"status": "proposed"}),
        ("post", f"/api/v1/ieps/{iep.id}/recommendations/", {"kind": "goal", "title": "t", "rationale": "r"}),
        ("patch", f"/api/v1/recommendations/{rec.id}/", {"rationale": "changed"}),
        ("put", f"/api/v1/recommendations/{rec.id}/position/", {"stance": "agree"}),
    ]


@pytest.mark.parametrize("persona", ["parent.leo", "teacher.leo"])
def test_people_on_leos_team_cannot_find_anything_of_mayas(api_as, demo, persona):
    client = api_as(persona)
    for path in _every_read_of(demo, demo.maya):
        assert_error(client.get(path), 404)
    for method, path, payload in _every_write_on(demo, demo.maya):
        assert_error(getattr(client, method)(path, payload, format="json"), 404)


@pytest.mark.parametrize("persona", ["parent.maya", "ot", "slp"])
def test_people_on_mayas_team_cannot_find_anything_of_leos(api_as, demo, persona):
    client = api_as(persona)
    for path in _every_read_of(demo, demo.leo):
        assert_error(client.get(path), 404)


def test_a_parent_is_not_told_whether_another_childs_record_exists(api_as, demo):
    # A record that exists but is not theirs answers exactly like one that never existed.
    client = api_as("parent.leo")
    missing = client.get("/api/v1/students/999999/")
    hidden = client.get(f"/api/v1/students/{demo.maya.id}/")
    assert missing.status_code == hidden.status_code == 404
    assert missing.json() == hidden.json()


def test_the_evaluator_without_an_engagement_sees_no_child_at_all(api_as, demo):
    client = api_as("evaluator")
    assert results(client.get("/api/v1/students/")) == []
    me = client.get("/api/v1/me/").json()
    assert me["memberships"] == [] and me["district_admin_of"] == []
    for student in (demo.maya, demo.leo):
        for path in _every_read_of(demo, student):
            assert_error(client.get(path), 404)
        for method, path, payload in _every_write_on(demo, student):
            assert_error(getattr(client, method)(path, payload, format="json"), 404)


def test_an_engaged_evaluator_reads_the_disputed_recommendation_but_takes_no_position(api_as, demo):
    from apps.ieps.services import evaluator_scope_set

    membership = membership_grant(student=demo.maya, user=demo.evaluator, role=Role.EVALUATOR,
                                  expires_at=timezone.now() + timedelta(days=30))
    evaluator_scope_set(membership=membership, recommendation_ids=[demo.maya_recs[0].id])
    client = api_as("evaluator")
    assert {row["id"] for row in results(client.get("/api/v1/students/"))} == {demo.maya.id}
    assert client.get(f"/api/v1/recommendations/{demo.maya_recs[0].id}/").status_code == 200
    assert_error(client.put(f"/api/v1/recommendations/{demo.maya_recs[0].id}/position/",
                            {"stance": "agree"}, format="json"), 403)
    # Recommendations not in dispute stay out of sight.
    assert_error(client.get(f"/api/v1/recommendations/{demo.maya_recs[1].id}/"), 404)
    # Still nothing of Leo's.
    assert_error(client.get(f"/api/v1/students/{demo.leo.id}/"), 404)


def test_an_expired_engagement_grants_nothing(api_as, demo):
    membership_grant(student=demo.maya, user=demo.evaluator, role=Role.EVALUATOR,
                     expires_at=timezone.now() - timedelta(minutes=1))
    client = api_as("evaluator")
    assert results(client.get("/api/v1/students/")) == []
    assert_error(client.get(f"/api/v1/students/{demo.maya.id}/"), 404)
    assert client.get("/api/v1/me/").json()["memberships"] == []


def test_a_revoked_membership_hides_the_child_again(api_as, demo):
    membership_grant(student=demo.maya, user=demo.evaluator, role=Role.EVALUATOR,
                     expires_at=timezone.now() + timedelta(days=30))
    assert api_as("evaluator").get(f"/api/v1/students/{demo.maya.id}/").status_code == 200
    membership_revoke(student=demo.maya, user=demo.evaluator)
    assert_error(api_as("evaluator").get(f"/api/v1/students/{demo.maya.id}/"), 404)


def test_the_district_admin_sees_every_child_of_the_district_but_no_other_district(api_as, demo):
    from apps.accounts.models import District, School
    from apps.students.models import Student

    other = District.objects.create(name="Elsewhere District")
    school = School.objects.create(district=other, name="Hilltop")
    stranger = Student.objects.create(district=other, school=school, first_name="Ana", last_name="Ruiz",
                                      date_of_birth="2016-01-01")
    client = api_as("admin")
    assert {row["id"] for row in results(client.get("/api/v1/students/"))} == {demo.maya.id, demo.leo.id}
    assert_error(client.get(f"/api/v1/students/{stranger.id}/"), 404)
