"""The notice's pages (issue 10, items 4-6): the case manager's prefilled form on the recommendation
page, the notice page, the IEP page's list, and the guidance a parent who disagrees is shown."""
import pytest
from django.test import Client

from apps.ieps.models import PriorWrittenNotice
from apps.ieps.services import position_set

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _form(**changes):
    return {"action": "propose", "reasons": "Goals 1-3 are met.", "data_used": "Progress data.",
            "options_considered": "Keeping 60 minutes.", "other_factors": "", **changes}


def test_the_case_manager_sees_the_form_prefilled_from_the_team(demo):
    rec = demo.maya_recs[0]
    page = _client(demo.casemanager).get(f"/recommendations/{rec.id}/").content.decode()
    assert 'id="notice-form"' in page
    assert "button her coat" in page  # the parent's basis, in "other options considered"
    assert "Progress data on goals 1-3" in page  # the OT's, in "data used"
    for persona in ("ot", "slp", "parent_maya"):
        assert 'id="notice-form"' not in _client(getattr(demo, persona)).get(f"/recommendations/{rec.id}/").content.decode()


def test_issuing_from_the_page_shows_the_notice_and_lists_it_on_the_iep_page(demo):
    rec = demo.maya_recs[0]
    answer = _client(demo.casemanager).post(f"/recommendations/{rec.id}/notice/", _form())
    notice = PriorWrittenNotice.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/notices/{notice.id}/"
    shown = _client(demo.parent_maya).get(f"/notices/{notice.id}/").content.decode()
    assert "Goals 1-3 are met." in shown and "6. Your procedural safeguards" in shown
    assert f"/api/v1/notices/{notice.id}/pdf/" in shown
    iep_page = _client(demo.parent_maya).get(f"/ieps/{demo.maya_iep.id}/").content.decode()
    assert f'href="/notices/{notice.id}/"' in iep_page
    assert _client(demo.parent_leo).get(f"/notices/{notice.id}/").status_code == 404


def test_a_form_missing_a_required_part_is_shown_again_with_the_error_next_to_it(demo):
    rec = demo.maya_recs[0]
    answer = _client(demo.casemanager).post(f"/recommendations/{rec.id}/notice/", _form(reasons="  "))
    assert answer.status_code == 422
    assert 'id="notice-reasons_error"' in answer.content.decode()
    assert not PriorWrittenNotice.objects.exists()


@pytest.mark.parametrize("persona, status", [("ot", 403), ("parent_maya", 403), ("parent_leo", 404)])
def test_others_may_not_issue_one_from_the_page(demo, persona, status):
    answer = _client(getattr(demo, persona)).post(f"/recommendations/{demo.maya_recs[0].id}/notice/", _form())
    assert answer.status_code == status
    assert not PriorWrittenNotice.objects.exists()


def test_a_parent_who_disagrees_is_shown_the_guidance_with_a_link_to_each_action(demo):
    rec = demo.maya_recs[0]  # the seed's parent disagrees with it
    page = _client(demo.parent_maya).get(f"/recommendations/{rec.id}/").content.decode()
    assert 'id="guidance"' in page
    for link in (f"/recommendations/{rec.id}/discussion/", f"/recommendations/{rec.id}/#position-form",
                 f"/ieps/{demo.maya_iep.id}/evaluations/new/", f"/recommendations/{rec.id}/guidance/"):
        assert f'href="{link}"' in page, link
    # Nobody else is shown it, nor a parent on a recommendation she has not disagreed with.
    assert 'id="guidance"' not in _client(demo.ot).get(f"/recommendations/{rec.id}/").content.decode()
    assert 'id="guidance"' not in _client(demo.parent_maya).get(
        f"/recommendations/{demo.maya_recs[1].id}/").content.decode()


def test_a_parent_who_is_unsure_is_shown_it_too(demo):
    rec = demo.maya_recs[1]
    position_set(actor=demo.parent_maya, recommendation=rec, stance="unsure", basis="", observed_in="", examples="")
    assert 'id="guidance"' in _client(demo.parent_maya).get(f"/recommendations/{rec.id}/").content.decode()


def test_the_guidance_page_reads_in_spanish(demo):
    demo.parent_maya.preferred_language = "es"
    demo.parent_maya.save(update_fields=["preferred_language"])
    client = _client(demo.parent_maya)
    client.cookies["django_language"] = "es"
    page = client.get(f"/recommendations/{demo.maya_recs[0].id}/guidance/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Cuando no está de acuerdo con una recomendación" in page
    assert "en casa y en la escuela" in page and "mediación" in page and "debido proceso" in page
    assert "Pregunte en la conversación" in page
