"""The independent evaluation's pages: the parent's request form, the request's page for the team,
the district administrators' queue, the evaluator's workspace and the IEP page's panel. Who sees
which page, what is sealed until submit, forms that show errors next to their fields and save
nothing, and query counts that do not grow with the number of requests."""
import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from apps.accounts.models import District, EvaluatorOrganization, School, User
from apps.evaluations import services
from apps.evaluations.models import Acknowledgement, EvaluationRequest, FindingsVersion, ReportFile
from apps.ieps import services as iep_services
from apps.ieps.models import Event
from apps.students.models import Membership, Role, Student
from tests.evaluations.helpers import TEAM, days_ahead, pdf
from tests.pages.test_pages import Page

HX = {"HTTP_HX_REQUEST": "true"}
OUTSIDERS = ["parent.leo", "teacher.leo"]
SUMMARY = "Her fine-motor needs are greater at home than the school data show."
RATIONALE = "Keep two sessions a week until handwriting endurance reaches 20 minutes."


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response) -> str:
    return response.content.decode()


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FILE_UPLOAD_TEMP_DIR = None


# ---------- the flow, through the services, as the personas ----------

class Steps:
    def __init__(self, demo, recs=None):
        self.demo = demo
        self.recs = recs or [demo.maya_recs[0], demo.maya_recs[3]]  # the OT service and the OT goal
        self.e = None

    def reload(self):
        self.e = EvaluationRequest.objects.get(id=self.e.id)
        return self.e

    def request(self, persona="parent.maya", reason=""):
        self.e = services.evaluation_request_create(actor=self.demo.users[persona], iep=self.demo.maya_iep,
                                                    recommendation_ids=[r.id for r in self.recs],
                                                    areas=["Fine motor"], reason=reason)
        return self

    def approve(self):
        services.evaluation_request_decide(actor=self.demo.admin, request=self.reload(), decision="approve",
                                           cost_cap=3500, report_due=date.fromisoformat(days_ahead()), note="Funded.")
        return self

    def assign(self, evaluator=None):
        services.evaluation_request_assign(actor=self.demo.admin, request=self.reload(),
                                           evaluator_id=(evaluator or self.demo.evaluator).id)
        return self

    def attest(self, evaluator=None):
        services.evaluation_request_attest(actor=evaluator or self.demo.evaluator, request=self.reload(),
                                           independent_of_district=True, independent_of_family=True,
                                           statement="No ties to the district or the family.")
        return self

    def draft(self, evaluator=None):
        who = evaluator or self.demo.evaluator
        services.evaluation_file_upload(actor=who, request=self.reload(),
                                        upload=SimpleUploadedFile("maya-iee.pdf", pdf(), "application/pdf"))
        findings = [{"recommendation": r.id, "opinion": "modify" if r.kind == "service" else "agree",
                     "minutes_per_week": 60 if r.kind == "service" else None, "rationale": RATIONALE}
                    for r in self.recs]
        services.evaluation_findings_save(actor=who, request=self.reload(), summary=SUMMARY, findings=findings)
        return self

    def submit(self, evaluator=None):
        services.evaluation_request_submit(actor=evaluator or self.demo.evaluator, request=self.reload())
        return self

    def to(self, stage):
        order = ["request", "approve", "assign", "attest", "draft", "submit"]
        for step in order[: order.index(stage) + 1]:
            getattr(self, step)()
        return self.reload()


def other_evaluator():
    org = EvaluatorOrganization.objects.create(name="Second Opinion Partners")
    return User.objects.create_user(email="evaluator2@demo.example", password="x" * 12, full_name="Dr. Ola Berg",
                                    evaluator_organization=org)


def saved_state():
    return (EvaluationRequest.objects.count(), Event.objects.count(),
            list(EvaluationRequest.objects.values_list("status", "decision", "due_process_reference")))


# ---------- the request form ----------

@pytest.mark.parametrize("persona", ["parent.maya", "casemanager"])
def test_the_request_form_explains_the_option_in_plain_words(demo, persona, settings):
    response = signed_in(demo.users[persona]).get(f"/ieps/{demo.maya_iep.id}/evaluations/new/")
    assert response.status_code == 200
    html = text_of(response)
    assert "does not work for the school district" in html
    assert "The district pays for it" in html
    assert "You may say why if you want to, but the law does not ask you to" in html
    due = timezone.localdate() + timedelta(days=settings.EVALUATION_DECISION_DAYS)
    assert date_format(due, "DATE_FORMAT") in html
    assert "file for a due-process hearing" in html
    for rec in demo.maya_recs:
        assert f'value="{rec.id}"' in html and rec.title in html
    page = Page(html)
    assert page.h1 == 1 and not page.unlabelled_inputs()
    assert '<fieldset class="choices"' in html and "<legend" in html


