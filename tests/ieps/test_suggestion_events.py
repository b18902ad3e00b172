"""The four suggestion events on the IEP's live channel (as tests/ieps/test_event_delivery.py does
for the others): each reaches the child's team and nobody else, and an attested evaluator gets it
in full only for a recommendation in their scope; any other arrives `redacted`, in its place."""
import pytest
from channels.db import database_sync_to_async

from tests.conftest import api_client_for
from tests.evaluations.helpers import Flow
from tests.live import connect_member, drain

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

SECRET_REASON = "Her grandmother says she cries over homework"


def call(user, method, path, data=None):
    def run():
        return getattr(api_client_for(user), method)(path, data, format="json")
    return database_sync_to_async(run)()


async def _suggest(d, rec):
    answer = await call(d.parent_maya, "post", f"/api/v1/recommendations/{rec.id}/suggestions/", {
        "changes": {"rationale": "Keep two sessions until handwriting endurance reaches 20 minutes."},
        "reason": SECRET_REASON, "base_version": 1})
    assert answer.status_code == 201, answer.content
    return answer


async def cause_created(d, rec):
    return await _suggest(d, rec)


async def cause_accepted(d, rec):
    made = (await _suggest(d, rec)).json()
    return await call(d.casemanager, "post", f"/api/v1/suggestions/{made['id']}/accept/")


async def cause_declined(d, rec):
    made = (await _suggest(d, rec)).json()
    return await call(d.casemanager, "post", f"/api/v1/suggestions/{made['id']}/decline/", {"note": "Not now."})


async def cause_withdrawn(d, rec):
    made = (await _suggest(d, rec)).json()
    return await call(d.parent_maya, "post", f"/api/v1/suggestions/{made['id']}/withdraw/")


CASES = {
    "suggestion.created": cause_created,
    "suggestion.accepted": cause_accepted,
    "suggestion.declined": cause_declined,
    "suggestion.withdrawn": cause_withdrawn,
}


@pytest.mark.parametrize("event_type", CASES)
async def test_each_suggestion_event_reaches_the_team_and_nobody_else(transactional_demo, event_type):
    d = transactional_demo
    team = [await connect_member(d.maya_iep.id, u) for u in (d.parent_maya, d.ot, d.casemanager, d.admin)]
    outsiders = [await connect_member(d.leo_iep.id, u) for u in (d.parent_leo, d.teacher_leo, d.casemanager)]

    answer = await CASES[event_type](d, d.maya_recs[0])
    assert answer.status_code in (200, 201), answer.content

    for socket, _hello in team:
        events = [f for f in await drain(socket) if "seq" in f]
        assert events[-1]["type"] == event_type
        assert events[-1]["data"] == answer.json()
        assert events[-1]["data"]["recommendation"] == d.maya_recs[0].id
    for socket, _hello in outsiders:
        assert await drain(socket) == []
    for socket, _ in team + outsiders:
        await socket.disconnect()


@pytest.mark.parametrize("event_type", CASES)
async def test_an_evaluator_gets_suggestion_events_outside_their_scope_redacted(transactional_demo, event_type):
    d = transactional_demo

    def attest():
        Flow(d, lambda persona: api_client_for(d.users[persona] if persona else None)).to("attested")

    await database_sync_to_async(attest)()
    evaluator, _ = await connect_member(d.maya_iep.id, d.evaluator)
    outside, inside = d.maya_recs[1], d.maya_recs[0]  # the SLP's service; the disputed OT service

    await CASES[event_type](d, outside)
    frames = [f for f in await drain(evaluator) if "seq" in f]
    assert frames and {f["type"] for f in frames} == {"redacted"}
    assert all(f["data"] == {} for f in frames)
    assert SECRET_REASON not in str(frames)

    await CASES[event_type](d, inside)
    frames = [f for f in await drain(evaluator) if "seq" in f]
    assert frames[-1]["type"] == event_type and frames[-1]["data"]["recommendation"] == inside.id
    await evaluator.disconnect()
