"""The recommendation page's suggestions (issue 10, item 6): suggest a change from a form prefilled
with the current values, the open suggestions side by side with the current version, accept /
decline (with a note) / withdraw shown by the same predicates the services check; and the summary
of positions on the page and the IEP page's card."""
import pytest

from apps.ieps import suggestions
from apps.ieps.models import Recommendation, RecommendationVersion, Suggestion

from tests.evaluations.helpers import Flow

from .test_iep_forms import csrf_checked, field_error
from .test_pages import page_text, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def flow(demo, api_as, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Flow(demo, api_as)


def form_data(rec, **changes):
    data = {f: getattr(rec, f) if getattr(rec, f) is not None else "" for f in
            ("title", "description", "rationale", "minutes_per_week", "setting")}
    return {**data, "base_version": rec.version, "reason": "At home she tires after ten minutes.", **changes}


@pytest.fixture
def ot_service(demo):
    return demo.maya_recs[0]


@pytest.fixture
def made(demo, ot_service):
    return suggestions.suggestion_create(actor=demo.parent_maya, recommendation=ot_service,
                                         changes={"minutes_per_week": 45}, reason="She tires at home.", base_version=1)


def test_the_suggest_form_is_prefilled_with_the_current_values(demo, ot_service):
    html = page_text(signed_in(demo.parent_maya).get(f"/recommendations/{ot_service.id}/"))
    assert 'id="suggestion-form"' in html
    assert 'name="minutes_per_week" value="30"' in html
    assert 'name="base_version" value="1"' in html
    assert "Reduce occupational therapy to 30 minutes a week" in html


def test_a_parent_suggests_45_minutes_from_the_page(demo, ot_service):
    client = csrf_checked(demo.parent_maya)
    html = page_text(client.get(f"/recommendations/{ot_service.id}/"))
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = client.post(f"/recommendations/{ot_service.id}/suggest/",
                           {**form_data(ot_service, minutes_per_week=45), "csrfmiddlewaretoken": token})
    assert response.status_code == 302, page_text(response)[:2000]
    [made] = Suggestion.objects.all()
    # Only what was edited is the suggestion's change.
    assert made.changes == {"minutes_per_week": 45} and made.author == demo.parent_maya
    page = page_text(client.get(response["Location"]))
    assert f'id="suggestion-{made.id}"' in page and "Withdraw my suggestion" in page
    assert "Accept: make it a new version" not in page  # the parent does not decide


def test_the_page_refuses_a_suggestion_without_a_change_or_reason_and_saves_nothing(demo, ot_service):
    client = signed_in(demo.parent_maya)
    response = client.post(f"/recommendations/{ot_service.id}/suggest/", form_data(ot_service))
    assert response.status_code == 422
    assert "Suggest at least one change." in page_text(response)
    response = client.post(f"/recommendations/{ot_service.id}/suggest/", form_data(ot_service, reason="",
                                                                                    minutes_per_week=45))
    assert response.status_code == 422
    assert field_error(page_text(response), "suggest-reason")
    assert not Suggestion.objects.exists()


def test_the_ot_sees_both_versions_side_by_side_and_accepts(demo, ot_service, made):
    client = signed_in(demo.ot)
    html = page_text(client.get(f"/recommendations/{ot_service.id}/"))
    item = html[html.index(f'id="suggestion-{made.id}"'):]
    assert "Now (version 1)" in item and "<del>30</del>" in item and "<ins>45</ins>" in item
    assert "She tires at home." in item and "Accept: make it a new version" in item

    response = client.post(f"/suggestions/{made.id}/accept/")

    assert response.status_code == 302
    page = page_text(client.get(response["Location"]))
    assert "suggested by Elena Rivera, accepted by Priya Natarajan" in page
    assert Recommendation.objects.get(id=ot_service.id).minutes_per_week == 45
    assert RecommendationVersion.objects.filter(recommendation=ot_service).count() == 2


def test_decline_needs_a_note_on_the_page_too(demo, ot_service, made):
    client = signed_in(demo.casemanager)
    response = client.post(f"/suggestions/{made.id}/decline/", {"note": ""})
    assert response.status_code == 422
    assert field_error(page_text(response), f"decline-{made.id}-note")
    assert Suggestion.objects.get().status == "open"
    response = client.post(f"/suggestions/{made.id}/decline/", {"note": "School data say 30 is enough."})
    assert response.status_code == 302
    assert Suggestion.objects.get().status == "declined"


def test_withdraw_by_someone_else_is_403_and_the_other_family_404(demo, ot_service, made):
    assert signed_in(demo.ot).post(f"/suggestions/{made.id}/withdraw/").status_code == 403
    assert signed_in(demo.slp).post(f"/suggestions/{made.id}/accept/").status_code == 403
    for path in (f"/suggestions/{made.id}/withdraw/", f"/suggestions/{made.id}/accept/",
                 f"/recommendations/{ot_service.id}/suggest/"):
        assert signed_in(demo.parent_leo).post(path, {"note": "x"}).status_code == 404
    assert signed_in(demo.parent_leo).get(f"/recommendations/{ot_service.id}/suggestions/").status_code == 404
    assert Suggestion.objects.get().status == "open"
    assert signed_in(demo.parent_maya).post(f"/suggestions/{made.id}/withdraw/").status_code == 302
    assert Suggestion.objects.get().status == "withdrawn"


@pytest.mark.parametrize("persona,step", [("ot", "decline"), ("parent_maya", "withdraw")])
def test_on_a_signed_iep_the_page_offers_no_step_and_refuses_one_posted_anyway(demo, ot_service, made, persona, step):
    from apps.ieps.models import IEP

    IEP.objects.filter(id=demo.maya_iep.id).update(status=IEP.Status.ACTIVE)
    client = signed_in(getattr(demo, persona))
    item = page_text(client.get(f"/recommendations/{ot_service.id}/")).split(f'id="suggestion-{made.id}"')[1]
    for button in ("Accept: make it a new version", "Decline with this note", "Withdraw my suggestion"):
        assert button not in item

    # A page opened before the IEP was signed still has the form.
    response = client.post(f"/suggestions/{made.id}/{step}/", {"note": "School data say 30 is enough."})

    assert response.status_code == 409
    assert "This IEP is Active; it cannot be changed." in page_text(response)
    assert Suggestion.objects.get().status == "open"


def test_a_stale_suggestion_shows_what_changed_since_and_offers_no_accept(demo, ot_service, made, api_as):
    api_as("ot").patch(f"/api/v1/recommendations/{ot_service.id}/", {"setting": "In class"}, format="json")
    client = signed_in(demo.ot)
    html = page_text(client.get(f"/recommendations/{ot_service.id}/"))
    item = html[html.index(f'id="suggestion-{made.id}"'):]
    assert "Made on version 1; the recommendation is now at version 2" in item
    assert "Pull-out, OT room" in item and "In class" in item
    assert "Accept: make it a new version" not in item and "Decline with this note" in item
    response = client.post(f"/suggestions/{made.id}/accept/")
    assert response.status_code == 409
    assert "made on version 1" in page_text(response)


def test_the_fragments_for_the_live_client(demo, ot_service, made):
    client = signed_in(demo.slp)
    suggestions_html = page_text(client.get(f"/recommendations/{ot_service.id}/suggestions/?live=1"))
    assert f'id="suggestion-{made.id}"' in suggestions_html and 'id="suggestions-live"' in suggestions_html
    positions_html = page_text(client.get(f"/recommendations/{ot_service.id}/positions/?live=1"))
    assert 'id="positions-live"' in positions_html and "Disputed" in positions_html


def test_the_iep_card_shows_the_summary_and_the_open_suggestions(demo, ot_service, made):
    html = page_text(signed_in(demo.casemanager).get(f"/ieps/{demo.maya_iep.id}/"))
    card = html[html.index(f'id="rec-{ot_service.id}-body"'):]
    card = card[:card.index('class="rec__more"')]
    assert "Disputed" in card and "Not said yet" in card and "Marcus Bell" in card
    assert "1 open suggested change" in card


def test_an_evaluator_gets_no_suggest_form(demo, flow):
    flow.to("attested")
    html = page_text(signed_in(demo.evaluator).get(f"/recommendations/{flow.disputed[0].id}/"))
    assert 'id="suggestion-form"' not in html and 'id="position-form"' not in html
    assert signed_in(demo.evaluator).post(f"/recommendations/{flow.disputed[0].id}/suggest/",
                                          form_data(flow.disputed[0], minutes_per_week=45)).status_code == 403


def _with_suggestions(demo, rec, n):
    Suggestion.objects.bulk_create([
        Suggestion(recommendation=rec, author=demo.parent_maya, changes={"minutes_per_week": 40 + i}, reason="r",
                   base_version=1) for i in range(n)])


def _queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_recommendation_page_and_the_suggestion_list_take_the_same_queries_for_3_or_30(demo, api_as):
    small, large = demo.maya_recs[1], demo.maya_recs[2]
    _with_suggestions(demo, small, 3)
    _with_suggestions(demo, large, 30)
    for persona in ("ot", "parent_maya", "admin"):
        client = signed_in(getattr(demo, persona))
        assert _queries(client, f"/recommendations/{small.id}/") == _queries(client, f"/recommendations/{large.id}/")
    api = api_as("slp")
    counts = []
    for rec in (small, large):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert api.get(f"/api/v1/recommendations/{rec.id}/suggestions/?page_size=50").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_a_suggestions_time_is_written_in_the_readers_zone_with_the_zone_named(demo, ot_service):
    """Like every time on the pages (the comments beside it): local, and named, never a bare UTC time."""
    from datetime import datetime, timezone as tz

    import time_machine

    with time_machine.travel(datetime(2027, 1, 12, 15, 0, tzinfo=tz.utc), tick=False):
        made = suggestions.suggestion_create(actor=demo.parent_maya, recommendation=ot_service,
                                             changes={"minutes_per_week": 45}, reason="She tires at home.",
                                             base_version=1)
    client = signed_in(demo.parent_maya)
    client.cookies["tz"] = "America/Chicago"
    html = page_text(client.get(f"/recommendations/{ot_service.id}/"))
    card = html.split(f'id="suggestion-{made.id}"', 1)[1].split("</li>", 1)[0]
    assert "Jan. 12, 2027, 9 a.m. CST" in card, card[:400]
