"""34 CFR 300.614: a record of who opened a child's file (name, date, purpose), readable by the parents."""
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.audit.models import AccessLog
from apps.students.models import Role
from apps.students.services import membership_grant
from tests.core.contract import assert_error, results


def _detail_paths(demo):
    """The three detail reads of Maya's record, with what the log must name as the object."""
    rec = demo.maya_recs[0]
    return [
        (f"/api/v1/students/{demo.maya.id}/", "student", demo.maya.id),
        (f"/api/v1/ieps/{demo.maya_iep.id}/", "iep", demo.maya_iep.id),
        (f"/api/v1/recommendations/{rec.id}/", "recommendation", rec.id),
    ]


@pytest.mark.parametrize(
    "persona,role,purpose",
    [
        ("ot", "clinician", "IEP team work"),
        ("slp", "clinician", "IEP team work"),
        ("casemanager", "case_manager", "IEP team work"),
        ("admin", "district_admin", "District administration"),
    ],
)
def test_it_records_each_staff_or_admin_read_of_a_childs_record(api_as, demo, persona, role, purpose):
    client = api_as(persona)
    started = timezone.now()
    for path, object_type, object_id in _detail_paths(demo):
        before = AccessLog.objects.count()
        assert client.get(path).status_code == 200
        assert AccessLog.objects.count() == before + 1
        row = AccessLog.objects.order_by("-id").first()
        assert row.user == demo.users[persona]
        assert row.role == role
        assert row.student == demo.maya
        assert row.action == "view"
        assert (row.object_type, row.object_id) == (object_type, object_id)
        assert row.purpose == purpose
        assert started <= row.at <= timezone.now()


def test_it_records_an_engaged_evaluators_reads_as_independent_evaluation(api_as, demo):
    membership_grant(student=demo.maya, user=demo.evaluator, role=Role.EVALUATOR,
                     expires_at=timezone.now() + timedelta(days=30))
    assert api_as("evaluator").get(f"/api/v1/students/{demo.maya.id}/").status_code == 200
    row = AccessLog.objects.get()
    assert (row.user, row.role, row.purpose) == (demo.evaluator, "evaluator", "independent evaluation")


def test_it_does_not_record_the_childs_own_parent_reading_the_record(api_as, demo):
    client = api_as("parent.maya")
    for path, _type, _id in _detail_paths(demo):
        assert client.get(path).status_code == 200
    assert client.get(f"/api/v1/students/{demo.maya.id}/access-log/").status_code == 200
    assert AccessLog.objects.count() == 0


def test_it_does_not_record_refused_reads(api_as, demo):
    for path, _type, _id in _detail_paths(demo):
        assert_error(api_as("parent.leo").get(path), 404)
        assert_error(api_as("teacher.leo").get(path), 404)
        assert_error(api_as("evaluator").get(path), 404)
        assert_error(api_as(None).get(path), 401)
    assert AccessLog.objects.count() == 0


def test_the_parent_reads_who_opened_the_file_with_the_contracts_fields(api_as, demo):
    ot = demo.ot
    assert api_as("ot").get(f"/api/v1/students/{demo.maya.id}/").status_code == 200
    assert api_as("admin").get(f"/api/v1/ieps/{demo.maya_iep.id}/").status_code == 200
    # A read of Leo's file is not Maya's parent's business.
    assert api_as("teacher.leo").get(f"/api/v1/students/{demo.leo.id}/").status_code == 200

    rows = results(api_as("parent.maya").get(f"/api/v1/students/{demo.maya.id}/access-log/"))

    assert len(rows) == 2
    newest, oldest = rows
    assert set(oldest) == {"who", "role", "at", "action", "purpose", "object"}
    assert oldest["who"] == {"id": ot.id, "full_name": "Priya Natarajan", "email": "ot@demo.example"}
    assert oldest["role"] == "clinician"
    assert oldest["action"] == "view"
    assert oldest["purpose"] == "IEP team work"
    assert oldest["object"] == {"type": "student", "id": demo.maya.id}
    assert parse_datetime(oldest["at"]) is not None
    assert newest["who"]["email"] == "admin@demo.example"
    assert newest["role"] == "district_admin"
    assert newest["object"] == {"type": "iep", "id": demo.maya_iep.id}
    assert parse_datetime(newest["at"]) >= parse_datetime(oldest["at"])


def test_the_district_admin_reads_the_access_record_too(api_as, demo):
    assert api_as("slp").get(f"/api/v1/recommendations/{demo.maya_recs[1].id}/").status_code == 200
    rows = results(api_as("admin").get(f"/api/v1/students/{demo.maya.id}/access-log/"))
    assert [(r["who"]["email"], r["object"]["type"]) for r in rows] == [("slp@demo.example", "recommendation")]


@pytest.mark.parametrize("persona", ["ot", "slp", "casemanager"])
def test_other_team_members_may_not_read_the_access_record(api_as, demo, persona):
    assert api_as("ot").get(f"/api/v1/students/{demo.maya.id}/").status_code == 200
    assert_error(api_as(persona).get(f"/api/v1/students/{demo.maya.id}/access-log/"), 403)


def test_another_familys_parent_does_not_learn_the_record_exists(api_as, demo):
    assert_error(api_as("parent.leo").get(f"/api/v1/students/{demo.maya.id}/access-log/"), 404)
