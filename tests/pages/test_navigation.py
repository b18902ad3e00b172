"""Navigation that matches the person: a parent's breadcrumb starts at their child; resolving a
thread asks first; times, dates and amounts are written one way per language, in one time zone
(the reader's, named); counts read "1 member", "2 members" and never "0 members"; the comment
hint says what a parent needs."""
import re
from datetime import date, datetime, timedelta, timezone as dt_timezone

import pytest
import time_machine
from django.test import Client
from django.utils import timezone, translation

from apps.core.templatetags.ui import dollars, moment
from apps.discussions import services as discussions
from apps.discussions.selectors import thread_of
from apps.evaluations import services as evaluations
from apps.evaluations.models import EvaluationRequest

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _default_language_and_zone_after():
    yield
    translation.deactivate()
    timezone.deactivate()


def signed_in(user, **headers) -> Client:
    client = Client(**headers)
    client.force_login(user)
    return client


def crumbs(html):
    nav = re.search(r'<nav class="breadcrumbs"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "no breadcrumb on the page"
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", nav.group(1), re.S)]


# --- breadcrumbs --------------------------------------------------------------------------------

def _pages(demo):
    rec = demo.maya_recs[0]
    return [f"/students/{demo.maya.id}/", f"/ieps/{demo.maya_iep.id}/", f"/recommendations/{rec.id}/",
            f"/recommendations/{rec.id}/discussion/", f"/ieps/{demo.maya_iep.id}/evaluations/new/"]


def test_a_parents_breadcrumb_starts_at_her_child(demo):
    client = signed_in(demo.parent_maya)
    for path in _pages(demo):
        trail = crumbs(client.get(path).content.decode())
        assert trail[0] == "Maya Rivera", (path, trail)
        assert "Riverside Unified School District" not in trail


@pytest.mark.parametrize("persona", ["casemanager", "ot", "admin"])
def test_staffs_breadcrumb_still_starts_at_the_district(demo, persona):
    client = signed_in(demo.users[persona])
    for path in _pages(demo)[:4]:
        trail = crumbs(client.get(path).content.decode())
        assert trail[:2] == ["Riverside Unified School District", "Maya Rivera"], (path, trail)


def test_the_other_familys_parent_gets_no_trail_to_maya(demo):
    answer = signed_in(demo.parent_leo).get(f"/ieps/{demo.maya_iep.id}/")
    assert answer.status_code == 404 and "Maya" not in answer.content.decode()


# --- resolving asks first ----------------------------------------------------------------------

def test_resolving_a_thread_asks_first_and_says_what_it_means(demo):
    rec = demo.maya_recs[0]
    html = signed_in(demo.parent_maya).get(f"/recommendations/{rec.id}/thread/", **HX).content.decode()
    confirm = re.search(rf'<details class="resolve-confirm" id="resolve-confirm-{rec.id}">(.*?)</details>', html, re.S)
    assert confirm, "no confirmation around the resolve button"
    inside = confirm.group(1)
    assert "<summary" in inside and "Mark resolved" in inside
    assert "closes this discussion to new comments" in inside
    # The only way to resolve is the button inside the question.
    assert html.count(f'action="/recommendations/{rec.id}/thread/resolve/"') == 1
    assert f'action="/recommendations/{rec.id}/thread/resolve/"' in inside
    assert "Yes, mark it resolved" in inside


def test_those_who_may_not_resolve_get_no_question_either(demo):
    rec = demo.maya_recs[0]
    html = signed_in(demo.admin).get(f"/recommendations/{rec.id}/thread/", **HX).content.decode()
    assert "resolve-confirm" not in html
    assert signed_in(demo.parent_leo).get(f"/recommendations/{rec.id}/thread/", **HX).status_code == 404


def test_reopening_needs_no_question(demo):
    rec = demo.maya_recs[0]
    discussions.thread_resolve(actor=demo.casemanager, thread=thread_of(rec))
    html = signed_in(demo.parent_maya).get(f"/recommendations/{rec.id}/thread/", **HX).content.decode()
    assert "resolve-confirm" not in html and "Reopen" in html


# --- times, dates and amounts -----------------------------------------------------------------

MOMENT = datetime(2026, 3, 4, 17, 5, tzinfo=dt_timezone.utc)


def test_a_moment_is_written_in_the_readers_zone_with_the_zone_named_one_way_per_language():
    with timezone.override("America/New_York"):
        with translation.override("en"):
            english = moment(MOMENT)
        with translation.override("es"):
            spanish = moment(MOMENT)
    assert english == "March 4, 2026, 12:05 p.m. EST"
    assert spanish == "4 de marzo de 2026 a las 12:05 EST"


def test_amounts_are_grouped_the_languages_way():
    with translation.override("en"):
        assert dollars(3500) == "$3,500"
    with translation.override("es"):
        assert dollars(12500) == "$12\xa0500"


def test_a_comment_shows_one_time_in_the_zone_the_browser_reported(demo):
    rec = demo.maya_recs[0]
    with time_machine.travel(MOMENT, tick=False):
        comment = discussions.comment_create(actor=demo.ot, thread=thread_of(rec), body="Seen at school.")
    client = signed_in(demo.parent_maya)
    client.cookies["tz"] = "America%2FLos_Angeles"
    html = client.get(f"/recommendations/{rec.id}/thread/", **HX).content.decode()
    shown = re.search(rf'id="comment-{comment.id}".*?<time class="comment__time"[^>]*>([^<]+)</time>', html, re.S)
    assert shown and shown.group(1) == "March 4, 2026, 9:05 a.m. PST"
    assert "UTC" not in html


def test_a_zone_the_server_does_not_know_falls_back_to_utc_named(demo):
    rec = demo.maya_recs[0]
    with time_machine.travel(MOMENT, tick=False):
        discussions.comment_create(actor=demo.ot, thread=thread_of(rec), body="Seen at school.")
    client = signed_in(demo.parent_maya)
    client.cookies["tz"] = "..%2F..%2Fetc%2Fpasswd"
    html = client.get(f"/recommendations/{rec.id}/thread/", **HX).content.decode()
    assert "March 4, 2026, 5:05 p.m. UTC" in html


def test_token_times_the_access_record_and_a_comments_buttons_name_the_zone(demo):
    from apps.accounts.models import ApiToken
    from apps.audit.services import access_record

    rec = demo.maya_recs[0]
    with time_machine.travel(MOMENT, tick=False):
        ApiToken.objects.create(user=demo.parent_maya, name="district app")
        comment = discussions.comment_create(actor=demo.parent_maya, thread=thread_of(rec), body="Seen at home.")
        access_record(actor=demo.ot, student=demo.maya, obj=rec)
    with time_machine.travel(MOMENT + timedelta(hours=1), tick=False):  # the token is still valid
        client = signed_in(demo.parent_maya)
        client.cookies["tz"] = "America%2FLos_Angeles"
        profile = client.get("/accounts/profile/").content.decode()
        record = client.get(f"/students/{demo.maya.id}/access-record/").content.decode()
        thread = client.get(f"/recommendations/{rec.id}/thread/", **HX).content.decode()
    shown = "March 4, 2026, 9:05 a.m. PST"
    assert shown in profile
    assert shown in record
    buttons = re.search(rf'id="comment-{comment.id}".*?</article>', thread, re.S).group(0)
    assert f"Edit<span class=\"visually-hidden\"> your comment of {shown}" in buttons


def _submitted_evaluation(d):
    service, goal = d.maya_recs[0], d.maya_recs[3]
    e = evaluations.evaluation_request_create(actor=d.parent_maya, iep=d.maya_iep,
                                              recommendation_ids=[service.id, goal.id], areas=["Fine motor"])
    evaluations.evaluation_request_decide(actor=d.admin, request=e, decision="approve", cost_cap=12500,
                                          report_due=date.today() + timedelta(days=90), note="Funded.")
    return EvaluationRequest.objects.get(id=e.id)


def test_the_cost_cap_reads_in_the_readers_language(demo):
    e = _submitted_evaluation(demo)
    english = signed_in(demo.parent_maya).get(f"/evaluations/{e.id}/").content.decode()
    assert "$12,500" in english
    demo.parent_maya.preferred_language = "es"
    demo.parent_maya.save(update_fields=["preferred_language"])
    spanish = signed_in(demo.parent_maya).get(f"/evaluations/{e.id}/").content.decode()
    assert "$12\xa0500" in spanish or "$12&nbsp;500" in spanish


# --- plurals and counts -----------------------------------------------------------------------

def test_the_bell_says_none_unread_rather_than_zero(demo):
    html = signed_in(demo.parent_maya).get("/").content.decode()
    assert "0 unread" not in html and "none unread" in html


# --- the comment hint -------------------------------------------------------------------------

def test_the_comment_hint_a_parent_sees_speaks_of_links_and_line_breaks_not_code(demo):
    rec = demo.maya_recs[0]
    html = signed_in(demo.parent_maya).get(f"/recommendations/{rec.id}/thread/", **HX).content.decode()
    assert "a web address becomes a link, and Enter starts a new line" in html
    assert "`code`" not in html


def test_who_considered_the_findings_reads_1_member_2_members_and_never_0_members(demo, tmp_path, settings):
    from tests.pages.test_evaluation_pages import Steps

    settings.MEDIA_ROOT = str(tmp_path / "media")
    e = Steps(demo).to("submit")
    client = signed_in(demo.parent_maya)

    def panel():
        return re.sub(r"\s+", " ", client.get(f"/evaluations/{e.id}/").content.decode())

    first = panel()
    assert "0 members" not in first and "by 0 member" not in first
    assert "Not considered by anyone yet" in first
    evaluations.evaluation_request_acknowledge(actor=demo.parent_maya, request=EvaluationRequest.objects.get(id=e.id))
    assert "Considered by 1 member<" in panel()
    evaluations.evaluation_request_acknowledge(actor=demo.ot, request=EvaluationRequest.objects.get(id=e.id))
    assert "Considered by 2 members<" in panel()
