"""The `notice.issued` event (issue 10): it reaches the child's team on the IEP's channel and nobody
else, and an evaluator whose scope does not hold the recommendation gets it redacted."""
import pytest
from channels.db import database_sync_to_async

from tests.conftest import api_client_for
from tests.evaluations.helpers import Flow
from tests.live import connect_member, drain

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

BODY = {"action": "propose", "reasons": "A reason only the team may read.", "data_used": "Progress data.",
        "options_considered": "Keeping 60 minutes."}


def issue(d, rec):
    def run():
        return api_client_for(d.casemanager).post(f"/api/v1/recommendations/{rec.id}/notice/", BODY, format="json")
    return database_sync_to_async(run)()


async def test_a_notice_issued_reaches_the_team_and_nobody_else(transactional_demo):
    d = transactional_demo
    team = [await connect_member(d.maya_iep.id, u) for u in (d.parent_maya, d.ot, d.casemanager, d.admin)]
    outsiders = [await connect_member(d.leo_iep.id, u) for u in (d.parent_leo, d.teacher_leo, d.casemanager)]

    answer = await issue(d, d.maya_recs[0])
    assert answer.status_code == 201, answer.content
    notice = answer.json()

    for socket, _hello in team:
        frames = [f for f in await drain(socket) if "seq" in f]
        assert frames[-1]["type"] == "notice.issued"
        assert frames[-1]["data"]["id"] == notice["id"]
        assert frames[-1]["data"]["recommendation"] == d.maya_recs[0].id
        assert frames[-1]["data"]["pdf_url"] == notice["pdf_url"]
    for socket, _hello in outsiders:
        assert await drain(socket) == []
    for socket, _ in team + outsiders:
        await socket.disconnect()


async def test_an_evaluator_outside_the_recommendations_scope_gets_it_redacted(transactional_demo):
    d = transactional_demo
    await database_sync_to_async(
        Flow(d, lambda persona: api_client_for(d.users[persona] if persona else None)).to)("attested")
    evaluator, _ = await connect_member(d.maya_iep.id, d.evaluator)

    outside = (await issue(d, d.maya_recs[1])).json()  # speech therapy: not in dispute
    inside = (await issue(d, d.maya_recs[0])).json()  # the OT service: in the evaluator's scope

    frames = [f for f in await drain(evaluator) if "seq" in f]
    assert [f["type"] for f in frames[-2:]] == ["redacted", "notice.issued"]
    assert frames[-2]["data"] == {}
    assert frames[-1]["data"]["id"] == inside["id"] and outside["id"] != inside["id"]
    await evaluator.disconnect()
