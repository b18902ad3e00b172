"""The parents' consent per recommendation, the e-signature's audit trail, activation by consent
only, locking after signing, staff signatures, paper consent, amendments and the signed PDF
(API.md, "Positions, suggested changes, consent and notices")."""
import io
from datetime import timedelta

import pypdf
import pytest
from django.test import override_settings
from django.utils import timezone

from apps.ieps import services
from apps.ieps.consent import DISCLOSURES_VERSION
from apps.ieps.content_hash import content_hash
from apps.ieps.models import IEP, ConsentDecision, Event, Recommendation, Signature
from apps.notifications.models import Notification
from apps.students.models import Membership, Role
from tests.consent import answers_for, give_every_parent_consent
from tests.core.contract import assert_error

pytestmark = pytest.mark.django_db


def _hash(iep):
    return content_hash(IEP.objects.get(id=iep.id))


def _body(iep, decline=(), *, name="Elena Rivera", esign=True, **changes):
    body = {"content_hash": _hash(iep), "decisions": answers_for(iep, decline),
            "signature": {"full_name": name, "consent_to_electronic_signature": esign}}
    body.update(changes)
    return body


def _consent(client, iep, body, **extra):
    return client.post(f"/api/v1/ieps/{iep.id}/consent/", body, format="json", **extra)


def _second_parent(demo):
    from apps.accounts.models import User

    father = User.objects.create_user("father.maya@demo.example", "pw-123456789", full_name="Luis Rivera")
    Membership.objects.create(user=father, student=demo.maya, role=Role.PARENT)
    return father


# Who may answer ---------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["casemanager", "ot", "slp", "admin"])
def test_only_a_parent_of_the_child_consents(demo, api_as, persona):
    assert_error(_consent(api_as(persona), demo.maya_iep, _body(demo.maya_iep)), 403)
    assert not Signature.objects.exists()


@pytest.mark.parametrize("persona", ["parent.leo", "teacher.leo", "evaluator"])
def test_the_other_family_and_outsiders_do_not_learn_the_iep_exists(demo, api_as, persona):
    assert_error(_consent(api_as(persona), demo.maya_iep, _body(demo.maya_iep)), 404)


def test_an_evaluator_in_scope_may_not_consent(demo, api_as):
    from apps.ieps.services import evaluator_scope_set

    membership = Membership.objects.create(user=demo.evaluator, student=demo.maya, role=Role.EVALUATOR,
                                           expires_at=timezone.now() + timedelta(days=30))
    evaluator_scope_set(membership=membership, recommendation_ids=[demo.maya_recs[0].id])
    assert_error(_consent(api_as("evaluator"), demo.maya_iep, _body(demo.maya_iep)), 403)
    assert_error(api_as("evaluator").post(f"/api/v1/ieps/{demo.maya_iep.id}/signatures/",
                                          {"content_hash": _hash(demo.maya_iep), "full_name": "J", "capacity": "agreed"},
                                          format="json"), 403)
    assert_error(api_as("evaluator").get(f"/api/v1/ieps/{demo.maya_iep.id}/signed.pdf"), 403)


# Refusals, nothing saved --------------------------------------------------------------------

def test_a_stale_hash_is_refused_and_names_the_current_one(demo, api_as):
    body = _body(demo.maya_iep)
    services.recommendation_update(actor=demo.ot, recommendation=demo.maya_recs[0], minutes_per_week=45)
    error = assert_error(_consent(api_as("parent.maya"), demo.maya_iep, body), 409, "stale_version")
    assert error["fields"]["content_hash"] == [_hash(demo.maya_iep)]
    assert not Signature.objects.exists()


def test_a_recommendation_left_undecided_is_refused(demo, api_as):
    body = _body(demo.maya_iep)
    body["decisions"] = body["decisions"][1:]
    error = assert_error(_consent(api_as("parent.maya"), demo.maya_iep, body), 400, "undecided")
    assert demo.maya_recs[0].title in " ".join(error["fields"]["decisions"])
    assert not Signature.objects.exists()


@pytest.mark.parametrize("tamper", ["unknown", "twice", "other_iep"])
def test_a_decision_on_something_else_is_refused(demo, api_as, tamper):
    body = _body(demo.maya_iep)
    extra = {"unknown": 999_999, "twice": demo.maya_recs[0].id, "other_iep": demo.leo_recs[0].id}[tamper]
    body["decisions"].append({"recommendation": extra, "decision": "consent"})
    assert_error(_consent(api_as("parent.maya"), demo.maya_iep, body), 400)
    assert not Signature.objects.exists()


