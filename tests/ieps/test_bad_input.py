"""Bad input gets the precise 4xx in the contract's error shape, never a 500, and saves nothing."""
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from apps.ieps.models import IEP, Event, Position, Recommendation, RecommendationVersion
from apps.students.models import Invitation, Membership
from tests.consent import give_every_parent_consent
from tests.core.contract import assert_error

SERVICE = {"kind": "service", "area": "Fine motor", "title": "OT, 30 minutes a week",
           "rationale": "Grip strength below age level.", "minutes_per_week": 30, "setting": "OT room"}


def _without(data, key):
    return {k: v for k, v in data.items() if k != key}


def _make_mayas_iep_active(demo):
    give_every_parent_consent(demo.maya_iep)


@dataclass
class Case:
    persona: str
    method: str
    path: Callable  # demo → path
    status: int
    code: str
    fields: set = field(default_factory=set)  # field names the error must name
    body: Any = None  # a dict sent as JSON, or raw text with `content_type`
    content_type: str | None = None
    setup: Callable | None = None


def _recs(d):
    return f"/api/v1/ieps/{d.maya_iep.id}/recommendations/"


def _ot_rec(d):
    return f"/api/v1/recommendations/{d.maya_recs[0].id}/"


def _slp_rec(d):
    return f"/api/v1/recommendations/{d.maya_recs[1].id}/"


def _ieps(d):
    return f"/api/v1/students/{d.maya.id}/ieps/"


def _events(after):
    return lambda d: f"/api/v1/ieps/{d.maya_iep.id}/events/?after={after}"


