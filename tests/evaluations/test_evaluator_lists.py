"""Every list an attested evaluator reads stops at the dispute: an IEP of the same child that holds
no disputed recommendation is not theirs to know of (issue 7, item 10)."""
from datetime import date

import pytest

from apps.ieps import services as ieps
from tests.core.contract import assert_error, results


@pytest.fixture
def second_iep(demo):
    """A later draft IEP of Maya's with a recommendation nobody disputes."""
    iep = ieps.iep_create(actor=demo.casemanager, student=demo.maya, meeting_at=date(2027, 5, 3))
    rec = ieps.recommendation_create(actor=demo.ot, iep=iep, kind="goal", title="Type a paragraph",
                                     rationale="Keyboarding is faster for her than handwriting.")
    return iep, rec


def test_an_attested_evaluator_lists_only_the_ieps_in_dispute(flow, demo, second_iep):
    iep, _rec = second_iep
    flow.to("attested")
    listed = results(flow.api_as("evaluator").get(f"/api/v1/students/{demo.maya.id}/ieps/"))
    assert [row["id"] for row in listed] == [demo.maya_iep.id]
    assert_error(flow.api_as("evaluator").get(f"/api/v1/ieps/{iep.id}/"), 404)


@pytest.mark.parametrize("persona", ["casemanager", "ot", "admin", "parent.maya"])
def test_the_team_and_the_district_still_list_every_iep_of_the_child(flow, demo, second_iep, persona):
    iep, _rec = second_iep
    flow.to("attested")
    listed = results(flow.api_as(persona).get(f"/api/v1/students/{demo.maya.id}/ieps/"))
    assert {row["id"] for row in listed} == {demo.maya_iep.id, iep.id}


@pytest.mark.parametrize("persona", ["parent.leo", "teacher.leo"])
def test_people_outside_the_team_do_not_learn_the_child_has_ieps(flow, demo, second_iep, persona):
    flow.to("attested")
    assert_error(flow.api_as(persona).get(f"/api/v1/students/{demo.maya.id}/ieps/"), 404)


def test_an_evaluator_whose_engagement_ended_lists_nothing(flow, demo, second_iep):
    flow.to("attested")
    flow.ok(flow.call("admin", "post", flow.url + "revoke/", {"note": "Ended."}))
    assert_error(flow.api_as("evaluator").get(f"/api/v1/students/{demo.maya.id}/ieps/"), 404)