@pytest.mark.parametrize("signature", [
    {"full_name": "Elena Rivera", "consent_to_electronic_signature": False},
    {"full_name": "Elena Rivera"},
    {"full_name": "   ", "consent_to_electronic_signature": True},
    None,
])
def test_a_signature_without_consent_to_sign_electronically_is_refused(demo, api_as, signature):
    body = _body(demo.maya_iep)
    if signature is None:
        del body["signature"]
    else:
        body["signature"] = signature
    assert_error(_consent(api_as("parent.maya"), demo.maya_iep, body), 400)
    assert not Signature.objects.exists()


def test_consent_is_refused_while_an_activation_check_blocks(demo, api_as):
    def blocked(iep):
        return "The independent evaluation is not yet considered by Sam Okafor."

    services.register_activation_check(blocked)
    try:
        error = assert_error(_consent(api_as("parent.maya"), demo.maya_iep, _body(demo.maya_iep)), 409,
                             "activation_blocked")
        assert "Sam Okafor" in error["message"]
    finally:
        services.ACTIVATION_CHECKS.remove(blocked)
    assert not Signature.objects.exists()
    assert IEP.objects.get(id=demo.maya_iep.id).status == "proposed"


def test_a_draft_takes_no_consent(demo, api_as):
    services.iep_set_status(actor=demo.casemanager, iep=demo.maya_iep, status="draft")
    assert_error(_consent(api_as("parent.maya"), demo.maya_iep, _body(demo.maya_iep)), 409, "not_proposed")


# Activation ---------------------------------------------------------------------------------

def test_the_status_endpoint_cannot_make_an_iep_active(demo, api_as):
    error = assert_error(api_as("casemanager").post(f"/api/v1/ieps/{demo.maya_iep.id}/status/", {"status": "active"},
                                                    format="json"), 409, "consent_required")
    assert "parent" in error["message"]
    with pytest.raises(services.Conflict):
        services.iep_set_status(actor=demo.admin, iep=demo.maya_iep, status="active")
    assert IEP.objects.get(id=demo.maya_iep.id).status == "proposed"


def test_partial_consent_puts_exactly_the_consented_recommendations_in_effect(demo, api_as):
    declined = demo.maya_recs[0]
    client = api_as("parent.maya")
    answer = _consent(client, demo.maya_iep, _body(demo.maya_iep, decline=[declined.id]),
                      HTTP_USER_AGENT="Firefox/140")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "active"
    consent = {r["id"]: r["consent"] for r in client.get(f"/api/v1/ieps/{demo.maya_iep.id}/recommendations/")
               .json()["results"]}
    assert consent == {r.id: ("declined" if r.id == declined.id else "consented") for r in demo.maya_recs}
    assert client.get(f"/api/v1/recommendations/{declined.id}/").json()["consent"] == "declined"
    # The hash signed on the proposed IEP still verifies on the active one.
    assert answer.json()["content_hash"] == Signature.objects.get().content_hash


def test_the_signature_keeps_its_audit_trail(demo, api_as):
    with override_settings(TRUSTED_PROXY_COUNT=1):
        _consent(api_as("parent.maya"), demo.maya_iep, _body(demo.maya_iep, name="Elena M. Rivera"),
                 HTTP_USER_AGENT="Mozilla/5.0 Test", HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.4",
                 REMOTE_ADDR="10.0.0.2")
    signature = Signature.objects.get()
    assert (signature.full_name, signature.method, signature.kind) == ("Elena M. Rivera", "electronic", "consent")
    assert signature.ip_address == "203.0.113.4"  # the entry the one trusted proxy appended
    assert signature.user_agent == "Mozilla/5.0 Test"
    assert signature.disclosures_version == DISCLOSURES_VERSION
    assert signature.signed_at is not None
    assert signature.versions == {str(r.id): r.version for r in demo.maya_recs}
    assert {d.recommendation_id: d.decision for d in signature.decisions.all()} == {
        r.id: ConsentDecision.Decision.CONSENT for r in demo.maya_recs}


def test_two_parents_must_both_answer_on_the_current_version(demo, api_as):
    from tests.conftest import api_client_for

    father = _second_parent(demo)
    mother_client, father_client = api_as("parent.maya"), api_client_for(father)

    assert _consent(mother_client, demo.maya_iep, _body(demo.maya_iep)).json()["status"] == "proposed"
    # The IEP changes: the mother's answer named the older hash, so she answers again.
    services.recommendation_update(actor=demo.ot, recommendation=demo.maya_recs[0], minutes_per_week=45)
    assert _consent(father_client, demo.maya_iep,
                    _body(demo.maya_iep, decline=[demo.maya_recs[1].id], name="Luis Rivera")).json()["status"] == "proposed"
    answer = _consent(mother_client, demo.maya_iep, _body(demo.maya_iep))
    assert answer.json()["status"] == "active"
    consent = dict(Recommendation.objects.filter(iep=demo.maya_iep).values_list("id", "consent"))
    # In effect only where both parents consented.
    assert consent[demo.maya_recs[1].id] == "declined"
    assert [consent[r.id] for r in demo.maya_recs if r.id != demo.maya_recs[1].id] == ["consented"] * 3
    assert Event.objects.filter(iep=demo.maya_iep, type="iep.status_changed", data__status="active").count() == 1


