"""Prior written notice (34 CFR 300.503; issue 10, item 4): drafted from the team's record, issued by
the case manager or an administrator, read as an HTML page and a PDF in the family's language,
never changed, and told to the parents without its content."""
import io

import pytest
from pypdf import PdfReader

from apps.core.pdf import RefuseEveryAddress
from apps.ieps.models import NoticeContact, PriorWrittenNotice
from apps.ieps.notices import notice_draft
from apps.notifications.models import Notification
from tests.core.contract import assert_error
from tests.evaluations.helpers import Flow

pytestmark = pytest.mark.django_db

COMMENT = "Could we try 45 minutes instead of 30, with the monthly consult?"


def _text(pdf: bytes) -> str:
    # pypdf breaks lines where the PDF wraps them: compare with whitespace folded.
    return " ".join("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def _notice_url(rec):
    return f"/api/v1/recommendations/{rec.id}/notice/"


def _body(**changes):
    return {"action": "propose", "reasons": "Maya met 3 of her 4 fine-motor goals.",
            "data_used": "OT progress data, 2025-26.", "options_considered": "Keeping 60 minutes: not needed.",
            "other_factors": "", **changes}


@pytest.fixture
def ot_service(demo, api_as):
    """Maya's OT service with the seed's positions (the parent disagrees, seen at home; the OT
    agrees, seen at school) and a comment of the parent's in its discussion."""
    answer = api_as("parent.maya").post(f"/api/v1/recommendations/{demo.maya_recs[0].id}/comments/",
                                        {"body": COMMENT}, format="json")
    assert answer.status_code == 201
    return demo.maya_recs[0]


def test_the_notice_holds_all_seven_parts_drawn_from_the_positions_and_the_discussion(demo, api_as, ot_service):
    draft = notice_draft(ot_service)
    # Drawn from real data: who disagreed, their basis and where, the thread, the data it rests on.
    assert "Elena" in draft["options_considered"] or demo.parent_maya.full_name in draft["options_considered"]
    assert "button her coat" in draft["options_considered"] and "at home" in draft["options_considered"]
    assert COMMENT in draft["options_considered"]
    assert "Progress data on goals 1-3" in draft["data_used"]
    assert "2024-10-01" in draft["data_used"]  # the IEP's last evaluation
    assert "Maya met 3 of her 4 fine-motor goals" in draft["reasons"]

    answer = api_as("casemanager").post(_notice_url(ot_service), {
        "action": "propose", **{k: draft[k] for k in ("reasons", "data_used", "options_considered")},
        "other_factors": "Maya's teacher reports she keeps up with written work."}, format="json")
    assert answer.status_code == 201, answer.content
    notice = answer.json()
    assert notice["recommendation"] == ot_service.id and notice["action"] == "propose"
    assert notice["recommendation_version"] == 1 and notice["language"] == "en"
    assert notice["pdf_url"] == f"/api/v1/notices/{notice['id']}/pdf/"

    pdf = api_as("parent.maya").get(notice["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = _text(pdf.content)
    for part in ("1. What the district proposes or refuses", "The district proposes: Reduce occupational therapy",
                 "2. Why the district proposes or refuses it", "Maya met 3 of her 4 fine-motor goals",
                 "3. Each evaluation, assessment, record or report used", "Progress data on goals 1-3",
                 "4. Other options considered, and why they were rejected", "button her coat", "45 minutes instead of 30",
                 "5. Other factors relevant", "keeps up with written work",
                 "6. Your procedural safeguards", "https://sites.ed.gov/idea/",
                 "7. Where you can get help", "Parent Training and Information Center"):
        assert part in text, part


def test_a_districts_own_safeguards_address_and_contact_are_used(demo, api_as, ot_service):
    NoticeContact.objects.create(district=demo.maya.district, safeguards_url="https://district.example/safeguards",
                                 contact="Special Education Office, 555-0100")
    notice = api_as("admin").post(_notice_url(ot_service), _body(action="refuse"), format="json").json()
    assert notice["safeguards_url"] == "https://district.example/safeguards"
    text = _text(api_as("casemanager").get(notice["pdf_url"]).content)
    assert "The district refuses:" in text and "555-0100" in text and "district.example/" in text


@pytest.mark.parametrize("persona, status", [("ot", 403), ("slp", 403), ("parent.maya", 403),
                                             ("teacher.leo", 404), ("parent.leo", 404), ("evaluator", 404)])
def test_only_the_case_manager_or_an_administrator_issues_one(demo, api_as, persona, status):
    answer = api_as(persona).post(_notice_url(demo.maya_recs[0]), _body(), format="json")
    assert_error(answer, status)
    assert not PriorWrittenNotice.objects.exists()


@pytest.mark.parametrize("body, field", [
    (_body(reasons=""), "reasons"),
    (_body(reasons="   "), "reasons"),
    (_body(data_used=None), "data_used"),
    (_body(action="maybe"), "action"),
    (_body(options_considered=5), "options_considered"),
    (_body(other_factors="x" * 20_001), "other_factors"),
    ({"action": "propose"}, "reasons"),
])
def test_bad_input_is_answered_400_and_nothing_is_issued(demo, api_as, body, field):
    error = assert_error(api_as("casemanager").post(_notice_url(demo.maya_recs[0]), body, format="json"), 400)
    assert field in error["fields"], error
    assert not PriorWrittenNotice.objects.exists()
    assert not Notification.objects.filter(kind="notice.issued").exists()


def test_a_spanish_family_reads_the_fixed_text_in_spanish(demo, api_as, ot_service):
    demo.parent_maya.preferred_language = "es"
    demo.parent_maya.save(update_fields=["preferred_language"])
    notice = api_as("casemanager").post(_notice_url(ot_service), _body(reasons="Cumplió 3 de 4 metas."),
                                        format="json").json()
    assert notice["language"] == "es"
    text = _text(api_as("casemanager").get(notice["pdf_url"]).content)
    for spanish in ("Notificación previa por escrito", "1. Lo que el distrito propone o rechaza",
                    "El distrito propone:", "6. Sus garantías procesales", "Cumplió 3 de 4 metas."):
        assert spanish in text, spanish
    assert "Your procedural safeguards" not in text
    # The notification reached her in Spanish, and says nothing of the notice itself.
    told = Notification.objects.get(kind="notice.issued", user=demo.parent_maya)
    assert "notificación previa" in told.subject.lower()
    assert "Cumplió" not in told.subject + told.text and told.url == notice["url"]


def test_the_parents_are_told_without_the_notices_content(demo, api_as, ot_service):
    api_as("casemanager").post(_notice_url(ot_service), _body(reasons="A secret reason about Maya."), format="json")
    told = Notification.objects.filter(kind="notice.issued")
    assert {n.user_id for n in told} == {demo.parent_maya.id}
    for notification in told:
        assert "secret" not in notification.subject + notification.text


def test_an_address_typed_into_the_notice_is_text_and_is_never_fetched(demo, api_as, monkeypatch):
    asked = []
    monkeypatch.setattr(RefuseEveryAddress, "fetch", lambda self, url, headers=None: asked.append(url))
    typed = '<img src=http://169.254.169.254/latest/meta-data/> <link rel=stylesheet href="file:///etc/passwd">'
    notice = api_as("casemanager").post(_notice_url(demo.maya_recs[0]), _body(reasons=typed), format="json").json()
    pdf = api_as("casemanager").get(notice["pdf_url"]).content
    assert asked == []
    assert "<img src=http://169.254.169.254/latest/meta-data/>" in _text(pdf)
    assert b"root:" not in pdf


def test_a_notice_keeps_what_it_said_after_the_recommendation_changes(demo, api_as):
    rec = demo.maya_recs[0]
    notice = api_as("casemanager").post(_notice_url(rec), _body(), format="json").json()
    assert api_as("ot").patch(f"/api/v1/recommendations/{rec.id}/", {"title": "OT, 45 minutes a week"},
                              format="json").status_code == 200
    listed = api_as("parent.maya").get(f"/api/v1/ieps/{demo.maya_iep.id}/notices/").json()["results"]
    assert [(n["id"], n["recommendation_version"], n["recommendation_title"]) for n in listed] == [
        (notice["id"], 1, "Reduce occupational therapy to 30 minutes a week")]
    # Nothing changes or removes an issued notice.
    for method in ("put", "patch", "delete"):
        assert getattr(api_as("casemanager"), method)(notice["pdf_url"], {}, format="json").status_code == 405


def test_the_list_and_the_pdf_follow_what_each_person_may_see(demo, api_as):
    flow = Flow(demo, api_as)
    flow.to("attested")  # the evaluator sees Maya's OT service and OT goal, not her speech therapy
    disputed = api_as("casemanager").post(_notice_url(demo.maya_recs[0]), _body(), format="json").json()
    other = api_as("casemanager").post(_notice_url(demo.maya_recs[1]), _body(), format="json").json()
    path = f"/api/v1/ieps/{demo.maya_iep.id}/notices/"
    for persona in ("parent.maya", "ot", "slp", "admin"):
        assert {n["id"] for n in api_as(persona).get(path).json()["results"]} == {disputed["id"], other["id"]}
    assert [n["id"] for n in api_as("evaluator").get(path).json()["results"]] == [disputed["id"]]
    assert api_as("evaluator").get(disputed["pdf_url"]).status_code == 200
    assert_error(api_as("evaluator").get(other["pdf_url"]), 404)
    for persona in ("parent.leo", "teacher.leo"):
        assert_error(api_as(persona).get(path), 404)
        assert_error(api_as(persona).get(disputed["pdf_url"]), 404)


def test_a_declined_suggestion_is_drafted_as_an_option_considered_and_rejected(demo, ot_service):
    from apps.ieps.suggestions import suggestion_create, suggestion_decline

    suggestion = suggestion_create(actor=demo.parent_maya, recommendation=ot_service, changes={"minutes_per_week": 60},
                                   reason="She tires by the second page at home", base_version=ot_service.version)
    suggestion_decline(actor=demo.ot, suggestion=suggestion, note="Her school data shows the goals are met")
    options = notice_draft(ot_service)["options_considered"]
    assert "Elena Rivera suggested minutes_per_week: 60 (She tires by the second page at home)" in options
    assert "Declined by Priya Natarajan: Her school data shows the goals are met" in options


def test_the_guidance_links_to_suggesting_a_change_and_to_consent(demo, client, ot_service):
    client.force_login(demo.parent_maya)
    html = client.get(f"/recommendations/{ot_service.id}/guidance/").content.decode()
    assert f'href="/recommendations/{ot_service.id}/#suggest"' in html
    assert f'href="/ieps/{ot_service.iep_id}/consent/"' in html