def test_the_request_form_promises_the_date_of_the_districts_own_period(demo):
    """Texas counts 15 school days: the form must give the parent the date the request will get,
    not the federal 60 calendar days."""
    from zoneinfo import ZoneInfo

    import time_machine

    from apps.deadlines.models import DeadlinePeriod

    DeadlinePeriod.objects.create(district=demo.maya.district, kind="evaluation_decision", count=15, unit="school")
    with time_machine.travel(timezone.datetime(2027, 3, 5, 10, tzinfo=ZoneInfo("America/New_York")), tick=False):
        html = text_of(signed_in(demo.parent_maya).get(f"/ieps/{demo.maya_iep.id}/evaluations/new/"))
        # 15 school days after Friday 5 March 2027 (no closed days): Friday 26 March, 21 days away.
        assert f"<strong>{date_format(date(2027, 3, 26), 'DATE_FORMAT')}</strong> (21 days from today)" in html
        e = services.evaluation_request_create(actor=demo.parent_maya, iep=demo.maya_iep,
                                               recommendation_ids=[demo.maya_recs[0].id])
    assert e.decision_due == date(2027, 3, 26)


def test_a_clinician_may_read_but_not_request_and_outsiders_get_404(demo):
    assert signed_in(demo.ot).get(f"/ieps/{demo.maya_iep.id}/evaluations/new/").status_code == 403
    for persona in [*OUTSIDERS, "evaluator"]:
        response = signed_in(demo.users[persona]).get(f"/ieps/{demo.maya_iep.id}/evaluations/new/")
        assert response.status_code == 404, persona


def test_a_request_without_a_recommendation_shows_the_error_next_to_the_field_and_saves_nothing(demo):
    before = saved_state()
    response = signed_in(demo.parent_maya).post(f"/ieps/{demo.maya_iep.id}/evaluations/new/",
                                                {"areas": "Handwriting", "reason": "She struggles at home."})
    assert response.status_code == 422
    html = text_of(response)
    assert 'id="request-recommendations_error"' in html
    assert "Choose at least one." in html
    assert re.search(r'<fieldset class="choices field--error" aria-describedby="[^"]*request-recommendations_error', html)
    assert "She struggles at home." in html  # what was typed comes back
    assert saved_state() == before


def test_a_parent_sends_a_request_and_lands_on_its_page(demo):
    client = signed_in(demo.parent_maya)
    rec_a, rec_b = demo.maya_recs[0], demo.maya_recs[3]
    response = client.post(f"/ieps/{demo.maya_iep.id}/evaluations/new/", {
        "recommendations": [rec_a.id, rec_b.id], "areas": "Fine motor, handwriting", "reason": ""})
    e = EvaluationRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/evaluations/{e.id}/"
    assert sorted(e.disputed.values_list("recommendation_id", flat=True)) == [rec_a.id, rec_b.id]
    assert e.areas == ["Fine motor", "handwriting"] and e.reason == ""
    html = text_of(client.get(response["Location"]))
    assert "Your request was sent" in html
    assert "stay sealed until they submit" in html
    assert rec_a.title in html


# ---------- the request's page ----------

@pytest.mark.parametrize("persona", [*TEAM, "admin"])
def test_the_request_page_is_for_the_team_and_the_district(demo, persona):
    e = Steps(demo).to("request")
    response = signed_in(demo.users[persona]).get(f"/evaluations/{e.id}/")
    assert response.status_code == 200
    assert "Independent evaluation" in text_of(response)


def test_the_request_page_is_404_for_other_families_staff_and_evaluators(demo):
    e = Steps(demo).to("attest")
    stranger = other_evaluator()
    for user in [demo.parent_leo, demo.teacher_leo, stranger]:
        for path in [f"/evaluations/{e.id}/", f"/evaluations/{e.id}/work/", f"/ieps/{demo.maya_iep.id}/evaluations/panel/"]:
            assert signed_in(user).get(path).status_code == 404, (user.email, path)
    # The assigned evaluator is sent to their workspace.
    response = signed_in(demo.evaluator).get(f"/evaluations/{e.id}/")
    assert response.status_code == 302 and response["Location"] == f"/evaluations/{e.id}/work/"


