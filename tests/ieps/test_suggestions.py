"""Suggested changes (issue 10, item 2; API.md): every transition and every refusal."""

import pytest

from apps.ieps.models import Event, Recommendation, RecommendationVersion, Suggestion
from apps.notifications.models import Notification
from tests.conftest import api_client_for
from tests.core.contract import assert_error
from tests.threads import at_once

pytestmark = pytest.mark.django_db

SUGGESTION_KEYS = {"id", "recommendation", "author", "changes", "reason", "base_version", "status", "decided_by",
                   "decision_note"}


def suggest(api_as, persona, rec, changes=None, reason="At home she tires after ten minutes.", base_version=1):
    return api_as(persona).post(f"/api/v1/recommendations/{rec.id}/suggestions/", {
        "changes": {"minutes_per_week": 45} if changes is None else changes, "reason": reason,
        "base_version": base_version}, format="json")


def act(api_as, persona, suggestion_id, step, body=None):
    return api_as(persona).post(f"/api/v1/suggestions/{suggestion_id}/{step}/", body or {}, format="json")


def error_code(answer):
    return answer.json()["error"]["code"]


@pytest.fixture
def ot_service(demo):
    return demo.maya_recs[0]  # the OT's 30 minutes a week, by Priya Natarajan


@pytest.fixture
def open_suggestion(api_as, ot_service):
    answer = suggest(api_as, "parent.maya", ot_service)
    assert answer.status_code == 201, answer.content
    return answer.json()


def test_a_parent_suggests_45_minutes_and_the_ot_accepts_it_as_a_new_version(demo, api_as, ot_service):
    answer = suggest(api_as, "parent.maya", ot_service)
    assert answer.status_code == 201, answer.content
    made = answer.json()
    assert SUGGESTION_KEYS <= set(made)
    assert (made["status"], made["changes"], made["base_version"], made["author"]["id"]) == (
        "open", {"minutes_per_week": 45}, 1, demo.parent_maya.id)

    accepted = act(api_as, "ot", made["id"], "accept")

    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["status"], accepted.json()["decided_by"]["id"]) == ("accepted", demo.ot.id)
    rec = Recommendation.objects.get(id=ot_service.id)
    assert (rec.version, rec.minutes_per_week) == (2, 45)
    note = RecommendationVersion.objects.get(recommendation=rec, version=2).change_note
    assert f"Suggestion {made['id']}" in note
    assert "suggested by Elena Rivera, accepted by Priya Natarajan" in note
    versions = api_as("parent.maya").get(f"/api/v1/recommendations/{rec.id}/versions/").json()["results"]
    assert versions[-1]["edited_by"]["id"] == demo.ot.id and "accepted by Priya Natarajan" in versions[-1]["change_note"]


def test_the_case_manager_may_accept_too(demo, api_as, open_suggestion):
    assert act(api_as, "casemanager", open_suggestion["id"], "accept").status_code == 200


def test_the_list_shows_every_suggestion_to_the_team_and_nobody_else(demo, api_as, ot_service, open_suggestion):
    path = f"/api/v1/recommendations/{ot_service.id}/suggestions/"
    for persona in ("ot", "slp", "casemanager", "admin", "parent.maya"):
        answer = api_as(persona).get(path)
        assert answer.status_code == 200
        assert [s["id"] for s in answer.json()["results"]] == [open_suggestion["id"]]
    assert api_as("parent.leo").get(path).status_code == 404
    assert api_as("teacher.leo").get(path).status_code == 404
    assert api_as(None).get(path).status_code == 401


def test_the_other_family_can_neither_suggest_nor_act_on_one(demo, api_as, ot_service, open_suggestion):
    assert suggest(api_as, "parent.leo", ot_service).status_code == 404
    for step in ("accept", "decline", "withdraw"):
        assert act(api_as, "parent.leo", open_suggestion["id"], step, {"note": "no"}).status_code == 404
    assert act(api_as, "ot", 999999, "accept").status_code == 404


def test_an_evaluator_may_not_suggest(demo, api_as, flow):
    flow.to("attested")
    rec = flow.disputed[0]
    assert api_as("evaluator").get(f"/api/v1/recommendations/{rec.id}/suggestions/").status_code == 200
    answer = suggest(api_as, "evaluator", rec)
    assert answer.status_code == 403
    assert error_code(answer) == "permission_denied"
    # Outside their scope the recommendation does not exist for them.
    assert suggest(api_as, "evaluator", demo.maya_recs[1]).status_code == 404
    assert not Suggestion.objects.exists()


def test_only_the_author_or_the_case_manager_decides(demo, api_as, open_suggestion):
    for persona in ("slp", "parent.maya", "admin"):
        assert act(api_as, persona, open_suggestion["id"], "accept").status_code == 403
        assert act(api_as, persona, open_suggestion["id"], "decline", {"note": "No."}).status_code == 403
    assert Suggestion.objects.get().status == "open"


