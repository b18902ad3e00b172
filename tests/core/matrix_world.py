"""The records the authorization matrix calls every route on, and a valid payload for each write,
so that only authorization (or the record's state) decides the answer.

Maya's record: her IEP (proposed), her first recommendation (the OT's, in dispute), a comment by
the OT, a notification to her parent, an invitation, and an evaluation request that is approved,
assigned to a second evaluator of the demo organisation who attested independence (so holds a
scope: Maya's OT service and OT goal) and uploaded a draft report file.
Leo's record: his IEP (draft), his first recommendation (teacher.leo's), a comment by teacher.leo,
a notification to his parent, an invitation, and an evaluation request his parent just made.
"""
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import User
from apps.discussions.models import Comment
from apps.notifications.services import notify
from apps.students.services import invitation_create
from tests.conftest import DEMO_PASSWORD
from tests.evaluations.helpers import Flow, pdf

# The matrix's columns, in the order every row of the table lists them.
COLUMNS = ("anonymous", "admin", "casemanager", "ot", "slp", "teacher.leo", "parent.maya", "parent.leo",
           "evaluator", "evaluator.scoped")
SCOPED_EVALUATOR = "evaluator.scoped"
CHILDREN = ("maya", "leo")


def build_world(demo, api_as):
    # API.md: the demo's district admin is "not a superuser" (the Django admin is for operators).
    User.objects.filter(id=demo.admin.id).update(is_staff=False, is_superuser=False)
    scoped = User.objects.create_user(
        f"{SCOPED_EVALUATOR}@demo.example", DEMO_PASSWORD, full_name="Dr. Robin Sato",
        evaluator_organization=demo.evaluator.evaluator_organization)
    demo.users[SCOPED_EVALUATOR] = scoped

    flow = Flow(demo, api_as)
    flow.request()
    flow.approve()
    flow.assign(evaluator=scoped)
    flow.attest(persona=SCOPED_EVALUATOR)
    maya_file = flow.ok(flow.upload(persona=SCOPED_EVALUATOR), 201)["id"]

    leo_request = flow.ok(api_as("parent.leo").post(
        f"/api/v1/ieps/{demo.leo_iep.id}/evaluation-requests/",
        {"recommendations": [demo.leo_recs[0].id], "areas": ["Reading"]}, format="json"), 201)["id"]

    def comment(persona, rec):
        answer = api_as(persona).post(f"/api/v1/recommendations/{rec.id}/comments/",
                                      {"body": "Can we look at the data from last term?"}, format="json")
        return Comment.objects.get(id=flow.ok(answer, 201)["id"])

    def notification(user):
        return notify([user], "matrix.test", "Something happened", url="/")[0]

    def invitation(student):
        return invitation_create(actor=demo.casemanager, student=student, email=f"new.{student.first_name.lower()}"
                                 "@school.example", role="clinician", discipline="pt")[1]

    maya = SimpleNamespace(
        name="maya", student=demo.maya, iep=demo.maya_iep, rec=demo.maya_recs[0], other_rec=demo.maya_recs[1],
        comment=comment("ot", demo.maya_recs[0]), notification=notification(demo.parent_maya),
        # Outside the scoped evaluator's scope: Maya's SLP service and a comment on it.
        other_comment=comment("slp", demo.maya_recs[1]),
        request_id=flow.id, file_id=maya_file, token=invitation(demo.maya), next_status="draft")
    leo = SimpleNamespace(
        name="leo", student=demo.leo, iep=demo.leo_iep, rec=demo.leo_recs[0], other_rec=demo.leo_recs[1],
        comment=comment("teacher.leo", demo.leo_recs[0]), notification=notification(demo.parent_leo),
        # Leo's request has no file: his route takes Maya's file id, which must not be found there.
        request_id=leo_request, file_id=maya_file, token=invitation(demo.leo), next_status="proposed")
    return {"maya": maya, "leo": leo, "scoped": scoped}


def url_kwargs(target):
    """What each URL parameter of the configuration names, for one child's record."""
    return {
        "student_id": target.student.id, "iep_id": target.iep.id, "recommendation_id": target.rec.id,
        "comment_id": target.comment.id, "notification_id": target.notification.id,
        "request_id": target.request_id, "file_id": target.file_id, "token": target.token,
    }


def _report():
    return SimpleUploadedFile("report.pdf", pdf("Addendum"), content_type="application/pdf")