def test_the_requester_may_withdraw_before_submit(demo):
    e = Steps(demo).to("approve")
    assert "Withdraw the request" not in text_of(signed_in(demo.casemanager).get(f"/evaluations/{e.id}/"))
    client = signed_in(demo.parent_maya)
    assert "Withdraw the request" in text_of(client.get(f"/evaluations/{e.id}/"))
    response = client.post(f"/evaluations/{e.id}/withdraw/", {"note": "We found another way."})
    assert response.status_code == 302
    assert EvaluationRequest.objects.get(id=e.id).status == "withdrawn"


def test_the_findings_are_invisible_to_the_team_until_submit_and_shown_beside_the_recommendation_after(demo):
    steps = Steps(demo)
    e = steps.to("draft")
    paths = [f"/evaluations/{e.id}/", f"/ieps/{demo.maya_iep.id}/evaluations/panel/",
             f"/ieps/{demo.maya_iep.id}/evaluations/"]
    for persona in [*TEAM, "admin"]:
        client = signed_in(demo.users[persona])
        for path in paths:
            html = text_of(client.get(path, **HX))
            assert SUMMARY not in html and RATIONALE not in html and "maya-iee.pdf" not in html, (persona, path)

    steps.submit()
    html = text_of(signed_in(demo.parent_maya).get(f"/evaluations/{e.id}/"))
    assert SUMMARY in html and RATIONALE in html
    service = demo.maya_recs[0]
    card = html[html.index(f'id="compare-{service.id}"'):]
    card = card[: card.index("</article>")]
    # The original recommendation (title, minutes, rationale) and the positions, beside the finding.
    assert service.title in card and "Minutes a week:</span> 30" in card
    assert service.rationale[:40] in card
    assert "At home Maya still cannot button her coat" in card  # the parent's position
    assert "Modify" in card and "Minutes a week recommended:</span> 60" in card
    assert f"/api/v1/evaluation-requests/{e.id}/files/" in html and "maya-iee.pdf" in html
    assert "I have considered the findings" in html


def test_each_team_member_records_that_they_considered_the_findings(demo):
    e = Steps(demo).to("submit")
    client = signed_in(demo.ot)
    html = text_of(client.get(f"/evaluations/{e.id}/"))
    assert "Not yet considered by 4 members" in html
    response = client.post(f"/evaluations/{e.id}/acknowledge/")
    assert response.status_code == 302
    assert Acknowledgement.objects.filter(request=e, user=demo.ot).exists()
    html = text_of(client.get(f"/evaluations/{e.id}/"))
    assert "Considered by 1 member" in html and "Not yet considered by 3 members" in html
    assert "I have considered the findings" not in html
    # The district may read it, but is not among those who consider it.
    assert "I have considered the findings" not in text_of(signed_in(demo.admin).get(f"/evaluations/{e.id}/"))


# ---------- the IEP page's panel ----------

def test_the_panel_shows_status_decision_due_and_who_has_and_has_not_considered(demo):
    steps = Steps(demo)
    e = steps.to("submit")
    services.evaluation_request_acknowledge(actor=demo.casemanager, request=steps.reload())
    response = signed_in(demo.parent_maya).get(f"/ieps/{demo.maya_iep.id}/evaluations/panel/", **HX)
    assert response.status_code == 200
    html = text_of(response)
    assert 'id="evaluations-panel"' in html and f'id="evaluation-{e.id}"' in html
    assert SUMMARY in html and "Findings submitted" in html
    considered = html[html.index("Considered by 1 member"):html.index("Not yet considered")]
    assert "Sam Okafor" in considered
    pending = html[html.index("Not yet considered by 3 members"):]
    assert "Elena Rivera" in pending and "Priya Natarajan" in pending and "Marcus Bell" in pending
    assert f'hx-post="/evaluations/{e.id}/acknowledge/"' in html

    # Pressed in the panel: the panel comes back with the parent among those who considered it.
    response = signed_in(demo.parent_maya).post(f"/evaluations/{e.id}/acknowledge/", {"next": "panel"}, **HX)
    assert response.status_code == 200
    html = text_of(response)
    assert 'id="evaluations-panel"' in html and "Considered by 2 members" in html
    assert "I have considered the findings" not in html