CASES = {
    # Creating a recommendation.
    "missing rationale": Case("ot", "post", _recs, 400, "invalid", {"rationale"}, _without(SERVICE, "rationale")),
    "blank rationale": Case("ot", "post", _recs, 400, "invalid", {"rationale"}, {**SERVICE, "rationale": "   "}),
    "null rationale": Case("ot", "post", _recs, 400, "invalid", {"rationale"}, {**SERVICE, "rationale": None}),
    "negative minutes": Case("ot", "post", _recs, 400, "invalid", {"minutes_per_week"},
                             {**SERVICE, "minutes_per_week": -30}),
    "minutes as words": Case("ot", "post", _recs, 400, "invalid", {"minutes_per_week"},
                             {**SERVICE, "minutes_per_week": "lots"}),
    "minutes on a goal": Case("ot", "post", _recs, 400, "invalid", {"minutes_per_week"},
                              {**SERVICE, "kind": "goal"}),
    "minutes on an accommodation": Case("ot", "post", _recs, 400, "invalid", {"minutes_per_week"},
                                        {**SERVICE, "kind": "accommodation"}),
    "unknown kind": Case("ot", "post", _recs, 400, "invalid", {"kind"}, {**SERVICE, "kind": "therapy"}),
    "missing kind": Case("ot", "post", _recs, 400, "invalid", {"kind"}, _without(SERVICE, "kind")),
    "title of 201 characters": Case("ot", "post", _recs, 400, "invalid", {"title"}, {**SERVICE, "title": "t" * 201}),
    "a 1 MB title": Case("ot", "post", _recs, 400, "invalid", {"title"}, {**SERVICE, "title": "t" * 1_000_000}),
    "a body over 2.5 MB": Case("ot", "post", _recs, 413, "too_large", set(),
                               json.dumps({**SERVICE, "description": "d" * 2_700_000}), "application/json"),
    "malformed JSON": Case("ot", "post", _recs, 400, "malformed_request", set(), '{"kind": "service",',
                           "application/json"),
    "a JSON array": Case("ot", "post", _recs, 400, "invalid", {"non_field_errors"}, json.dumps([SERVICE]),
                         "application/json"),
    "a JSON string": Case("ot", "post", _recs, 400, "invalid", {"non_field_errors"}, '"service"',
                          "application/json"),
    "plain text": Case("ot", "post", _recs, 415, "unsupported_media_type", set(), "kind=service", "text/plain"),
    "title as a number": Case("ot", "post", _recs, 400, "invalid", {"title"}, {**SERVICE, "title": 42}),
    "title as an object": Case("ot", "post", _recs, 400, "invalid", {"title"}, {**SERVICE, "title": {"en": "OT"}}),
    "title as a list": Case("ot", "post", _recs, 400, "invalid", {"title"}, {**SERVICE, "title": ["OT"]}),
    "rationale as true": Case("ot", "post", _recs, 400, "invalid", {"rationale"}, {**SERVICE, "rationale": True}),
    "a recommendation on an active IEP": Case("ot", "post", _recs, 409, "iep_locked", set(), SERVICE,
                                              setup=_make_mayas_iep_active),
    # Changing a recommendation.
    "PATCH of another clinician's recommendation": Case("ot", "patch", _slp_rec, 403, "permission_denied", set(),
                                                         {"rationale": "I know better."}),
    "PATCH on an active IEP": Case("ot", "patch", _ot_rec, 409, "iep_locked", set(), {"rationale": "Late change."},
                                   setup=_make_mayas_iep_active),
    "PATCH with a blank rationale": Case("ot", "patch", _ot_rec, 400, "invalid", {"rationale"}, {"rationale": ""}),
    "PATCH turning a service with minutes into a goal": Case("ot", "patch", _ot_rec, 400, "invalid",
                                                             {"minutes_per_week"}, {"kind": "goal"}),
    "PATCH with negative minutes": Case("ot", "patch", _ot_rec, 400, "invalid", {"minutes_per_week"},
                                        {"minutes_per_week": -1}),
    "PATCH with an unknown status": Case("ot", "patch", _ot_rec, 400, "invalid", {"status"}, {"status": "approved"}),
    "PATCH with a title as a number": Case("ot", "patch", _ot_rec, 400, "invalid", {"title"}, {"title": 7}),
    "PATCH with a JSON array": Case("ot", "patch", _ot_rec, 400, "invalid", {"non_field_errors"}, "[]",
                                    "application/json"),
    "PATCH with malformed JSON": Case("ot", "patch", _ot_rec, 400, "malformed_request", set(), "{", "application/json"),
    # Positions.
    "position with an unknown stance": Case("slp", "put", lambda d: _ot_rec(d) + "position/", 400, "invalid",
                                            {"stance"}, {"stance": "maybe"}),
    "position observed on the moon": Case("slp", "put", lambda d: _ot_rec(d) + "position/", 400, "invalid",
                                          {"observed_in"}, {"stance": "agree", "observed_in": "moon"}),
    "position without a stance": Case("slp", "put", lambda d: _ot_rec(d) + "position/", 400, "invalid",
                                      {"stance"}, {"basis": "no stance"}),
    "position basis as a number": Case("slp", "put", lambda d: _ot_rec(d) + "position/", 400, "invalid",
                                       {"basis"}, {"stance": "agree", "basis": 3}),
    # IEPs.
    "IEP with an impossible date": Case("casemanager", "post", _ieps, 400, "invalid", {"meeting_at"},
                                        {"meeting_at": "2026-02-30"}),
    "IEP with a date that is not a date": Case("casemanager", "post", _ieps, 400, "invalid", {"meeting_at"},
                                               {"meeting_at": "next Tuesday"}),
    "IEP without a meeting date": Case("casemanager", "post", _ieps, 400, "invalid", {"meeting_at"}, {}),
    "IEP evaluated after the meeting": Case("casemanager", "post", _ieps, 400, "invalid", {"last_evaluated_on"},
                                            {"meeting_at": "2027-01-10", "last_evaluated_on": "2027-02-01"}),
    "IEP whose review would fall after 9999": Case("casemanager", "post", _ieps, 400, "invalid", {"meeting_at"},
                                                  {"meeting_at": "9999-12-31"}),
    "IEP whose reevaluation would fall after 9999": Case(
        "casemanager", "post", _ieps, 400, "invalid", {"last_evaluated_on"},
        {"meeting_at": "9998-06-01", "last_evaluated_on": "9998-01-01"}),
    "IEP status that does not exist": Case("casemanager", "post", lambda d: f"/api/v1/ieps/{d.maya_iep.id}/status/",
                                           400, "invalid", {"status"}, {"status": "archived"}),
    "IEP status skipping a step": Case("casemanager", "post", lambda d: f"/api/v1/ieps/{d.leo_iep.id}/status/",
                                       409, "invalid_transition", set(), {"status": "superseded"}),
    "IEP activated by hand": Case("casemanager", "post", lambda d: f"/api/v1/ieps/{d.maya_iep.id}/status/",
                                  409, "consent_required", set(), {"status": "active"}),
    # Events.
    "events after -1": Case("ot", "get", _events("-1"), 400, "invalid", {"after"}),
    "events after abc": Case("ot", "get", _events("abc"), 400, "invalid", {"after"}),
    # Team invitations.
    "invitation to a bad address": Case("casemanager", "post", lambda d: f"/api/v1/students/{d.maya.id}/team/", 400,
                                        "invalid", {"email"}, {"email": "not-an-address", "role": "parent"}),
    "invitation of an evaluator": Case("casemanager", "post", lambda d: f"/api/v1/students/{d.maya.id}/team/", 400,
                                       "invalid", {"role"}, {"email": "e@example.org", "role": "evaluator"}),
    "invitation of a clinician without a discipline": Case(
        "casemanager", "post", lambda d: f"/api/v1/students/{d.maya.id}/team/", 400, "invalid", {"discipline"},
        {"email": "c@example.org", "role": "clinician"}),
    "invitation of someone already on the team": Case(
        "casemanager", "post", lambda d: f"/api/v1/students/{d.maya.id}/team/", 409, "already_member", set(),
        {"email": "OT@demo.example", "role": "clinician", "discipline": "ot"}),
    # Signing in.
    "token request with malformed JSON": Case("anonymous", "post", lambda d: "/api/v1/auth/token/", 400,
                                              "malformed_request", set(), '{"email":', "application/json"),
    "token request without a password": Case("anonymous", "post", lambda d: "/api/v1/auth/token/", 400,
                                             "invalid", {"password"}, {"email": "ot@demo.example"}),
}


