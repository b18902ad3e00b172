"""Positions follow the recommendation's versions (issue 10, item 1): each records the version it
was given on, reads as given on an older version after a new one until confirmed or changed, and
every change is a row of the history. The recommendation carries a summary of them."""
import pytest

from apps.ieps.models import Position, PositionRecord

pytestmark = pytest.mark.django_db


def put_position(api_as, persona, rec, **body):
    return api_as(persona).put(f"/api/v1/recommendations/{rec.id}/position/",
                               {"stance": "agree", **body}, format="json")


def positions(api_as, persona, rec):
    answer = api_as(persona).get(f"/api/v1/recommendations/{rec.id}/positions/")
    assert answer.status_code == 200, answer.content
    return {p["user"]["id"]: p for p in answer.json()["results"]}


def new_version(api_as, rec, **changes):
    answer = api_as("casemanager").patch(f"/api/v1/recommendations/{rec.id}/", {"minutes_per_week": 40, **changes},
                                format="json")
    assert answer.status_code == 200, answer.content
    return answer.json()


def test_a_position_given_on_version_1_reads_as_given_on_version_1_after_version_2(demo, api_as):
    rec = demo.maya_recs[0]  # the parent disagrees and the OT agrees, both on version 1
    assert positions(api_as, "slp", rec)[demo.parent_maya.id]["given_on_version"] == 1
    assert positions(api_as, "slp", rec)[demo.parent_maya.id]["on_current_version"] is True

    new_version(api_as, rec)

    mine = positions(api_as, "parent.maya", rec)[demo.parent_maya.id]
    assert (mine["given_on_version"], mine["on_current_version"], mine["stance"]) == (1, False, "disagree")


def test_the_same_position_again_on_the_new_version_confirms_it(demo, api_as):
    rec = demo.maya_recs[0]
    before = positions(api_as, "ot", rec)[demo.parent_maya.id]
    new_version(api_as, rec)
    same = {k: before[k] for k in ("stance", "basis", "observed_in", "examples")}

    answer = put_position(api_as, "parent.maya", rec, **same)

    assert answer.status_code == 200, answer.content
    assert (answer.json()["given_on_version"], answer.json()["on_current_version"]) == (2, True)
    assert positions(api_as, "ot", rec)[demo.parent_maya.id]["on_current_version"] is True
    # A confirmation is a row of the history; a second identical PUT on the same version is not.
    count = PositionRecord.objects.filter(recommendation=rec, user=demo.parent_maya).count()
    assert put_position(api_as, "parent.maya", rec, **same).status_code == 200
    assert PositionRecord.objects.filter(recommendation=rec, user=demo.parent_maya).count() == count


def test_every_change_of_mind_is_a_row_of_the_history_oldest_first(demo, api_as):
    rec = demo.maya_recs[1]
    assert put_position(api_as, "parent.maya", rec, stance="unsure", basis="Not sure yet").status_code == 200
    new_version(api_as, rec, minutes_per_week=45)
    assert put_position(api_as, "parent.maya", rec, stance="agree", basis="45 is right").status_code == 200

    answer = api_as("casemanager").get(f"/api/v1/recommendations/{rec.id}/positions/history/")

    assert answer.status_code == 200
    mine = [r for r in answer.json()["results"] if r["user"]["id"] == demo.parent_maya.id]
    assert [(r["stance"], r["given_on_version"]) for r in mine] == [("unsure", 1), ("agree", 2)]
    assert Position.objects.get(recommendation=rec, user=demo.parent_maya).stance == "agree"


def test_the_history_is_for_the_team_only(demo, api_as):
    rec = demo.maya_recs[0]
    path = f"/api/v1/recommendations/{rec.id}/positions/history/"
    assert api_as("parent.leo").get(path).status_code == 404
    assert api_as("teacher.leo").get(path).status_code == 404
    assert api_as(None).get(path).status_code == 401
    assert api_as("admin").get(path).status_code == 200


def test_the_seed_and_older_positions_are_in_the_history(demo, api_as):
    rec = demo.maya_recs[0]
    answer = api_as("ot").get(f"/api/v1/recommendations/{rec.id}/positions/history/").json()
    assert {(r["user"]["id"], r["stance"]) for r in answer["results"]} == {
        (demo.parent_maya.id, "disagree"), (demo.ot.id, "agree")}


def test_an_evaluator_records_no_position(demo, api_as, flow):
    flow.to("attested")
    answer = put_position(api_as, "evaluator", flow.disputed[0])
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "permission_denied"
    assert put_position(api_as, "parent.leo", demo.maya_recs[0]).status_code == 404


@pytest.mark.parametrize("stances, state", [
    ([], "none"),
    (["agree", "agree"], "consensus"),
    (["agree", "disagree"], "disputed"),
    (["agree", "unsure"], "open"),
    (["unsure", "disagree"], "disputed"),
])
def test_the_summary_counts_current_positions_and_names_the_state(demo, api_as, stances, state):
    rec = demo.maya_recs[2]  # no position in the seed
    for persona, stance in zip(("parent.maya", "slp"), stances):
        assert put_position(api_as, persona, rec, stance=stance).status_code == 200
    counts = {s: stances.count(s) for s in ("agree", "disagree", "unsure")}

    detail = api_as("ot").get(f"/api/v1/recommendations/{rec.id}/").json()
    listed = {r["id"]: r for r in api_as("ot").get(f"/api/v1/ieps/{demo.maya_iep.id}/recommendations/").json()["results"]}

    assert detail["positions_summary"] == {**counts, "state": state}
    assert listed[rec.id]["positions_summary"] == {**counts, "state": state}


def test_the_seeded_dispute_reads_as_disputed(demo, api_as):
    summary = api_as("parent.maya").get(f"/api/v1/recommendations/{demo.maya_recs[0].id}/").json()["positions_summary"]
    assert summary == {"agree": 1, "disagree": 1, "unsure": 0, "state": "disputed"}


def test_the_recommendation_page_says_given_on_version_1_after_version_2(demo, client, api_as):
    rec = demo.maya_recs[0]
    new_version(api_as, rec)
    client.force_login(demo.parent_maya)

    html = client.get(f"/recommendations/{rec.id}/").content.decode()
    card = client.get(f"/recommendations/{rec.id}/card/").content.decode()

    for shown in (html, card):
        assert "Given on version 1" in shown
        assert "Disputed" in shown
    # The page's summary names who has not said yet (the SLP and the case manager).
    assert "Marcus Bell" in html and "Sam Okafor" in html