@pytest.mark.parametrize("changes, field", [
    ({"minutes_per_week": 45, "status": "accepted"}, "changes.status"),
    ({"kind": "goal"}, "changes.kind"),
    ({}, "changes"),
    ({"minutes_per_week": -5}, "changes.minutes_per_week"),
    ({"minutes_per_week": 10 ** 20}, None),  # refused by the bounds before the serializer
    ({"title": "x" * 201}, "changes.title"),
])
def test_an_unknown_or_bad_change_is_refused_and_nothing_is_saved(demo, api_as, ot_service, changes, field):
    answer = suggest(api_as, "parent.maya", ot_service, changes)
    assert answer.status_code == 400, answer.content
    assert field is None or field in answer.json()["error"]["fields"], answer.json()
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize("body, field", [
    ({"changes": {"rationale": "   "}, "reason": "r", "base_version": 1}, "changes.rationale"),
    ({"changes": {"minutes_per_week": 30}, "reason": "r", "base_version": 1}, "changes"),
    ({"changes": {"minutes_per_week": 45}, "reason": "  ", "base_version": 1}, "reason"),
    ({"changes": {"minutes_per_week": 45}, "reason": "r", "base_version": 7}, "base_version"),
])
def test_a_suggestion_is_validated_like_an_edit(demo, api_as, ot_service, body, field):
    answer = api_as("parent.maya").post(f"/api/v1/recommendations/{ot_service.id}/suggestions/", body, format="json")
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["error"]["fields"], answer.json()
    assert not Suggestion.objects.exists()


def test_minutes_on_a_goal_are_refused(demo, api_as):
    goal = demo.maya_recs[3]
    answer = suggest(api_as, "parent.maya", goal, {"minutes_per_week": 20})
    assert answer.status_code == 400
    assert "changes.minutes_per_week" in answer.json()["error"]["fields"]


def test_accepting_a_stale_suggestion_is_refused_and_it_shows_what_changed_since(demo, api_as, ot_service,
                                                                                open_suggestion):
    revised = api_as("ot").patch(f"/api/v1/recommendations/{ot_service.id}/",
                                 {"setting": "In class", "change_note": "Moved into class"}, format="json")
    assert revised.status_code == 200

    answer = act(api_as, "ot", open_suggestion["id"], "accept")

    assert answer.status_code == 409
    assert error_code(answer) == "stale_suggestion"
    rec = Recommendation.objects.get(id=ot_service.id)
    assert (rec.version, rec.minutes_per_week) == (2, 30)
    [listed] = api_as("parent.maya").get(f"/api/v1/recommendations/{rec.id}/suggestions/").json()["results"]
    assert listed["status"] == "open" and listed["is_stale"] is True
    assert listed["changed_since"] == [{"field": "setting", "on_base_version": "Pull-out, OT room", "now": "In class"}]
    # It can still be declined, or the parent suggests again on version 2.
    assert suggest(api_as, "parent.maya", rec, base_version=2).status_code == 201


def test_decline_needs_a_note(demo, api_as, open_suggestion):
    for body in ({}, {"note": ""}, {"note": "   "}):
        answer = act(api_as, "ot", open_suggestion["id"], "decline", body)
        assert answer.status_code == 400, answer.content
        assert "note" in answer.json()["error"]["fields"]
    assert Suggestion.objects.get().status == "open"
    answer = act(api_as, "ot", open_suggestion["id"], "decline", {"note": "School data show 30 is enough."})
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["decision_note"]) == ("declined", "School data show 30 is enough.")


def test_only_the_suggester_withdraws_and_only_while_open(demo, api_as, open_suggestion):
    for persona in ("ot", "casemanager", "slp"):
        answer = act(api_as, persona, open_suggestion["id"], "withdraw")
        assert answer.status_code == 403
    answer = act(api_as, "parent.maya", open_suggestion["id"], "withdraw")
    assert answer.status_code == 200 and answer.json()["status"] == "withdrawn"
    for persona, step in (("parent.maya", "withdraw"), ("ot", "accept"), ("ot", "decline")):
        answer = act(api_as, persona, open_suggestion["id"], step, {"note": "late"})
        assert answer.status_code == 409
        assert error_code(answer) == "suggestion_closed"


def test_a_decided_suggestion_cannot_be_decided_again(demo, api_as, open_suggestion):
    assert act(api_as, "ot", open_suggestion["id"], "accept").status_code == 200
    again = act(api_as, "casemanager", open_suggestion["id"], "accept")
    assert again.status_code == 409 and error_code(again) == "suggestion_closed"
    assert Recommendation.objects.get(id=open_suggestion["recommendation"]).version == 2