def _everything():
    return {
        "ieps": list(IEP.objects.order_by("id").values()),
        "recommendations": list(Recommendation.objects.order_by("id").values()),
        "versions": RecommendationVersion.objects.count(),
        "positions": list(Position.objects.order_by("id").values()),
        "events": Event.objects.count(),
        "invitations": Invitation.objects.count(),
        "memberships": Membership.objects.count(),
    }


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_refused_precisely_and_saves_nothing(api_as, demo, name):
    case = CASES[name]
    if case.setup:
        case.setup(demo)
    client = api_as(None if case.persona == "anonymous" else case.persona)
    path = case.path(demo)
    before = _everything()
    if case.method == "get":
        response = client.get(path)
    elif case.content_type:
        response = getattr(client, case.method)(path, data=case.body, content_type=case.content_type)
    else:
        response = getattr(client, case.method)(path, case.body, format="json")
    error = assert_error(response, case.status, case.code)
    assert case.fields <= set(error["fields"]), error
    assert _everything() == before


def test_unknown_fields_are_ignored_and_cannot_set_what_the_server_decides(api_as, demo):
    """`author`, `iep`, `version` and `status` of a new recommendation are the server's to set."""
    response = api_as("ot").post(_recs(demo), {
        **SERVICE, "author": demo.slp.id, "iep": demo.leo_iep.id, "version": 9, "status": "accepted",
        "colour": "blue",
    }, format="json")
    assert response.status_code == 201, response.content
    rec = Recommendation.objects.get(id=response.json()["id"])
    assert (rec.author, rec.iep, rec.version, rec.status) == (demo.ot, demo.maya_iep, 1, "proposed")
    assert "colour" not in response.json()


def test_a_patch_of_only_unknown_fields_changes_nothing(api_as, demo):
    rec = demo.maya_recs[0]
    events = Event.objects.count()
    response = api_as("ot").patch(_ot_rec(demo), {"author": demo.slp.id, "version": 5}, format="json")
    assert response.status_code == 200
    rec.refresh_from_db()
    assert (rec.author, rec.version) == (demo.ot, 1)
    assert RecommendationVersion.objects.filter(recommendation=rec).count() == 1
    assert Event.objects.count() == events
