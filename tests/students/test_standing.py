"""A person's standing on a child is read from the database each time it is worked out, never
from a memo kept on the user object: a membership taken away or given, or a district made theirs
to administer, is seen at once by the same request and by a user object that lives for hours
(a socket's). A page works the standing out once and asks every question with it."""
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import DistrictMembership
from apps.core.errors import NotFound
from apps.students import policy
from apps.students.models import Role
from apps.students.selectors import may_see_student, role_for, student_get_for
from apps.students.services import membership_grant, membership_revoke
from apps.students.standing import standing_for, standing_of
from tests.conftest import api_client_for


def test_a_membership_taken_away_is_seen_at_once_on_the_same_user_object(demo):
    ot = demo.ot
    assert may_see_student(ot, demo.maya) and policy.is_clinician_for(ot, demo.maya)
    membership_revoke(student=demo.maya, user=ot)
    assert role_for(ot, demo.maya) is None
    assert not may_see_student(ot, demo.maya)
    assert not policy.is_team_member(ot, demo.maya)
    with pytest.raises(NotFound):
        student_get_for(ot, demo.maya.id)


def test_a_membership_given_is_seen_at_once_on_the_same_user_object(demo):
    parent = demo.parent_leo
    assert role_for(parent, demo.maya) is None and not policy.is_team_member(parent, demo.maya)
    membership_grant(student=demo.maya, user=parent, role=Role.PARENT)
    assert role_for(parent, demo.maya) == Role.PARENT
    assert policy.is_parent_of(parent, demo.maya)
    assert student_get_for(parent, demo.maya.id) == demo.maya


def test_a_district_made_theirs_to_administer_is_seen_at_once_and_so_is_its_loss(demo):
    ot = demo.ot
    assert not policy.is_district_admin_for(ot, demo.leo)
    grant, _ = DistrictMembership.objects.update_or_create(user=ot, district=demo.leo.district,
                                                           defaults={"role": DistrictMembership.Role.ADMIN})
    assert policy.is_district_admin_for(ot, demo.leo)
    assert student_get_for(ot, demo.leo.id) == demo.leo
    grant.delete()
    assert not policy.is_district_admin_for(ot, demo.leo)


def test_a_standing_answers_only_for_its_own_child(demo):
    with pytest.raises(ValueError):
        policy.is_team_member(standing_for(demo.ot, demo.maya), demo.leo)
    assert standing_of(standing_for(demo.ot, demo.maya), demo.maya).team_role == Role.CLINICIAN


def _standing_reads(queries, user_id, student):
    """Reads of this person's membership of this child, or of whether they administer its district:
    what working out their standing asks (the header's summary of all their roles is not one)."""
    return [q["sql"] for q in queries
            if re.search(rf'"students_membership"\."student_id" = {student.id}\b', q["sql"])
            and re.search(rf'"students_membership"\."user_id" = {user_id}\b', q["sql"])
            or re.search(rf'"accounts_districtmembership"\."district_id" = {student.district_id}\b', q["sql"])
            and re.search(rf'"accounts_districtmembership"\."user_id" = {user_id}\b', q["sql"])]


@pytest.mark.parametrize("persona", ["ot", "casemanager", "parent_maya", "admin"])
def test_the_iep_page_works_out_the_readers_standing_once(demo, persona):
    from apps.discussions.selectors import thread_of
    from apps.discussions.services import comment_create

    user = getattr(demo, persona)
    for rec in demo.maya_recs[:3]:  # unread threads render into the page, each asking the policy
        comment_create(actor=demo.slp, thread=thread_of(rec), body="Seen at school")
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(f"/ieps/{demo.maya_iep.id}/")
    assert answer.status_code == 200
    reads = _standing_reads(captured.captured_queries, user.id, demo.maya)
    # The page, its signatures, its panels, every unread thread rendered in it and the access
    # record ask their questions with one standing.
    assert len(reads) == 1, "\n".join(reads)


@pytest.mark.parametrize("persona", ["ot", "parent_maya", "admin"])
def test_the_recommendation_list_works_out_the_readers_standing_once(demo, persona):
    user = getattr(demo, persona)
    with CaptureQueriesContext(connection) as captured:
        answer = api_client_for(user).get(f"/api/v1/ieps/{demo.maya_iep.id}/recommendations/")
    assert answer.status_code == 200
    reads = _standing_reads(captured.captured_queries, user.id, demo.maya)
    assert len(reads) == 1, "\n".join(reads)
