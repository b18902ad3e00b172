"""The IEP pages' forms: each calls the API's service (its refusals, shown on the page; nothing
saved on refusal), is protected by CSRF, and is neither shown to nor usable by those who may not."""
from datetime import date

import pytest
from django.test import Client

from apps.ieps import services
from apps.ieps.models import IEP, Event, Position, Recommendation, RecommendationVersion
from tests.conftest import api_client_for
from tests.consent import give_every_parent_consent

from .test_pages import Page, page_text, signed_in


def csrf_checked(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def field_error(html: str, field_id: str) -> str:
    """The error shown next to a field (the partial puts it at `<id>_error`)."""
    marker = f'id="{field_id}_error"'
    assert marker in html, f"no error next to {field_id}"
    start = html.index(marker)
    return html[start:html.index("</p>", start)]


# ---------- starting an IEP (student page) ----------

@pytest.mark.parametrize("persona", ["casemanager", "admin"])
def test_the_case_manager_or_an_administrator_starts_an_iep_from_the_student_page(demo, persona):
    client = signed_in(demo.users[persona])
    assert 'id="start-iep-form"' in page_text(client.get(f"/students/{demo.leo.id}/"))
    response = client.post(f"/students/{demo.leo.id}/ieps/new/", {"meeting_at": "2027-09-20",
                                                                   "last_evaluated_on": "2025-05-12"})
    iep = IEP.objects.filter(student=demo.leo).order_by("-id").first()
    assert iep.meeting_at == date(2027, 9, 20) and iep.status == IEP.Status.DRAFT
    assert response.status_code == 302 and response["Location"] == f"/ieps/{iep.id}/"
    assert iep.annual_review_due == date(2028, 9, 20) and iep.reevaluation_due == date(2028, 5, 12)


def test_starting_an_iep_shows_the_services_refusal_next_to_the_field_and_saves_nothing(demo, api_as):
    before = IEP.objects.count()
    bad = {"meeting_at": "2027-01-10", "last_evaluated_on": "2027-02-01"}
    response = signed_in(demo.casemanager).post(f"/students/{demo.leo.id}/ieps/new/", bad)
    assert response.status_code == 422
    assert "Must be on or before the meeting date." in field_error(page_text(response), "new-iep-last_evaluated_on")
    api = api_as("casemanager").post(f"/api/v1/students/{demo.leo.id}/ieps/", bad, format="json")
    assert api.status_code == 400
    assert api.json()["error"]["fields"]["last_evaluated_on"] == ["Must be on or before the meeting date."]
    assert IEP.objects.count() == before


def test_starting_an_iep_is_htmx_enhanced(demo):
    response = signed_in(demo.casemanager).post(f"/students/{demo.leo.id}/ieps/new/", {"meeting_at": "2027-09-20"},
                                                HTTP_HX_REQUEST="true")
    iep = IEP.objects.filter(student=demo.leo).order_by("-id").first()
    assert response.status_code == 200 and response["HX-Redirect"] == f"/ieps/{iep.id}/"


@pytest.mark.parametrize("persona, status", [("parent.leo", 403), ("teacher.leo", 403), ("parent.maya", 404),
                                             ("ot", 404)])
def test_only_the_case_manager_and_administrators_may_start_an_iep(demo, persona, status):
    client = signed_in(demo.users[persona])
    if status == 403:
        assert 'id="start-iep-form"' not in page_text(client.get(f"/students/{demo.leo.id}/"))
    before = IEP.objects.count()
    assert client.post(f"/students/{demo.leo.id}/ieps/new/", {"meeting_at": "2027-09-20"}).status_code == status
    assert IEP.objects.count() == before


def test_starting_an_iep_needs_the_csrf_token(demo):
    before = IEP.objects.count()
    response = csrf_checked(demo.casemanager).post(f"/students/{demo.leo.id}/ieps/new/", {"meeting_at": "2027-09-20"})
    assert response.status_code == 403
    assert IEP.objects.count() == before


# ---------- an IEP's dates and status (IEP page) ----------

def test_the_case_manager_changes_a_drafts_dates_and_the_team_hears_of_it(demo):
    client = signed_in(demo.casemanager)
    assert 'action="/ieps/%d/dates/"' % demo.leo_iep.id in page_text(client.get(f"/ieps/{demo.leo_iep.id}/"))
    response = client.post(f"/ieps/{demo.leo_iep.id}/dates/", {"meeting_at": "2026-10-01",
                                                               "last_evaluated_on": "2025-06-01"})
    assert response.status_code == 302
    demo.leo_iep.refresh_from_db()
    assert (demo.leo_iep.meeting_at, demo.leo_iep.annual_review_due) == (date(2026, 10, 1), date(2027, 10, 1))
    assert Event.objects.filter(iep=demo.leo_iep, type="iep.updated").exists()


def test_a_proposed_ieps_dates_do_not_change_from_the_page_or_the_api(demo, api_as):
    client = signed_in(demo.casemanager)
    assert 'action="/ieps/%d/dates/"' % demo.maya_iep.id not in page_text(client.get(f"/ieps/{demo.maya_iep.id}/"))
    response = client.post(f"/ieps/{demo.maya_iep.id}/dates/", {"meeting_at": "2026-11-01"})
    assert response.status_code == 422
    assert "Only a draft&#x27;s dates can change" in page_text(response)
    api = api_as("casemanager").patch(f"/api/v1/ieps/{demo.maya_iep.id}/", {"meeting_at": "2026-11-01"}, format="json")
    assert api.status_code == 409 and api.json()["error"]["code"] == "iep_locked"
    demo.maya_iep.refresh_from_db()
    assert demo.maya_iep.meeting_at == date(2026, 10, 15)


@pytest.mark.parametrize("persona, status", [("teacher.leo", 403), ("parent.leo", 403), ("parent.maya", 404)])
def test_only_the_case_manager_and_administrators_change_dates_or_status(demo, api_as, persona, status):
    client = signed_in(demo.users[persona])
    if status == 403:
        html = page_text(client.get(f"/ieps/{demo.leo_iep.id}/"))
        assert "/dates/" not in html and "Propose to the family" not in html
    assert client.post(f"/ieps/{demo.leo_iep.id}/dates/", {"meeting_at": "2026-10-01"}).status_code == status
    assert client.post(f"/ieps/{demo.leo_iep.id}/status/", {"status": "proposed"}).status_code == status
    assert api_as(persona).patch(f"/api/v1/ieps/{demo.leo_iep.id}/", {"meeting_at": "2026-10-01"},
                                 format="json").status_code == status
    demo.leo_iep.refresh_from_db()
    assert (demo.leo_iep.status, demo.leo_iep.meeting_at) == ("draft", date(2026, 9, 20))


def test_the_case_manager_proposes_a_draft_and_can_take_it_back(demo):
    client = signed_in(demo.casemanager)
    assert "Propose to the family" in page_text(client.get(f"/ieps/{demo.leo_iep.id}/"))
    assert client.post(f"/ieps/{demo.leo_iep.id}/status/", {"status": "proposed"}).status_code == 302
    demo.leo_iep.refresh_from_db()
    assert demo.leo_iep.status == IEP.Status.PROPOSED
    html = page_text(client.get(f"/ieps/{demo.leo_iep.id}/"))
    assert "Propose to the family" not in html and "Take back to draft" in html
    assert client.post(f"/ieps/{demo.leo_iep.id}/status/", {"status": "draft"}).status_code == 302
    demo.leo_iep.refresh_from_db()
    assert demo.leo_iep.status == IEP.Status.DRAFT


def test_a_status_step_the_iep_cannot_take_is_refused_on_the_page(demo):
    client = signed_in(demo.casemanager)
    response = client.post(f"/ieps/{demo.maya_iep.id}/status/", {"status": "proposed"})
    assert response.status_code == 409
    assert "cannot become" in page_text(response)
    # Activation is the parents' consent, not a button (API.md).
    assert client.post(f"/ieps/{demo.maya_iep.id}/status/", {"status": "active"}).status_code == 400
    demo.maya_iep.refresh_from_db()
    assert demo.maya_iep.status == IEP.Status.PROPOSED


def test_status_and_dates_need_the_csrf_token(demo):
    client = csrf_checked(demo.casemanager)
    assert client.post(f"/ieps/{demo.leo_iep.id}/status/", {"status": "proposed"}).status_code == 403
    assert client.post(f"/ieps/{demo.leo_iep.id}/dates/", {"meeting_at": "2026-10-01"}).status_code == 403
    demo.leo_iep.refresh_from_db()
    assert (demo.leo_iep.status, demo.leo_iep.meeting_at) == ("draft", date(2026, 9, 20))


# ---------- adding a recommendation (IEP page) ----------

NEW_REC = {"kind": "service", "title": "Handwriting group, 20 minutes a week", "area": "Fine motor",
           "rationale": "Letter formation is slower than peers.", "minutes_per_week": "20", "setting": "Small group"}


def test_a_clinician_adds_a_recommendation_from_the_iep_page(demo):
    client = signed_in(demo.ot)
    html = page_text(client.get(f"/ieps/{demo.maya_iep.id}/"))
    assert 'id="add-recommendation"' in html
    assert not Page(html).unlabelled_inputs()
    response = client.post(f"/ieps/{demo.maya_iep.id}/recommendations/new/", NEW_REC)
    rec = Recommendation.objects.get(title=NEW_REC["title"])
    assert response.status_code == 302 and response["Location"] == f"/ieps/{demo.maya_iep.id}/#rec-{rec.id}"
    assert (rec.author, rec.minutes_per_week, rec.version) == (demo.ot, 20, 1)
    assert Event.objects.filter(iep=demo.maya_iep, type="recommendation.created", recommendation_id=rec.id).exists()


@pytest.mark.parametrize("data, field, message", [
    ({**NEW_REC, "rationale": "   "}, "rationale", "Every recommendation needs its rationale."),
    ({**NEW_REC, "kind": "goal"}, "minutes_per_week", "Only for services."),
])
def test_the_services_refusal_shows_next_to_the_field_and_nothing_is_added(demo, api_as, data, field, message):
    before = Recommendation.objects.count()
    response = signed_in(demo.ot).post(f"/ieps/{demo.maya_iep.id}/recommendations/new/", data)
    assert response.status_code == 422
    html = page_text(response)
    if field == "rationale":  # the form's own "required" says it first; the API's serializer does too
        assert "new-rec-rationale_error" in html
    else:
        assert message in field_error(html, f"new-rec-{field}")
        api = api_as("ot").post(f"/api/v1/ieps/{demo.maya_iep.id}/recommendations/",
                                {**data, "minutes_per_week": 20}, format="json")
        assert api.status_code == 400 and api.json()["error"]["fields"][field] == [message]
    assert Recommendation.objects.count() == before


@pytest.mark.parametrize("persona, status", [("parent.maya", 403), ("admin", 403), ("parent.leo", 404),
                                             ("evaluator", 404)])
def test_those_who_may_not_add_a_recommendation_neither_see_the_form_nor_post_it(demo, persona, status):
    client = signed_in(demo.users[persona])
    if status == 403:
        assert 'id="add-recommendation"' not in page_text(client.get(f"/ieps/{demo.maya_iep.id}/"))
    before = Recommendation.objects.count()
    assert client.post(f"/ieps/{demo.maya_iep.id}/recommendations/new/", NEW_REC).status_code == status
    assert Recommendation.objects.count() == before


def test_no_recommendation_form_on_an_active_iep(demo):
    give_every_parent_consent(demo.maya_iep)
    client = signed_in(demo.ot)
    assert 'id="add-recommendation"' not in page_text(client.get(f"/ieps/{demo.maya_iep.id}/"))
    response = client.post(f"/ieps/{demo.maya_iep.id}/recommendations/new/", NEW_REC)
    assert response.status_code == 422 and "it cannot be changed" in page_text(response)


def test_adding_a_recommendation_needs_the_csrf_token(demo):
    before = Recommendation.objects.count()
    assert csrf_checked(demo.ot).post(f"/ieps/{demo.maya_iep.id}/recommendations/new/", NEW_REC).status_code == 403
    assert Recommendation.objects.count() == before


# ---------- revising, withdrawing, the team's decision (recommendation page) ----------

def _revision(rec, **changes):
    data = {f: getattr(rec, f) if getattr(rec, f) is not None else "" for f in
            ("kind", "title", "area", "description", "rationale", "minutes_per_week", "setting")}
    return {**data, **changes}


def test_the_author_revises_a_recommendation_into_a_new_version_with_its_note(demo):
    rec = demo.maya_recs[0]
    client = signed_in(demo.ot)
    assert 'id="revision-form"' in page_text(client.get(f"/recommendations/{rec.id}/"))
    response = client.post(f"/recommendations/{rec.id}/revise/",
                           _revision(rec, minutes_per_week="45", change_note="After the parent's observations"))
    assert response.status_code == 302
    rec.refresh_from_db()
    assert (rec.version, rec.minutes_per_week) == (2, 45)
    v2 = RecommendationVersion.objects.get(recommendation=rec, version=2)
    assert (v2.change_note, v2.edited_by) == ("After the parent's observations", demo.ot)


def test_the_version_history_compares_any_two_versions(demo):
    rec = demo.maya_recs[0]
    services.recommendation_update(actor=demo.ot, recommendation=rec, minutes_per_week=45)
    services.recommendation_update(actor=demo.ot, recommendation=rec, setting="In class")
    html = page_text(signed_in(demo.parent_maya).get(f"/recommendations/{rec.id}/?a=1&b=3"))
    comparison = html[html.index('id="comparison"'):]
    assert "From version 1 to version 3" in comparison
    assert "<del>30</del>" in comparison and "<ins>45</ins>" in comparison
    assert "<del>Pull-out, OT room</del>" in comparison and "<ins>In class</ins>" in comparison
    # A version that does not exist is a form error, not a 500.
    assert signed_in(demo.parent_maya).get(f"/recommendations/{rec.id}/?a=1&b=99").status_code == 200


@pytest.mark.parametrize("persona, status", [("slp", 403), ("parent.maya", 403), ("parent.leo", 404)])
def test_only_the_author_and_the_case_manager_revise(demo, persona, status):
    rec = demo.maya_recs[0]
    client = signed_in(demo.users[persona])
    if status == 403:
        html = page_text(client.get(f"/recommendations/{rec.id}/"))
        assert 'id="revision-form"' not in html and "Withdraw this recommendation" not in html
    assert client.post(f"/recommendations/{rec.id}/revise/", _revision(rec, title="Changed")).status_code == status
    assert client.post(f"/recommendations/{rec.id}/withdraw/").status_code == status
    rec.refresh_from_db()
    assert (rec.version, rec.status) == (1, "proposed")


def test_a_revision_without_rationale_is_refused_next_to_the_field(demo):
    rec = demo.maya_recs[0]
    response = signed_in(demo.casemanager).post(f"/recommendations/{rec.id}/revise/", _revision(rec, rationale=" "))
    assert response.status_code == 422
    assert "revise-rationale_error" in page_text(response)
    rec.refresh_from_db()
    assert rec.version == 1


def test_the_author_withdraws_and_only_the_case_manager_records_the_decision(demo):
    rec = demo.maya_recs[0]
    ot = signed_in(demo.ot)
    assert 'id="decision-form"' not in page_text(ot.get(f"/recommendations/{rec.id}/"))
    assert ot.post(f"/recommendations/{rec.id}/decision/", {"status": "accepted"}).status_code == 403
    assert ot.post(f"/recommendations/{rec.id}/withdraw/", {"change_note": "Merged into the goal"}).status_code == 302
    rec.refresh_from_db()
    assert rec.status == "withdrawn"
    manager = signed_in(demo.casemanager)
    assert 'id="decision-form"' in page_text(manager.get(f"/recommendations/{rec.id}/"))
    assert manager.post(f"/recommendations/{rec.id}/decision/", {"status": "accepted",
                                                                 "change_note": "Agreed at the meeting"}).status_code == 302
    rec.refresh_from_db()
    assert (rec.status, rec.version) == ("accepted", 3)


def test_recommendation_forms_need_the_csrf_token(demo):
    rec = demo.maya_recs[0]
    client = csrf_checked(demo.ot)
    assert client.post(f"/recommendations/{rec.id}/revise/", _revision(rec, title="Changed")).status_code == 403
    assert client.post(f"/recommendations/{rec.id}/withdraw/").status_code == 403
    assert csrf_checked(demo.casemanager).post(f"/recommendations/{rec.id}/decision/",
                                               {"status": "accepted"}).status_code == 403
    rec.refresh_from_db()
    assert rec.version == 1


# ---------- positions ----------

def test_a_parent_records_her_position_with_where_she_observed_it(demo):
    rec = demo.maya_recs[1]
    client = signed_in(demo.parent_maya)
    html = page_text(client.get(f"/recommendations/{rec.id}/"))
    assert 'id="position-form"' in html and not Page(html).unlabelled_inputs()
    response = client.post(f"/recommendations/{rec.id}/position/", {
        "stance": "unsure", "basis": "She talks a lot at home.", "observed_in": "home", "examples": "Bedtime stories"})
    assert response.status_code == 302
    position = Position.objects.get(recommendation=rec, user=demo.parent_maya)
    assert (position.stance, position.observed_in, position.role) == ("unsure", "home", "parent")
    assert Event.objects.filter(type="position.updated", recommendation_id=rec.id).exists()


def test_a_position_without_a_stance_is_refused_and_nothing_is_saved(demo):
    rec = demo.maya_recs[1]
    response = signed_in(demo.parent_maya).post(f"/recommendations/{rec.id}/position/", {"basis": "Hmm"})
    assert response.status_code == 422 and "position-stance_error" in page_text(response)
    assert not Position.objects.filter(recommendation=rec, user=demo.parent_maya).exists()


@pytest.mark.parametrize("persona, status", [("admin", 403), ("parent.leo", 404), ("teacher.leo", 404)])
def test_those_off_the_team_neither_see_nor_post_a_position(demo, persona, status):
    rec = demo.maya_recs[1]
    client = signed_in(demo.users[persona])
    if status == 403:
        assert 'id="position-form"' not in page_text(client.get(f"/recommendations/{rec.id}/"))
    assert client.post(f"/recommendations/{rec.id}/position/", {"stance": "agree"}).status_code == status
    assert not Position.objects.filter(recommendation=rec, user=demo.users[persona]).exists()


def test_recording_a_position_needs_the_csrf_token(demo):
    rec = demo.maya_recs[1]
    assert csrf_checked(demo.parent_maya).post(f"/recommendations/{rec.id}/position/",
                                               {"stance": "agree"}).status_code == 403
    assert not Position.objects.filter(recommendation=rec, user=demo.parent_maya).exists()


# ---------- the page's structure ----------

def test_the_iep_page_has_a_table_of_contents_and_names_the_recommendation_link(demo):
    html = page_text(signed_in(demo.parent_maya).get(f"/ieps/{demo.maya_iep.id}/"))
    toc = html[html.index('id="toc-list"'):html.index("</nav>", html.index('id="toc-list"'))]
    for rec in demo.maya_recs:
        assert f'href="#rec-{rec.id}"' in toc
    assert 'href="#evaluations-heading"' in toc
    assert "Version history<" not in html
    assert "Open the recommendation" in html


def test_a_new_recommendations_item_renders_with_its_panels_for_the_live_page(demo):
    rec = demo.maya_recs[0]
    html = page_text(signed_in(demo.parent_maya).get(f"/recommendations/{rec.id}/item/"))
    assert f'id="rec-item-{rec.id}"' in html and f'id="thread-{rec.id}"' in html
    assert signed_in(demo.parent_leo).get(f"/recommendations/{rec.id}/item/").status_code == 404


def test_an_anonymous_post_is_sent_to_sign_in(demo):
    response = Client().post(f"/ieps/{demo.maya_iep.id}/recommendations/new/", NEW_REC)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert api_client_for(None).patch(f"/api/v1/ieps/{demo.leo_iep.id}/", {}, format="json").status_code == 401