def test_the_panel_of_a_requested_evaluation_shows_the_decision_due_date(demo):
    e = Steps(demo).to("request")
    html = text_of(signed_in(demo.ot).get(f"/ieps/{demo.maya_iep.id}/evaluations/panel/", **HX))
    assert "District decision due" in html and e.decision_due.strftime("%Y-%m-%d") in html
    assert "The findings stay sealed" in html


def test_the_panel_takes_as_many_queries_for_three_evaluations_as_for_one(demo, django_assert_max_num_queries):
    recs = demo.maya_recs
    Steps(demo, [recs[0]]).to("submit")
    client = signed_in(demo.parent_maya)
    url = f"/ieps/{demo.maya_iep.id}/evaluations/panel/"
    client.get(url, **HX)
    with CaptureQueriesContext(connection) as one:
        client.get(url, **HX)
    Steps(demo, [recs[1]]).to("submit")
    Steps(demo, [recs[2]]).to("request")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url, **HX)
    assert text_of(response).count('class="card ev-item') == 3


# ---------- the district administrators' queue ----------

def second_district_request():
    district = District.objects.create(name="Hillview School District")
    school = School.objects.create(district=district, name="Hillview High")
    parent = User.objects.create_user(email="parent.zoe@hillview.example", password="x" * 12, full_name="Ana Park")
    case_manager = User.objects.create_user(email="cm@hillview.example", password="x" * 12, full_name="Cam Diaz")
    zoe = Student.objects.create(district=district, school=school, first_name="Zoe", last_name="Park",
                                 date_of_birth=date(2015, 1, 2))
    Membership.objects.create(user=parent, student=zoe, role=Role.PARENT)
    Membership.objects.create(user=case_manager, student=zoe, role=Role.CASE_MANAGER)
    iep = iep_services.iep_create(actor=case_manager, student=zoe, meeting_at=date(2026, 10, 1))
    rec = iep_services.recommendation_create(actor=case_manager, iep=iep, kind="goal", title="Read 90 words a minute",
                                             rationale="Fluency.")
    return services.evaluation_request_create(actor=parent, iep=iep, recommendation_ids=[rec.id])


def test_the_queue_shows_only_the_admins_district_soonest_decision_first_and_overdue_marked(demo):
    later = Steps(demo, [demo.maya_recs[1]]).to("request")
    sooner = Steps(demo, [demo.maya_recs[2]]).to("request")
    EvaluationRequest.objects.filter(id=sooner.id).update(decision_due=timezone.localdate() - timedelta(days=3))
    elsewhere = second_district_request()
    response = signed_in(demo.admin).get("/evaluations/queue/")
    assert response.status_code == 200
    html = text_of(response)
    assert "Zoe" not in html and f"queue-item-{elsewhere.id}" not in html
    assert html.index(f'id="queue-item-{sooner.id}"') < html.index(f'id="queue-item-{later.id}"')
    overdue = html[html.index(f'id="queue-item-{sooner.id}"') - 80:]
    assert "queue-item--overdue" in overdue[:200] and "overdue by 3 days" in overdue
    assert "1 decision is overdue" in html
    page = Page(html)
    assert page.h1 == 1 and not page.unlabelled_inputs()


@pytest.mark.parametrize("persona", ["parent.maya", "casemanager", "ot", "evaluator", "parent.leo"])
def test_the_queue_is_404_for_everyone_but_district_admins(demo, persona):
    Steps(demo).to("request")
    assert signed_in(demo.users[persona]).get("/evaluations/queue/").status_code == 404


def test_the_queue_takes_as_many_queries_for_six_requests_as_for_two(demo, django_assert_max_num_queries):
    recs = demo.maya_recs
    Steps(demo, [recs[0]]).to("request")
    Steps(demo, [recs[1]]).to("approve")
    client = signed_in(demo.admin)
    client.get("/evaluations/queue/")
    with CaptureQueriesContext(connection) as few:
        client.get("/evaluations/queue/")
    Steps(demo, [recs[2]]).to("request")
    Steps(demo, [recs[3]]).to("attest")
    Steps(demo, [recs[0], recs[1]], ).to("request")
    second_district_request()
    Steps(demo, [recs[2], recs[3]]).to("request")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/evaluations/queue/")
    assert text_of(response).count('class="card queue-item') == 6