def test_the_same_answer_twice_records_one_signature(demo, api_as):
    _second_parent(demo)
    body = _body(demo.maya_iep)
    first = _consent(api_as("parent.maya"), demo.maya_iep, body)
    again = _consent(api_as("parent.maya"), demo.maya_iep, body)
    assert first.status_code == again.status_code == 200
    assert Signature.objects.count() == 1
    assert Event.objects.filter(iep=demo.maya_iep, type="consent.given").count() == 1


def test_the_team_is_notified_when_the_iep_becomes_active(demo):
    give_every_parent_consent(demo.maya_iep)
    told = set(Notification.objects.filter(kind="iep.activated").values_list("user_id", flat=True))
    assert told == {demo.parent_maya.id, demo.casemanager.id, demo.ot.id, demo.slp.id}
    note = Notification.objects.filter(kind="iep.activated").first()
    assert note.url == f"/ieps/{demo.maya_iep.id}/"
    assert "Rivera" not in note.subject + note.text  # no record content beyond the child's first name


def test_activating_an_amendment_supersedes_the_active_iep(demo, api_as):
    old = give_every_parent_consent(demo.maya_iep)
    answer = api_as("casemanager").post(f"/api/v1/ieps/{old.id}/amendment/", format="json")
    assert answer.status_code == 201, answer.content
    draft = IEP.objects.get(id=answer.json()["id"])
    assert (draft.status, draft.amends_id) == ("draft", old.id)
    copies = list(Recommendation.objects.filter(iep=draft).order_by("id"))
    assert [(c.title, c.version, c.copied_from_id, c.consent) for c in copies] == [
        (r.title, 1, r.id, None) for r in demo.maya_recs]
    # A second amendment while this one is open, or one of a non-active IEP, is refused.
    assert_error(api_as("casemanager").post(f"/api/v1/ieps/{old.id}/amendment/"), 409, "amendment_open")
    assert_error(api_as("casemanager").post(f"/api/v1/ieps/{draft.id}/amendment/"), 409, "not_active")
    services.recommendation_update(actor=demo.ot, recommendation=copies[0], minutes_per_week=45)
    new = give_every_parent_consent(draft, propose_as=demo.casemanager)
    assert new.status == "active"
    assert IEP.objects.get(id=old.id).status == "superseded"
    assert_error(api_as("casemanager").post(f"/api/v1/ieps/{old.id}/amendment/"), 409, "not_active")


@pytest.mark.parametrize("persona,status", [("ot", 403), ("parent.maya", 403), ("admin", 403), ("parent.leo", 404)])
def test_only_the_case_manager_starts_an_amendment(demo, api_as, persona, status):
    give_every_parent_consent(demo.maya_iep)
    assert_error(api_as(persona).post(f"/api/v1/ieps/{demo.maya_iep.id}/amendment/"), status)
    assert IEP.objects.filter(student=demo.maya).count() == 1


# A signed IEP is locked ---------------------------------------------------------------------

def test_editing_after_signing_is_refused(demo, api_as):
    give_every_parent_consent(demo.maya_iep)
    rec = demo.maya_recs[1]
    calls = [
        api_as("slp").patch(f"/api/v1/recommendations/{rec.id}/", {"minutes_per_week": 30}, format="json"),
        api_as("casemanager").patch(f"/api/v1/recommendations/{rec.id}/", {"status": "accepted"}, format="json"),
        api_as("slp").post(f"/api/v1/ieps/{demo.maya_iep.id}/recommendations/",
                           {"kind": "goal", "title": "New", "rationale": "Because."}, format="json"),
        api_as("casemanager").patch(f"/api/v1/ieps/{demo.maya_iep.id}/", {"meeting_at": "2026-10-20"}, format="json"),
        api_as("casemanager").post(f"/api/v1/ieps/{demo.maya_iep.id}/status/", {"status": "draft"}, format="json"),
    ]
    for answer in calls[:4]:
        assert_error(answer, 409, "iep_locked")
    assert_error(calls[4], 409, "invalid_transition")
    assert Recommendation.objects.get(id=rec.id).version == 1
    # Threads stay open on an active IEP.
    comment = api_as("parent.maya").post(f"/api/v1/recommendations/{rec.id}/comments/", {"body": "Thank you"},
                                         format="json")
    assert comment.status_code == 201


# Staff signatures, paper consent ------------------------------------------------------------

