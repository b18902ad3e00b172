"""The server-rendered pages: who sees what, what each page must show, and the structure that
makes them usable with a keyboard and a screen reader."""
from html.parser import HTMLParser

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from apps.core.views import server_error
from apps.ieps import services
from apps.students.services import invitation_create
from tests.conftest import DEMO_PASSWORD

NOT_FOUND_TEXT = "We could not find that page"


class Page(HTMLParser):
    """Just enough of the page's structure to test it: headings, labels, inputs, table headers."""

    def __init__(self, html):
        super().__init__()
        self.lang = None
        self.h1 = 0
        self.ids = set()
        self.label_for = set()
        self.inputs = []
        self.th_without_scope = 0
        self.landmarks = set()
        self.current_links = []
        self._in_a = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        elif tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit", "button"):
            self.inputs.append(a)
        elif tag == "th" and "scope" not in a:
            self.th_without_scope += 1
        elif tag in ("header", "nav", "main", "footer"):
            self.landmarks.add(tag)
        elif tag == "a" and a.get("aria-current") == "page":
            self.current_links.append(a.get("href"))

    def unlabelled_inputs(self):
        return [i for i in self.inputs if i.get("id") not in self.label_for and not i.get("aria-label")]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_text(response) -> str:
    return response.content.decode()


# ---------- who may open what ----------

def test_it_sends_strangers_to_the_sign_in_page(demo):
    for path in ["/", f"/students/{demo.maya.id}/", f"/ieps/{demo.maya_iep.id}/",
                 f"/recommendations/{demo.maya_recs[0].id}/"]:
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["parent.maya", "casemanager", "ot", "slp", "admin"])
def test_it_shows_mayas_pages_to_her_team_and_the_district(demo, persona):
    client = signed_in(demo.users[persona])
    for path in [f"/students/{demo.maya.id}/", f"/ieps/{demo.maya_iep.id}/",
                 f"/recommendations/{demo.maya_recs[0].id}/"]:
        response = client.get(path)
        assert response.status_code == 200, (persona, path)
        assert "Maya Rivera" in page_text(response)


@pytest.mark.parametrize("persona", ["parent.leo", "teacher.leo", "evaluator"])
def test_it_answers_404_to_people_outside_mayas_team(demo, persona):
    client = signed_in(demo.users[persona])
    rationale = demo.maya_recs[0].rationale
    for path in [f"/students/{demo.maya.id}/", f"/ieps/{demo.maya_iep.id}/",
                 f"/recommendations/{demo.maya_recs[0].id}/"]:
        response = client.get(path)
        assert response.status_code == 404, (persona, path)
        text = page_text(response)
        assert NOT_FOUND_TEXT in text
        assert "Maya" not in text
        assert rationale[:40] not in text


def test_a_page_that_does_not_exist_is_a_404_page(demo):
    response = signed_in(demo.parent_maya).get("/ieps/999999/")
    assert response.status_code == 404
    assert NOT_FOUND_TEXT in page_text(response)


# ---------- sign in, sign out, language ----------

def test_the_sign_in_page_labels_its_fields(db):
    response = Client().get(reverse("accounts:login"))
    assert response.status_code == 200
    page = Page(page_text(response))
    assert page.h1 == 1
    assert not page.unlabelled_inputs()
    assert {"email", "password"} <= {i.get("type") for i in page.inputs}


def test_a_wrong_password_shows_an_error_and_signs_no_one_in(demo):
    client = Client()
    response = client.post(reverse("accounts:login"),
                           {"username": "parent.maya@demo.example", "password": "not-the-password"})
    assert response.status_code == 200
    text = page_text(response)
    assert 'role="alert"' in text
    assert "We could not sign you in" in text
    assert "_auth_user_id" not in client.session


def test_signing_in_through_the_form_leads_home(demo):
    client = Client()
    response = client.post(reverse("accounts:login"),
                           {"username": "Parent.Maya@demo.example", "password": DEMO_PASSWORD}, follow=True)
    assert response.status_code == 200
    assert "My children" in page_text(response)