def test_a_denial_without_note_or_due_process_reference_shows_both_errors_and_saves_nothing(demo):
    e = Steps(demo).to("request")
    client = signed_in(demo.admin)
    before = saved_state()
    response = client.post(f"/evaluations/{e.id}/decision/", {"decision": "deny", "note": "", "next": "detail"})
    assert response.status_code == 422
    html = text_of(response)
    for name in ["note", "due_process_reference"]:
        assert f'id="deny-{e.id}-{name}_error"' in html
        assert re.search(rf'id="deny-{e.id}-{name}"[^>]*aria-describedby="[^"]*deny-{e.id}-{name}_error', html) or \
            re.search(rf'aria-describedby="[^"]*deny-{e.id}-{name}_error"[^>]*id="deny-{e.id}-{name}"', html)
    assert "Explain the denial to the family." in html and "give the filing’s reference" in html
    assert saved_state() == before

    # The same from the queue, with HTMX: the row comes back with the errors, still nothing saved.
    response = client.post(f"/evaluations/{e.id}/decision/", {"decision": "deny", "note": "No.", "next": "queue"}, **HX)
    assert response.status_code == 422
    html = text_of(response)
    assert html.lstrip().startswith('<article class="card queue-item') and f'id="deny-{e.id}-due_process_reference_error"' in html
    assert re.search(r'<details class="queue-item__action" open>', html)
    assert saved_state() == before


def test_the_admin_approves_and_assigns_from_the_queue(demo):
    e = Steps(demo).to("request")
    client = signed_in(demo.admin)
    response = client.post(f"/evaluations/{e.id}/decision/", {
        "decision": "approve", "cost_cap": "3500.00", "report_due": days_ahead(), "purchase_reference": "PO-7",
        "note": "", "next": "queue"}, **HX)
    assert response.status_code == 200
    assert "Approved. Now assign an evaluator." in text_of(response)
    assert EvaluationRequest.objects.get(id=e.id).status == "approved"

    form = client.get(f"/evaluations/{e.id}/assign/", **HX)
    assert form.status_code == 200 and "Dr. Jordan Ames" in text_of(form)
    assert "Priya Natarajan" not in text_of(form)  # district staff are never offered
    response = client.post(f"/evaluations/{e.id}/assign/", {"evaluator": demo.evaluator.id, "next": "queue"}, **HX)
    assert response.status_code == 200
    assert EvaluationRequest.objects.get(id=e.id).evaluator_id == demo.evaluator.id

    # Someone who is not independent is refused next to the field.
    e2 = Steps(demo, [demo.maya_recs[1]]).to("approve")
    response = client.post(f"/evaluations/{e2.id}/assign/", {"evaluator": demo.ot.id, "next": "detail"})
    assert response.status_code == 422 and f'id="assign-{e2.id}-evaluator_error"' in text_of(response)


# ---------- the evaluator ----------

def test_before_attesting_the_evaluator_sees_only_the_attestation_form(demo):
    e = Steps(demo, [demo.maya_recs[0]]).to("assign")
    client = signed_in(demo.evaluator)
    for path in [f"/evaluations/{e.id}/work/", "/evaluations/mine/"]:
        response = client.get(path)
        assert response.status_code == 200
        html = text_of(response)
        for secret in ["Maya", "Rivera", "Elena", demo.maya_recs[0].title, demo.maya_recs[0].rationale[:30],
                       "Fine motor", "Oak Street"]:
            assert secret not in html, (path, secret)
    html = text_of(client.get(f"/evaluations/{e.id}/work/"))
    assert "Confirm your independence" in html and "Riverside Unified School District" in html
    assert 'name="independent_of_district"' in html and 'name="statement"' in html
    assert 'name="file"' not in html and "findings-form" not in html
    for path in [f"/evaluations/{e.id}/work/files/", f"/ieps/{demo.maya_iep.id}/evaluations/panel/"]:
        assert client.get(path).status_code == 404


