"""Two administrators approving overlapping requests at the same moment fund one evaluation, not
two; team members acknowledging at the same moment complete the consideration. Real concurrent
transactions need PostgreSQL (SQLite serialises every write)."""
import threading

import pytest

from apps.evaluations.models import EvaluationRequest
from apps.evaluations.services import requests as request_services
from tests.conftest import api_client_for
from tests.threads import at_once

from .helpers import TEAM, Flow, days_ahead

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_approvals_of_overlapping_requests_fund_only_one(transactional_demo, media, monkeypatch):
    d = transactional_demo
    flow = Flow(d, lambda persona: api_client_for(d.users[persona]))
    first = flow.request(recs=[flow.disputed[0]])["id"]
    second = flow.request(recs=[flow.disputed[0], flow.disputed[1]])["id"]

    # Both transactions are made to reach the "already funded?" question together, if they can.
    meeting = threading.Barrier(2, timeout=1.5)
    real_funded_q = request_services.funded_q

    def funded_q_after_meeting(*args, **kwargs):
        try:
            meeting.wait()
        except threading.BrokenBarrierError:
            pass  # the other one is held by the lock: as it should be
        return real_funded_q(*args, **kwargs)

    monkeypatch.setattr(request_services, "funded_q", funded_q_after_meeting)

    def approve(request_id):
        return lambda: api_client_for(d.admin).post(
            f"/api/v1/evaluation-requests/{request_id}/decision/",
            {"decision": "approve", "cost_cap": "1000", "report_due": days_ahead()}, format="json").status_code

    statuses = at_once(approve(first), approve(second))
    assert sorted(statuses) == [200, 409]
    assert EvaluationRequest.objects.filter(status="approved").count() == 1


def test_simultaneous_acknowledgements_complete_the_consideration(transactional_demo, media):
    d = transactional_demo
    flow = Flow(d, lambda persona: api_client_for(d.users[persona]))
    flow.to("submitted")
    statuses = at_once(*[
        (lambda p: lambda: api_client_for(d.users[p]).post(flow.url + "acknowledge/").status_code)(p) for p in TEAM
    ])
    assert statuses == [200] * len(TEAM)
    assert EvaluationRequest.objects.get(id=flow.id).status == "considered"
