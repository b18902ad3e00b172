"""The consent pages: the parent's answer and signature, the paper-consent record, staff signatures,
the signatures on the IEP page, "in effect" / "not in effect", the amendment button."""
import pytest
from django.utils import timezone

from apps.ieps.content_hash import content_hash
from apps.ieps.models import IEP, Recommendation, Signature
from tests.consent import give_every_parent_consent

from .test_pages import Page, page_text, signed_in

pytestmark = pytest.mark.django_db


def _answers(demo, decline=(), **extra):
    data = {"content_hash": content_hash(IEP.objects.get(id=demo.maya_iep.id)), **extra}
    for rec in demo.maya_recs:
        data[f"decision_{rec.id}"] = "decline" if rec.id in decline else "consent"
        data[f"note_{rec.id}"] = "Not without more OT at home." if rec.id in decline else ""
    return data


def test_the_parent_reads_every_recommendation_with_its_rationale_and_the_disclosures(demo):
    response = signed_in(demo.parent_maya).get(f"/ieps/{demo.maya_iep.id}/consent/")
    assert response.status_code == 200
    text = page_text(response)
    for rec in demo.maya_recs:
        assert rec.title in text
        assert f'name="decision_{rec.id}"' in text
    assert demo.maya_recs[0].rationale in text
    assert "cannot button her coat" in text  # the parent's own position, observed at home
    assert "on paper" in text and "withdraw" in text
    assert content_hash(demo.maya_iep) in text
    assert not Page(text).unlabelled_inputs()


def test_the_parent_consents_to_all_but_one_and_the_iep_page_says_which_are_in_effect(demo):
    client = signed_in(demo.parent_maya)
    declined = demo.maya_recs[0]
    data = _answers(demo, decline=[declined.id], full_name="Elena Rivera", consent_to_electronic_signature="on")
    response = client.post(f"/ieps/{demo.maya_iep.id}/consent/", data, HTTP_USER_AGENT="Firefox/140")
    assert response.status_code == 302, page_text(response)[:2000]
    assert IEP.objects.get(id=demo.maya_iep.id).status == "active"
    signature = Signature.objects.get()
    assert signature.user_agent == "Firefox/140"
    assert signature.decisions.get(recommendation=declined).note == "Not without more OT at home."
    page = page_text(client.get(f"/ieps/{demo.maya_iep.id}/"))
    assert page.count("Not in effect") == 1 and page.count(">In effect<") == 3
    assert "Download the signed IEP (PDF)" in page
    assert f"/api/v1/ieps/{demo.maya_iep.id}/signed.pdf" in page


@pytest.mark.parametrize("missing", ["decision", "esign", "name"])
def test_a_missing_answer_or_signature_is_shown_next_to_the_field(demo, missing):
    data = _answers(demo, full_name="Elena Rivera", consent_to_electronic_signature="on")
    if missing == "decision":
        del data[f"decision_{demo.maya_recs[2].id}"]
    elif missing == "esign":
        del data["consent_to_electronic_signature"]
    else:
        data["full_name"] = ""
    response = signed_in(demo.parent_maya).post(f"/ieps/{demo.maya_iep.id}/consent/", data)
    assert response.status_code == 422
    assert 'class="field__error"' in page_text(response)
    assert not Signature.objects.exists()


def test_a_stale_page_asks_again_on_the_current_version(demo):
    from apps.ieps import services

    data = _answers(demo, full_name="Elena Rivera", consent_to_electronic_signature="on")
    services.recommendation_update(actor=demo.ot, recommendation=demo.maya_recs[0], minutes_per_week=45)
    response = signed_in(demo.parent_maya).post(f"/ieps/{demo.maya_iep.id}/consent/", data)
    assert response.status_code == 409
    assert "changed since" in page_text(response)
    assert content_hash(demo.maya_iep) in page_text(response)
    assert not Signature.objects.exists()


@pytest.mark.parametrize("persona,status", [("casemanager", 403), ("ot", 403), ("parent.leo", 404)])
def test_only_a_parent_opens_the_consent_page(demo, persona, status):
    client = signed_in(demo.users[persona])
    assert client.get(f"/ieps/{demo.maya_iep.id}/consent/").status_code == status
    assert client.post(f"/ieps/{demo.maya_iep.id}/consent/", _answers(demo)).status_code == status


def test_the_case_manager_records_a_paper_consent_on_the_page(demo):
    client = signed_in(demo.casemanager)
    assert signed_in(demo.ot).get(f"/ieps/{demo.maya_iep.id}/paper-consent/").status_code == 403
    assert "Record a consent given on paper" in page_text(client.get(f"/ieps/{demo.maya_iep.id}/"))
    data = _answers(demo, parent=demo.parent_maya.id, signed_on=timezone.localdate().isoformat())
    response = client.post(f"/ieps/{demo.maya_iep.id}/paper-consent/", data)
    assert response.status_code == 302, page_text(response)[:2000]
    assert Signature.objects.get().method == "paper"
    assert "On paper" in page_text(client.get(f"/ieps/{demo.maya_iep.id}/"))


def test_staff_sign_on_the_iep_page(demo):
    client = signed_in(demo.ot)
    page = page_text(client.get(f"/ieps/{demo.maya_iep.id}/"))
    assert "Sign as staff" in page
    response = client.post(f"/ieps/{demo.maya_iep.id}/signatures/new/",
                           {"content_hash": content_hash(demo.maya_iep), "full_name": "Priya Natarajan",
                            "capacity": "attended"})
    assert response.status_code == 302
    assert "Priya Natarajan" in page_text(client.get(f"/ieps/{demo.maya_iep.id}/"))
    assert "Sign as staff" not in page_text(signed_in(demo.parent_maya).get(f"/ieps/{demo.maya_iep.id}/"))
    assert signed_in(demo.parent_maya).post(f"/ieps/{demo.maya_iep.id}/signatures/new/", {
        "content_hash": content_hash(demo.maya_iep), "full_name": "E", "capacity": "agreed"}).status_code == 403


def test_the_case_manager_starts_an_amendment_from_the_active_iep(demo):
    give_every_parent_consent(demo.maya_iep)
    assert "Start an amendment" not in page_text(signed_in(demo.ot).get(f"/ieps/{demo.maya_iep.id}/"))
    client = signed_in(demo.casemanager)
    assert "Start an amendment" in page_text(client.get(f"/ieps/{demo.maya_iep.id}/"))
    response = client.post(f"/ieps/{demo.maya_iep.id}/amendment/")
    assert response.status_code == 302
    draft = IEP.objects.get(amends=demo.maya_iep)
    assert response["Location"] == f"/ieps/{draft.id}/"
    assert Recommendation.objects.filter(iep=draft).count() == len(demo.maya_recs)
    assert signed_in(demo.ot).post(f"/ieps/{demo.maya_iep.id}/amendment/").status_code == 403