def test_an_incomplete_attestation_shows_errors_and_opens_nothing(demo):
    e = Steps(demo).to("assign")
    client = signed_in(demo.evaluator)
    response = client.post(f"/evaluations/{e.id}/attestation/", {"independent_of_district": "on", "statement": ""})
    assert response.status_code == 422
    html = text_of(response)
    assert 'id="attest-independent_of_family_error"' in html and 'id="attest-statement_error"' in html
    assert "Maya" not in html
    assert EvaluationRequest.objects.get(id=e.id).status == "evaluator_assigned"

    response = client.post(f"/evaluations/{e.id}/attestation/", {
        "independent_of_district": "on", "independent_of_family": "on", "statement": "No ties at all."})
    assert response.status_code == 302
    html = text_of(client.get(f"/evaluations/{e.id}/work/"))
    assert "Maya Rivera" in html and demo.maya_recs[0].title in html
    assert 'role="progressbar"' in html and 'aria-valuenow="0"' in html
    assert f'data-upload-url="/api/v1/evaluation-requests/{e.id}/report/"' in html


def test_the_evaluator_uploads_saves_a_draft_and_submits_from_the_workspace(demo):
    steps = Steps(demo)
    e = steps.to("attest")
    client = signed_in(demo.evaluator)
    # Without JavaScript: the page's own upload view.
    response = client.post(f"/evaluations/{e.id}/upload/", {"kind": "report",
                                                            "file": SimpleUploadedFile("r.pdf", pdf(), "application/pdf")})
    assert response.status_code == 302
    assert ReportFile.objects.filter(request=e).count() == 1
    refused = client.post(f"/evaluations/{e.id}/upload/", {"file": SimpleUploadedFile("x.pdf", b"hello", "application/pdf")})
    assert refused.status_code == 415 and "this file is not a PDF" in text_of(refused)

    service, goal = steps.recs
    fields = {"summary": SUMMARY, f"rec{service.id}_opinion": "modify", f"rec{service.id}_minutes": "60",
              f"rec{service.id}_rationale": RATIONALE, f"rec{goal.id}_opinion": "", f"rec{goal.id}_rationale": ""}
    response = client.post(f"/evaluations/{e.id}/findings/", {**fields, "action": "save"})
    assert response.status_code == 302
    draft = FindingsVersion.objects.get(request=e)
    assert draft.summary == SUMMARY and draft.submitted_at is None and draft.findings.count() == 1

    # Submitting with a recommendation left open: saved, not submitted, the open one marked.
    response = client.post(f"/evaluations/{e.id}/findings/", {**fields, "action": "submit"})
    assert response.status_code == 400
    html = text_of(response)
    assert f'id="findings-rec{goal.id}_opinion_error"' in html and "not submitted" in html
    assert EvaluationRequest.objects.get(id=e.id).status == "in_progress"

    # A rationale without an opinion is caught by the form itself.
    response = client.post(f"/evaluations/{e.id}/findings/", {**fields, f"rec{goal.id}_rationale": "Fair goal."})
    assert response.status_code == 422 and "Choose agree, disagree or modify." in text_of(response)

    response = client.post(f"/evaluations/{e.id}/findings/", {
        **fields, f"rec{goal.id}_opinion": "agree", f"rec{goal.id}_rationale": "A fair, measurable goal.",
        "action": "submit"})
    assert response.status_code == 302
    assert EvaluationRequest.objects.get(id=e.id).status == "submitted"
    html = text_of(client.get(f"/evaluations/{e.id}/work/"))
    assert "findings-form" not in html and "sealed" in html and SUMMARY in html


def test_the_evaluator_asks_the_team_a_question(demo):
    e = Steps(demo).to("attest")
    response = signed_in(demo.evaluator).post(f"/evaluations/{e.id}/questions/", {"body": "May I observe her in class?"})
    assert response.status_code == 302 and response["Location"].endswith("#questions")
    html = text_of(signed_in(demo.parent_maya).get(f"/evaluations/{e.id}/"))
    assert "May I observe her in class?" in html and "Dr. Jordan Ames" in html
    empty = signed_in(demo.evaluator).post(f"/evaluations/{e.id}/questions/", {"body": "  "})
    assert empty.status_code == 422 and 'id="q-body_error"' in text_of(empty)


def test_my_evaluations_lists_the_evaluators_engagements_only(demo):
    e = Steps(demo).to("attest")
    stranger = other_evaluator()
    html = text_of(signed_in(demo.evaluator).get("/evaluations/mine/"))
    assert f"/evaluations/{e.id}/work/" in html and "Maya Rivera" in html
    html = text_of(signed_in(stranger).get("/evaluations/mine/"))
    assert "Maya" not in html and "No evaluations yet" in html