# (route, method) -> payload(target, demo). Without an entry, the request has no body.
PAYLOADS = {
    ("api:token", "POST"): lambda t, d: {"email": "parent.maya@demo.example", "password": DEMO_PASSWORD},
    ("api:student-team", "POST"): lambda t, d: {"email": "new.pt@school.example", "role": "clinician",
                                                "discipline": "pt"},
    ("api:student-ieps", "POST"): lambda t, d: {"meeting_at": "2027-10-01"},
    ("api:iep-status", "POST"): lambda t, d: {"status": t.next_status},
    ("api:iep-recommendations", "POST"): lambda t, d: {
        "kind": "service", "area": "Gross motor", "title": "Physical therapy, 30 minutes a week",
        "rationale": "Falls on the stairs twice a week; balance screen below age level.",
        "minutes_per_week": 30, "setting": "Gym"},
    ("api:recommendation-detail", "PATCH"): lambda t, d: {"rationale": "Revised after the spring progress report.",
                                                          "change_note": "New data"},
    ("api:recommendation-position", "PUT"): lambda t, d: {
        "stance": "unsure", "basis": "I would like to see the data first.", "observed_in": "school", "examples": ""},
    ("api:recommendation-comments", "POST"): lambda t, d: {"body": "Thank you, that helps."},
    ("api:comment-detail", "PATCH"): lambda t, d: {"body": "Can we look at the data from last spring?"},
    ("api:iep-evaluation-requests", "POST"): lambda t, d: {"recommendations": [t.other_rec.id],
                                                           "areas": ["Speech"]},
    ("api:evaluation-request-decision", "POST"): lambda t, d: {
        "decision": "approve", "note": "Funded.", "cost_cap": "3500.00", "report_due": "2099-01-31"},
    ("api:evaluation-request-assign", "POST"): lambda t, d: {"evaluator": d.evaluator.id},
    ("api:evaluation-request-attestation", "POST"): lambda t, d: {
        "independent_of_district": True, "independent_of_family": True,
        "statement": "I have never worked for the district and have no relation to the family."},
    ("api:evaluation-request-report", "POST"): lambda t, d: {"file": _report()},
    ("api:evaluation-request-findings", "PUT"): lambda t, d: {
        "summary": "Needs are greater at home.",
        "findings": [{"recommendation": t.rec.id, "opinion": "agree", "rationale": "A fair recommendation."}]},
    ("api:evaluation-request-questions", "POST"): lambda t, d: {"body": "Which tests were used in the spring?"},
    ("api:evaluation-request-amendments", "POST"): lambda t, d: {
        "note": "Corrected the minutes.", "summary": "Needs are greater at home.",
        "findings": [{"recommendation": t.rec.id, "opinion": "agree", "rationale": "A fair recommendation."}]},
    ("api:evaluation-request-withdraw", "POST"): lambda t, d: {"note": "We agreed at the meeting."},
    ("api:evaluation-request-close", "POST"): lambda t, d: {"note": "The team considered the findings."},
    ("api:evaluation-request-revoke", "POST"): lambda t, d: {"note": "A conflict of interest came to light."},
    # Pages
    ("accounts:login", "POST"): lambda t, d: {"username": "parent.maya@demo.example", "password": DEMO_PASSWORD},
    ("accounts:login", "PUT"): lambda t, d: {"username": "parent.maya@demo.example", "password": DEMO_PASSWORD},
    ("set_language", "POST"): lambda t, d: {"language": "es", "next": "/"},
    ("set_language", "GET"): lambda t, d: {"language": "es", "next": "/"},
    ("students:invitation_accept", "POST"): lambda t, d: {"full_name": "Pat Newman", "password": "a-long-password-1"},
    ("discussions:create", "POST"): lambda t, d: {"body": "Thank you, that helps."},
    ("discussions:edit", "POST"): lambda t, d: {"body": "Can we look at the data from last spring?"},
    ("evaluations:request_new", "POST"): lambda t, d: {"recommendations": [t.other_rec.id], "areas": "Speech"},
    ("evaluations:decide", "POST"): lambda t, d: {"decision": "approve", "cost_cap": "3500.00",
                                                  "report_due": "2099-01-31"},
    ("evaluations:assign", "POST"): lambda t, d: {"evaluator": d.evaluator.id},
    ("evaluations:attest", "POST"): lambda t, d: {
        "independent_of_district": "on", "independent_of_family": "on",
        "statement": "I have never worked for the district and have no relation to the family."},
    ("evaluations:upload", "POST"): lambda t, d: {"file": _report()},
    ("evaluations:findings", "POST"): lambda t, d: {"summary": "Needs are greater at home."},
    ("evaluations:question_post", "POST"): lambda t, d: {"body": "Which tests were used in the spring?"},
}

# Routes whose URL takes no record, and what path to call for a pattern that Django cannot reverse.
LITERAL_PATHS = {
    "/^api/": "/api/no-such-endpoint/",
    "admin:*": {"GET": "/django-admin/", "POST": "/django-admin/accounts/user/add/"},
}
MULTIPART = {("api:evaluation-request-report", "POST")}