def test_signing_out_takes_a_post(demo):
    client = signed_in(demo.parent_maya)
    page = page_text(client.get("/"))
    assert f'method="post" action="{reverse("accounts:logout")}"' in page
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_the_language_switcher_changes_the_page_language(demo):
    client = signed_in(demo.parent_maya)
    assert Page(page_text(client.get("/"))).lang == "en"
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert Page(page_text(client.get("/"))).lang == "es"


# ---------- home per role ----------

def test_a_parent_sees_their_children_and_their_ieps(demo):
    text = page_text(signed_in(demo.parent_maya).get("/"))
    assert "My children" in text
    assert "Maya Rivera" in text
    assert f'href="/ieps/{demo.maya_iep.id}/"' in text
    assert "Leo" not in text


def test_a_clinician_sees_their_caseload(demo):
    text = page_text(signed_in(demo.ot).get("/"))
    assert "My caseload" in text
    assert "Maya Rivera" in text
    assert "Leo" not in text


def test_the_case_manager_sees_both_children_in_the_caseload(demo):
    text = page_text(signed_in(demo.casemanager).get("/"))
    assert "My caseload" in text
    assert "Maya Rivera" in text and "Leo Chen" in text


def test_a_district_admin_sees_the_district(demo):
    response = signed_in(demo.admin).get("/")
    text = page_text(response)
    assert "District students" in text
    assert "Maya Rivera" in text and "Leo Chen" in text
    assert Page(text).th_without_scope == 0


def test_an_evaluator_on_no_case_sees_a_kind_empty_state(demo):
    text = page_text(signed_in(demo.evaluator).get("/"))
    assert "No students to show yet" in text
    assert "/students/" not in text
    assert "Maya" not in text and "Leo" not in text


# ---------- student, IEP and recommendation pages ----------

def test_the_student_page_shows_the_team_and_the_ieps(demo):
    text = page_text(signed_in(demo.parent_maya).get(f"/students/{demo.maya.id}/"))
    for name in ["Priya Natarajan", "Marcus Bell", "Sam Okafor", "Elena Rivera"]:
        assert name in text
    assert "Occupational therapy" in text and "Speech-language pathology" in text
    assert "Case manager" in text and "Parent or guardian" in text
    for heading in ["Status", "Meeting date", "Annual review due", "Reevaluation due"]:
        assert heading in text
    assert f'href="/ieps/{demo.maya_iep.id}/"' in text
    assert "Oct. 15, 2027" in text  # annual review due, a year after the meeting


def test_the_iep_page_shows_every_recommendation_with_its_full_rationale(demo):
    text = page_text(signed_in(demo.parent_maya).get(f"/ieps/{demo.maya_iep.id}/"))
    for rec in demo.maya_recs:
        assert f'id="rec-{rec.id}"' in text
        assert f'data-recommendation-id="{rec.id}"' in text
        assert rec.title in text
        assert rec.rationale.replace("'", "&#x27;") in text
    assert "30 minutes" in text
    assert "Pull-out, OT room" in text


def test_the_iep_page_shows_each_members_position(demo):
    text = page_text(signed_in(demo.ot).get(f"/ieps/{demo.maya_iep.id}/"))
    assert "Disagree" in text and "Agree" in text
    assert "At home Maya still cannot button her coat" in text
    assert "At home" in text and "At school" in text
    assert "Homework takes her an hour" in text


def test_the_recommendation_page_shows_every_version_oldest_first(demo):
    rec = demo.maya_recs[0]
    services.recommendation_update(actor=demo.ot, recommendation=rec, minutes_per_week=45,
                                   change_note="After the parent's input.")
    text = page_text(signed_in(demo.parent_maya).get(f"/recommendations/{rec.id}/"))
    assert text.index('id="version-1"') < text.index('id="version-2"')
    assert "What changed" in text
    assert "After the parent&#x27;s input." in text
    history = text[text.index('id="version-2"'):]
    assert "<del>30</del>" in history and "<ins>45</ins>" in history


def test_staff_reads_are_logged_and_parents_reads_are_not(demo):
    from apps.audit.models import AccessLog

    signed_in(demo.ot).get(f"/ieps/{demo.maya_iep.id}/")
    signed_in(demo.parent_maya).get(f"/ieps/{demo.maya_iep.id}/")
    assert AccessLog.objects.filter(user=demo.ot, object_type="iep").count() == 1
    assert not AccessLog.objects.filter(user=demo.parent_maya).exists()