def test_no_suggestion_on_an_iep_that_cannot_change(demo, api_as):
    from apps.ieps.models import IEP

    IEP.objects.filter(id=demo.maya_iep.id).update(status=IEP.Status.ACTIVE)
    answer = suggest(api_as, "parent.maya", demo.maya_recs[0])
    assert answer.status_code == 409 and error_code(answer) == "iep_locked"


def test_an_open_suggestion_is_not_accepted_after_the_iep_became_active(demo, api_as, open_suggestion):
    from apps.ieps.models import IEP

    IEP.objects.filter(id=demo.maya_iep.id).update(status=IEP.Status.ACTIVE)
    answer = act(api_as, "ot", open_suggestion["id"], "accept")
    assert answer.status_code == 409 and error_code(answer) == "iep_locked"
    assert Suggestion.objects.get().status == "open"


@pytest.mark.parametrize("status", ["active", "superseded"])
@pytest.mark.parametrize("persona,step,body", [("ot", "decline", {"note": "School data say 30 is enough."}),
                                               ("parent.maya", "withdraw", {}), ("ot", "accept", {})])
def test_no_step_on_a_suggestion_of_a_signed_iep_and_nothing_is_saved(demo, api_as, open_suggestion, status, persona,
                                                                       step, body):
    from apps.ieps.models import IEP

    IEP.objects.filter(id=demo.maya_iep.id).update(status=status)
    events, notifications = Event.objects.count(), Notification.objects.count()

    assert_error(act(api_as, persona, open_suggestion["id"], step, body), 409, "iep_locked")

    suggestion = Suggestion.objects.get()
    assert (suggestion.status, suggestion.decided_by, suggestion.decision_note) == ("open", None, "")
    assert (Event.objects.count(), Notification.objects.count()) == (events, notifications)


def test_each_step_is_an_event_about_its_recommendation(demo, api_as, ot_service):
    made = suggest(api_as, "parent.maya", ot_service).json()
    act(api_as, "ot", made["id"], "accept")
    second = suggest(api_as, "slp", ot_service, {"setting": "In class"}, base_version=2).json()
    act(api_as, "casemanager", second["id"], "decline", {"note": "Pull-out is quieter."})
    third = suggest(api_as, "parent.maya", ot_service, {"title": "OT, 45 minutes"}, base_version=2).json()
    act(api_as, "parent.maya", third["id"], "withdraw")

    events = list(Event.objects.filter(iep=demo.maya_iep, type__startswith="suggestion.").order_by("seq"))
    assert [e.type for e in events] == ["suggestion.created", "suggestion.accepted", "suggestion.created",
                                        "suggestion.declined", "suggestion.created", "suggestion.withdrawn"]
    assert {e.recommendation_id for e in events} == {ot_service.id}
    assert events[1].data["status"] == "accepted"
    assert Event.objects.filter(iep=demo.maya_iep, type="recommendation.updated").count() == 1


def test_notifications_go_to_who_decides_and_to_the_suggester_and_say_nothing_written(demo, api_as, ot_service):
    secret_reason, secret_note = "Her grandmother says she cries at homework", "Classroom data say otherwise"
    made = suggest(api_as, "parent.maya", ot_service, reason=secret_reason).json()
    created = Notification.objects.filter(kind="suggestion.created")
    assert {n.user_id for n in created} == {demo.ot.id, demo.casemanager.id}
    act(api_as, "ot", made["id"], "decline", {"note": secret_note})
    decided = Notification.objects.filter(kind="suggestion.decided")
    assert [n.user_id for n in decided] == [demo.parent_maya.id]
    for note in Notification.objects.filter(kind__startswith="suggestion."):
        assert secret_reason not in note.subject + note.text and secret_note not in note.subject + note.text
        assert note.url == f"/recommendations/{ot_service.id}/#suggestion-{made['id']}"


@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_once_one_wins_and_the_other_is_told(transactional_demo):
    d = transactional_demo
    rec = d.maya_recs[0]
    made = api_client_for(d.parent_maya).post(f"/api/v1/recommendations/{rec.id}/suggestions/", {
        "changes": {"minutes_per_week": 45}, "reason": "At home.", "base_version": 1}, format="json").json()
    clients = [api_client_for(u) for u in (d.ot, d.casemanager)]
    answers = at_once(*(lambda c=c: c.post(f"/api/v1/suggestions/{made['id']}/accept/", {}, format="json")
                        for c in clients))

    assert sorted(a.status_code for a in answers) == [200, 409]
    [refused] = [a for a in answers if a.status_code == 409]
    assert refused.json()["error"]["code"] == "suggestion_closed"
    assert Recommendation.objects.get(id=rec.id).version == 2
    assert RecommendationVersion.objects.filter(recommendation=rec).count() == 2
    assert Event.objects.filter(iep=d.maya_iep, type="suggestion.accepted").count() == 1