# ---------- the header ----------

def test_the_header_links_admins_to_the_queue_and_evaluators_to_their_evaluations(demo):
    admin = text_of(signed_in(demo.admin).get("/"))
    assert 'href="/evaluations/queue/"' in admin and 'href="/evaluations/mine/"' not in admin
    evaluator = text_of(signed_in(demo.evaluator).get("/"))
    assert 'href="/evaluations/mine/"' in evaluator and 'href="/evaluations/queue/"' not in evaluator
    parent = text_of(signed_in(demo.parent_maya).get("/"))
    assert "/evaluations/queue/" not in parent and "/evaluations/mine/" not in parent
    queue = text_of(signed_in(demo.admin).get("/evaluations/queue/"))
    assert 'href="/evaluations/queue/" aria-current="page"' in queue


@pytest.mark.parametrize("persona", ["parent.maya", "admin", "evaluator"])
def test_every_evaluation_page_has_one_h1_and_labelled_fields(demo, persona):
    e = Steps(demo).to("attest")
    paths = {
        "parent.maya": [f"/ieps/{demo.maya_iep.id}/evaluations/new/", f"/evaluations/{e.id}/",
                        f"/ieps/{demo.maya_iep.id}/evaluations/"],
        "admin": ["/evaluations/queue/", f"/evaluations/{e.id}/"],
        "evaluator": ["/evaluations/mine/", f"/evaluations/{e.id}/work/"],
    }[persona]
    client = signed_in(demo.users[persona])
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        page = Page(text_of(response))
        assert page.h1 == 1, path
        assert {"header", "nav", "main", "footer"} <= page.landmarks, path
        assert not page.unlabelled_inputs(), (path, page.unlabelled_inputs())


def test_the_upload_page_checks_the_csrf_token_and_refuses_a_file_over_the_limit(demo, settings):
    e = Steps(demo).to("attest")
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.evaluator)
    work = client.get(f"/evaluations/{e.id}/work/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text_of(work)).group(1)
    upload = {"kind": "report", "file": SimpleUploadedFile("r.pdf", pdf(), "application/pdf")}
    assert client.post(f"/evaluations/{e.id}/upload/", upload).status_code == 403
    assert ReportFile.objects.count() == 0

    settings.EVALUATION_UPLOAD_MAX_BYTES = 1024
    big = {"kind": "report", "csrfmiddlewaretoken": token,
           "file": SimpleUploadedFile("big.pdf", pdf(padding=5000), "application/pdf")}
    response = client.post(f"/evaluations/{e.id}/upload/", big)
    assert response.status_code == 413
    assert "A file can be at most" in text_of(response) and 'id="upload-file-error"' in text_of(response)
    assert ReportFile.objects.count() == 0

    settings.EVALUATION_UPLOAD_MAX_BYTES = 25 * 1024 * 1024
    disguised = {"kind": "report", "csrfmiddlewaretoken": token,
                 "file": SimpleUploadedFile("report.exe.pdf", pdf(), "application/pdf")}
    response = client.post(f"/evaluations/{e.id}/upload/", disguised)
    assert response.status_code == 400 and "second extension" in text_of(response)
    assert ReportFile.objects.count() == 0

    upload["csrfmiddlewaretoken"] = token
    upload["file"].seek(0)
    assert client.post(f"/evaluations/{e.id}/upload/", upload).status_code == 302
    assert ReportFile.objects.filter(request=e).count() == 1


def test_the_iep_page_renders_the_panel_and_offers_the_request_to_parents_and_the_case_manager(demo):
    new = f'href="/ieps/{demo.maya_iep.id}/evaluations/new/"'
    for persona, offered in [("parent.maya", True), ("casemanager", True), ("ot", False), ("admin", False)]:
        html = text_of(signed_in(demo.users[persona]).get(f"/ieps/{demo.maya_iep.id}/"))
        assert (new in html) is offered, persona
        # In the page itself (the live client refreshes it from its address): no request on load.
        assert f'data-panel-url="/ieps/{demo.maya_iep.id}/evaluations/panel/"' in html and 'id="evaluations-panel"' in html
        assert 'hx-trigger="load"' not in html