def test_staff_sign_for_attendance_or_agreement(demo, api_as):
    url = f"/api/v1/ieps/{demo.maya_iep.id}/signatures/"
    body = {"content_hash": _hash(demo.maya_iep), "full_name": "Priya Natarajan", "capacity": "attended"}
    answer = api_as("ot").post(url, body, format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["signer"] == {"id": demo.ot.id, "full_name": "Priya Natarajan"}
    assert api_as("ot").post(url, body, format="json").status_code == 201  # the same again: one row
    assert Signature.objects.filter(kind="staff").count() == 1
    assert_error(api_as("parent.maya").post(url, body, format="json"), 403)
    assert_error(api_as("admin").post(url, body, format="json"), 403)
    assert_error(api_as("parent.leo").post(url, body, format="json"), 404)
    assert_error(api_as("ot").post(url, {**body, "content_hash": "0" * 64}, format="json"), 409, "stale_version")
    assert_error(api_as("ot").post(url, {**body, "capacity": "present"}, format="json"), 400)
    rows = api_as("parent.maya").get(url).json()
    assert [(r["signer"]["id"], r["kind"], r["capacity"], r["current"]) for r in rows] == [
        (demo.ot.id, "staff", "attended", True)]
    assert_error(api_as("parent.leo").get(url), 404)


def test_the_case_manager_records_a_consent_given_on_paper(demo, api_as):
    url = f"/api/v1/ieps/{demo.maya_iep.id}/paper-consent/"
    body = {"parent": demo.parent_maya.id, "content_hash": _hash(demo.maya_iep),
            "decisions": answers_for(demo.maya_iep, decline=[demo.maya_recs[2].id]),
            "signed_on": timezone.localdate().isoformat()}
    assert_error(api_as("ot").post(url, body, format="json"), 403)
    assert_error(api_as("parent.maya").post(url, body, format="json"), 403)
    assert_error(api_as("parent.leo").post(url, body, format="json"), 404)
    assert_error(api_as("casemanager").post(url, {**body, "parent": demo.ot.id}, format="json"), 400)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert_error(api_as("casemanager").post(url, {**body, "signed_on": tomorrow}, format="json"), 400)
    assert not Signature.objects.exists()
    answer = api_as("casemanager").post(url, body, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "active"
    signature = Signature.objects.get()
    assert (signature.method, signature.signer_id, signature.recorded_by_id, signature.full_name) == (
        "paper", demo.parent_maya.id, demo.casemanager.id, "Elena Rivera")
    assert Recommendation.objects.get(id=demo.maya_recs[2].id).consent == "declined"
    listed = api_as("parent.maya").get(f"/api/v1/ieps/{demo.maya_iep.id}/signatures/").json()
    assert listed[0]["method"] == "paper"


# The signed PDF -----------------------------------------------------------------------------

def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_the_signed_pdf_holds_each_recommendation_its_consent_and_the_signature_page(demo, api_as):
    assert_error(api_as("casemanager").get(f"/api/v1/ieps/{demo.leo_iep.id}/signed.pdf"), 409, "not_proposed")
    proposed = _pdf_text(api_as("parent.maya").get(f"/api/v1/ieps/{demo.maya_iep.id}/signed.pdf").content)
    assert "not yet in effect" in proposed  # the family's paper copy of the proposal
    api_as("ot").post(f"/api/v1/ieps/{demo.maya_iep.id}/signatures/",
                      {"content_hash": _hash(demo.maya_iep), "full_name": "Priya Natarajan", "capacity": "agreed"},
                      format="json")
    iep = give_every_parent_consent(demo.maya_iep, decline=[demo.maya_recs[0].id])
    answer = api_as("parent.maya").get(f"/api/v1/ieps/{iep.id}/signed.pdf")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"].startswith("attachment")
    text = _pdf_text(answer.content)
    flat = "".join(text.split())
    assert "ElenaRivera" in flat and "PriyaNatarajan" in flat
    assert content_hash(iep) in flat
    for rec in demo.maya_recs:
        assert "".join(rec.title.split()) in flat
    assert "Notineffect" in flat and "Ineffect" in flat
    assert "Electronic" in text
    for persona, status in [("admin", 200), ("ot", 200), ("parent.leo", 404), ("teacher.leo", 404)]:
        assert api_as(persona).get(f"/api/v1/ieps/{iep.id}/signed.pdf").status_code == status


# The content hash ---------------------------------------------------------------------------

def test_the_iep_answer_carries_the_content_hash(demo, api_as):
    body = api_as("parent.maya").get(f"/api/v1/ieps/{demo.maya_iep.id}/").json()
    assert body["content_hash"] == content_hash(demo.maya_iep)
    assert len(body["content_hash"]) == 64
