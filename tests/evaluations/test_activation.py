"""An IEP does not become active over an independent evaluation the team has not considered; ieps
learns that through its activation-check registry, never by importing evaluations."""
import ast
from pathlib import Path

import pytest

from apps.ieps import services as iep_services
from apps.ieps.content_hash import content_hash
from apps.ieps.models import IEP
from apps.students.models import Membership
from tests.consent import answers_for, give_every_parent_consent
from tests.core.contract import assert_error

from .helpers import TEAM

ROOT = Path(__file__).resolve().parents[2]


def _activate(flow):
    """The parent's consent to everything: the one way an IEP becomes active."""
    iep = IEP.objects.get(id=flow.demo.maya_iep.id)
    return flow.call("parent.maya", "post", f"/api/v1/ieps/{iep.id}/consent/", {
        "content_hash": content_hash(iep), "decisions": answers_for(iep),
        "signature": {"full_name": "Elena Rivera", "consent_to_electronic_signature": True}})


def test_activating_the_iep_is_refused_until_every_team_member_considered_the_findings(flow, demo):
    flow.to("submitted")
    for i, persona in enumerate(TEAM):
        error = assert_error(_activate(flow), 409, "activation_blocked")
        assert "independent evaluation" in error["message"]
        assert demo.users[persona].full_name in error["message"]
        assert IEP.objects.get(id=demo.maya_iep.id).status == "proposed"
        flow.acknowledge(persona)
        if i < len(TEAM) - 1:
            assert demo.users[persona].full_name not in assert_error(_activate(flow), 409)["message"]
    body = flow.ok(_activate(flow))
    assert body["status"] == "active"


def test_an_evaluation_not_yet_submitted_does_not_hold_the_iep(flow):
    flow.to("drafted")
    assert flow.ok(_activate(flow))["status"] == "active"


def test_a_member_who_joins_after_submit_must_consider_the_findings_too(flow, demo):
    flow.to("submitted")
    for persona in TEAM[:-1]:
        flow.acknowledge(persona)
    from apps.accounts.models import User

    newcomer = User.objects.create_user("pt@demo.example", "pw-123456789", full_name="Pat Turner")
    Membership.objects.create(user=newcomer, student=demo.maya, role="clinician", discipline="pt")
    flow.acknowledge(TEAM[-1])
    error = assert_error(_activate(flow), 409, "activation_blocked")
    assert "Pat Turner" in error["message"]


def test_the_registry_runs_every_check_and_refuses_with_the_first_reason(demo):
    calls = []

    def never(iep):
        calls.append(iep.id)
        return "The moon is in the wrong phase."

    iep_services.register_activation_check(never)
    iep_services.register_activation_check(never)  # idempotent
    try:
        assert iep_services.ACTIVATION_CHECKS.count(never) == 1
        with pytest.raises(iep_services.Conflict) as refused:
            give_every_parent_consent(demo.maya_iep)
        assert refused.value.message == "The moon is in the wrong phase."
        assert calls == [demo.maya_iep.id]
        # Other transitions do not ask.
        iep_services.iep_set_status(actor=demo.casemanager, iep=demo.maya_iep, status="draft")
        assert calls == [demo.maya_iep.id]
    finally:
        iep_services.ACTIVATION_CHECKS.remove(never)


def test_the_evaluations_check_is_registered_by_the_app():
    from apps.evaluations.services import unconsidered_evaluation_reason

    assert unconsidered_evaluation_reason in iep_services.ACTIVATION_CHECKS


def test_no_lower_app_imports_evaluations():
    """Layering (DESIGN.md): only iepteam/ wires evaluations in."""
    offenders = []
    for path in (ROOT / "apps").rglob("*.py"):
        if "evaluations" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.startswith("apps.evaluations") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