# ---------- invitations ----------

def test_an_unknown_invitation_link_says_so(db):
    response = Client().get("/invitations/not-a-real-token/")
    assert response.status_code == 404
    assert "not valid any more" in page_text(response)


def test_a_new_person_joins_the_team_from_the_invitation(demo):
    _invitation, token = invitation_create(actor=demo.casemanager, student=demo.maya,
                                           email="grandma@demo.example", role="parent")
    client = Client()
    page = client.get(f"/invitations/{token}/")
    assert page.status_code == 200
    assert "Join Maya" in page_text(page)
    assert not Page(page_text(page)).unlabelled_inputs()

    missing = client.post(f"/invitations/{token}/", {"full_name": "", "password": ""})
    assert "This field is required." in page_text(missing)
    assert 'aria-invalid="true"' in page_text(missing)

    joined = client.post(f"/invitations/{token}/", {"full_name": "Rosa Rivera", "password": "a-long-password"})
    assert joined.status_code == 302
    assert joined["Location"] == reverse("ieps:student", args=[demo.maya.id])
    assert "You joined Maya" in page_text(client.get(joined["Location"]))


# ---------- error pages ----------

def test_the_500_page_needs_no_database(db, django_assert_num_queries, demo):
    request = RequestFactory().get("/ieps/1/")
    request.user = demo.parent_maya
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    text = response.content.decode()
    assert "Something went wrong" in text
    assert '<html lang="en">' in text
    assert "<h1>" in text


@pytest.mark.parametrize("template", ["errors/400.html", "errors/403.html", "errors/404.html", "errors/500.html"])
def test_error_pages_render_without_a_request(template):
    from django.template.loader import render_to_string

    html = render_to_string(template)
    page = Page(html)
    assert page.h1 == 1 and page.lang == "en" and "main" in page.landmarks


# ---------- structure: landmarks, headings, labels, table headers ----------

@pytest.mark.parametrize("persona", ["parent.maya", "ot", "admin", "evaluator"])
def test_every_page_has_one_h1_landmarks_and_labelled_fields(demo, persona):
    client = signed_in(demo.users[persona])
    paths = ["/"]
    if persona != "evaluator":
        paths += [f"/students/{demo.maya.id}/", f"/ieps/{demo.maya_iep.id}/",
                  f"/recommendations/{demo.maya_recs[0].id}/"]
    for path in paths:
        page = Page(page_text(client.get(path)))
        assert page.lang == "en", path
        assert page.h1 == 1, path
        assert {"header", "nav", "main", "footer"} <= page.landmarks, path
        assert "main" in page.ids
        assert not page.unlabelled_inputs(), path
        assert page.th_without_scope == 0, path


def test_the_nav_marks_the_current_page_and_breadcrumbs_the_path(demo):
    client = signed_in(demo.parent_maya)
    assert "/" in Page(page_text(client.get("/"))).current_links
    iep_page = page_text(client.get(f"/ieps/{demo.maya_iep.id}/"))
    assert 'aria-label="Breadcrumb"' in iep_page
    trail = iep_page.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    assert "Riverside Unified School District" not in trail  # a parent's trail starts at her child
    assert f'href="/students/{demo.maya.id}/"' in trail
    assert f'/ieps/{demo.maya_iep.id}/" aria-current="page"' in iep_page


def test_pages_use_no_cdn(demo):
    text = page_text(signed_in(demo.parent_maya).get(f"/ieps/{demo.maya_iep.id}/"))
    assert "/static/vendor/htmx.min.js" in text
    assert "/static/css/app.css" in text
    for src in ["http://", "https://", "//cdn"]:
        assert f'src="{src}' not in text and f'href="{src}' not in text


def test_the_iep_page_takes_as_many_queries_for_20_recommendations_as_for_4(demo, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(demo.ot)
    url = f"/ieps/{demo.maya_iep.id}/"
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(16):
        rec = services.recommendation_create(actor=demo.ot, iep=demo.maya_iep, kind="goal", title=f"Goal {i}",
                                             rationale="Because.")
        services.position_set(actor=demo.parent_maya, recommendation=rec, stance="agree")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
