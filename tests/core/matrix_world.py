"""The records the authorization matrix calls every route on, and a valid payload for each write,
so that only authorization (or the record's state) decides the answer.

Maya's record: her IEP (proposed), her first recommendation (the OT's, in dispute), a comment by
the OT, a notification to her parent, an invitation, and an evaluation request that is approved,
assigned to a second evaluator of the demo organisation who attested independence (so holds a
scope: Maya's OT service and OT goal) and uploaded a draft report file.
Leo's record: his IEP (draft), his first recommendation (teacher.leo's), a comment by teacher.leo,
a notification to his parent, an invitation, and an evaluation request his parent just made.
Each child's team also has a physical therapist (not a persona) whom the removal routes take off
the team: removable by those who manage it (not oneself, not the last parent).

Each child's first recommendation has a prior written notice the case manager issued.

Each child's deadline is the annual review of their IEP: owned by the case manager, watched by the
parents (the scoped evaluator owns only Maya's report deadline, which no route here names).

Account routes act on the caller's own account (OWN_ACCOUNT_KWARGS): each persona has an API token
of their own to revoke, and a password-reset link for their own account; likewise a notification of
their own (the e-mail's open link), an unsubscribe link of their own and their calendar's secret.
"""
from datetime import timedelta
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils import timezone
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy

from apps.accounts.models import ApiToken, User
from apps.deadlines.feed import feed_of
from apps.deadlines.models import Deadline, Kind
from apps.notifications.email import unsubscribe_token
from apps.discussions.models import Comment
from apps.ieps.suggestions import suggestion_create
from apps.notifications.services import notify
from apps.students.models import Membership, Role
from apps.students.services import invitation_create
from tests.conftest import DEMO_PASSWORD
from tests.evaluations.helpers import Flow, days_ahead, pdf

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
        return notify([user], "matrix.test", gettext_lazy("Something happened"), url="/")[0]

    def invitation(student):
        return invitation_create(actor=demo.casemanager, student=student, email=f"new.{student.first_name.lower()}"
                                 "@school.example", role="clinician", discipline="pt")

    def removable_member(student):
        user = User.objects.create_user(f"pt.{student.first_name.lower()}@school.example", DEMO_PASSWORD,
                                        full_name=f"PT of {student.first_name}")
        Membership.objects.create(user=user, student=student, role=Role.CLINICIAN, discipline="pt")
        return user

    # Each persona's own API token (apart from the one its matrix client signs in with).
    demo.matrix_tokens = {persona: ApiToken.objects.create(user=user, name="matrix")[0].id
                          for persona, user in demo.users.items()}
    # Each persona's own notification, unsubscribe link and calendar secret (OWN_ACCOUNT_KWARGS).
    demo.matrix_notifications = {persona: notification(user).id for persona, user in demo.users.items()}
    demo.matrix_feeds = {persona: feed_of(user).secret for persona, user in demo.users.items()}

    def annual_review(student):
        return Deadline.objects.get(student=student, kind=Kind.ANNUAL_REVIEW, status=Deadline.Status.OPEN)

    def notice(rec):
        from apps.ieps.notices import notice_issue

        return notice_issue(actor=demo.casemanager, recommendation=rec, action="propose", reasons="Goals met.",
                            data_used="Progress data.", options_considered="Keeping the current minutes.")

    maya_invitation, maya_token = invitation(demo.maya)
    leo_invitation, leo_token = invitation(demo.leo)

    maya = SimpleNamespace(
        name="maya", student=demo.maya, iep=demo.maya_iep, rec=demo.maya_recs[0], other_rec=demo.maya_recs[1],
        comment=comment("ot", demo.maya_recs[0]), notification=notification(demo.parent_maya),
        # Outside the scoped evaluator's scope: Maya's SLP service and a comment on it.
        other_comment=comment("slp", demo.maya_recs[1]),
        request_id=flow.id, file_id=maya_file, token=maya_token, invitation_id=maya_invitation.id,
        member=removable_member(demo.maya), next_status="draft", deadline=annual_review(demo.maya),
        notice=notice(demo.maya_recs[0]))
    leo = SimpleNamespace(
        name="leo", student=demo.leo, iep=demo.leo_iep, rec=demo.leo_recs[0], other_rec=demo.leo_recs[1],
        comment=comment("teacher.leo", demo.leo_recs[0]), notification=notification(demo.parent_leo),
        # Leo's request has no file: his route takes Maya's file id, which must not be found there.
        request_id=leo_request, file_id=maya_file, token=leo_token, invitation_id=leo_invitation.id,
        member=removable_member(demo.leo), next_status="proposed", deadline=annual_review(demo.leo),
        notice=notice(demo.leo_recs[0]))
    # Each child's parent suggests a change to the record's recommendation (on its version 1).
    for target, parent in ((maya, demo.parent_maya), (leo, demo.parent_leo)):
        target.suggestion = suggestion_create(actor=parent, recommendation=target.rec, changes={
            "rationale": "At home she tires after ten minutes."}, reason="What we see at home.", base_version=1)
    return {"maya": maya, "leo": leo, "scoped": scoped}


def url_kwargs(target):
    """What each URL parameter of the configuration names, for one child's record."""
    return {
        "student_id": target.student.id, "iep_id": target.iep.id, "recommendation_id": target.rec.id,
        "comment_id": target.comment.id, "notification_id": target.notification.id,
        "request_id": target.request_id, "file_id": target.file_id, "token": target.token,
        "invitation_id": target.invitation_id, "user_id": target.member.id, "deadline_id": target.deadline.id,
        "notice_id": target.notice.id,
        "suggestion_id": target.suggestion.id,
    }


def _own(persona):
    return "parent.maya" if persona == "anonymous" else persona


def _own_user(persona, demo):
    # Anonymous callers have no account: they name parent.maya's (and are turned away before it matters,
    # or, on the visitors' reset link, use it as she would).
    user = demo.users["parent.maya" if persona == "anonymous" else persona]
    return User.objects.get(id=user.id)  # fresh: a sign-in changed last_login, which reset links hash


def _reset_link(persona, demo):
    user = _own_user(persona, demo)
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}


# Routes whose parameters name the caller's own account, not a child's record: one group of answers,
# each persona calling on their own (route key -> kwargs(persona, demo)).
OWN_ACCOUNT_KWARGS = {
    "api:me-token": lambda p, d: {"token_id": d.matrix_tokens["parent.maya" if p == "anonymous" else p]},
    "accounts:token_revoke": lambda p, d: {"token_id": d.matrix_tokens["parent.maya" if p == "anonymous" else p]},
    "accounts:password_reset_confirm": _reset_link,
    "notifications:open": lambda p, d: {"notification_id": d.matrix_notifications[_own(p)]},
    "notifications:unsubscribe": lambda p, d: {"token": unsubscribe_token(_own_user(p, d).id, "mention")},
    "deadlines:feed": lambda p, d: {"secret": d.matrix_feeds[_own(p)]},
}


def _current_code(persona, demo):
    """The authenticator's current code for the device the persona is setting up (the enrolment page's)."""
    from django_otp.oath import TOTP

    from apps.accounts.mfa import enrolment_device

    if persona == "anonymous":
        return {"code": "000000"}
    device = enrolment_device(_own_user(persona, demo))
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return {"code": str(totp.token()).zfill(device.digits)}


def _profile(persona, demo):
    user = _own_user(persona, demo)
    return {"full_name": f"{user.full_name} Jr.", "email": user.email, "preferred_language": "es"}


# (route, method) -> payload(persona, demo), for account routes whose body is the caller's own.
OWN_ACCOUNT_PAYLOADS = {
    # Prior written notice: the notice's own parts (API.md "Positions, suggested changes, consent and notices").
    ("api:recommendation-notice", "POST"): lambda t, d: {
        "action": "refuse", "reasons": "The data do not support more minutes.", "data_used": "Progress data.",
        "options_considered": "60 minutes a week: not needed.", "other_factors": ""},
    ("ieps:notice_create", "POST"): lambda t, d: {
        "action": "refuse", "reasons": "The data do not support more minutes.", "data_used": "Progress data.",
        "options_considered": "60 minutes a week: not needed.", "other_factors": ""},
    ("accounts:mfa_enrol", "POST"): _current_code,
    ("accounts:profile", "POST"): _profile,
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
        "decision": "approve", "note": "Funded.", "cost_cap": "3500.00", "report_due": days_ahead()},
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
    ("set_language", "POST"): lambda t, d: {"language": "es", "next": "/"},
    ("set_language", "GET"): lambda t, d: {"language": "es", "next": "/"},
    ("students:invitation_accept", "POST"): lambda t, d: {"full_name": "Pat Newman", "password": "a-long-password-1"},
    ("discussions:create", "POST"): lambda t, d: {"body": "Thank you, that helps."},
    ("discussions:edit", "POST"): lambda t, d: {"body": "Can we look at the data from last spring?"},
    ("evaluations:request_new", "POST"): lambda t, d: {"recommendations": [t.other_rec.id], "areas": "Speech"},
    ("evaluations:decide", "POST"): lambda t, d: {"decision": "approve", "cost_cap": "3500.00",
                                                  "report_due": days_ahead()},
    ("evaluations:assign", "POST"): lambda t, d: {"evaluator": d.evaluator.id},
    ("evaluations:attest", "POST"): lambda t, d: {
        "independent_of_district": "on", "independent_of_family": "on",
        "statement": "I have never worked for the district and have no relation to the family."},
    ("evaluations:upload", "POST"): lambda t, d: {"file": _report()},
    ("evaluations:findings", "POST"): lambda t, d: {"summary": "Needs are greater at home."},
    ("evaluations:question_post", "POST"): lambda t, d: {"body": "Which tests were used in the spring?"},
    # The team
    ("students:team_invite", "POST"): lambda t, d: {"email": "new.ot@school.example", "role": "clinician",
                                                    "discipline": "ot"},
    # IEP and recommendation forms (apps/ieps/forms.py)
    ("api:iep-detail", "PATCH"): lambda t, d: {"meeting_at": "2027-10-01"},
    ("ieps:iep_create", "POST"): lambda t, d: {"meeting_at": "2027-10-01"},
    ("ieps:iep_dates", "POST"): lambda t, d: {"meeting_at": "2027-10-01", "last_evaluated_on": "2025-06-01"},
    ("ieps:iep_status", "POST"): lambda t, d: {"status": t.next_status},
    ("ieps:recommendation_create", "POST"): lambda t, d: {
        "kind": "service", "area": "Gross motor", "title": "Physical therapy, 30 minutes a week",
        "rationale": "Falls on the stairs twice a week; balance screen below age level.",
        "minutes_per_week": 30, "setting": "Gym"},
    ("ieps:recommendation_revise", "POST"): lambda t, d: {
        "kind": t.rec.kind, "title": t.rec.title, "area": t.rec.area, "description": t.rec.description,
        "rationale": "Revised after the spring progress report.", "minutes_per_week": t.rec.minutes_per_week or "",
        "setting": t.rec.setting, "change_note": "New data"},
    ("ieps:recommendation_decide", "POST"): lambda t, d: {"status": "accepted", "change_note": "Agreed at the meeting."},
    ("ieps:recommendation_withdraw", "POST"): lambda t, d: {"change_note": "No longer needed."},
    ("api:recommendation-suggestions", "POST"): lambda t, d: {
        "changes": {"rationale": "Revised after the spring progress report."}, "reason": "New data.",
        "base_version": 1},
    ("api:suggestion-decline", "POST"): lambda t, d: {"note": "The school data say otherwise."},
    ("ieps:suggestion_create", "POST"): lambda t, d: {
        "title": t.rec.title, "description": t.rec.description, "rationale": "Revised after the spring progress report.",
        "minutes_per_week": t.rec.minutes_per_week or "", "setting": t.rec.setting, "reason": "New data.",
        "base_version": 1},
    ("ieps:suggestion_decline", "POST"): lambda t, d: {"note": "The school data say otherwise."},
    ("ieps:position_record", "POST"): lambda t, d: {
        "stance": "unsure", "basis": "I would like to see the data first.", "observed_in": "school", "examples": ""},
    # Accounts
    ("accounts:password_change", "POST"): lambda t, d: {
        "old_password": DEMO_PASSWORD, "new_password1": "a-new-long-passphrase-2027",
        "new_password2": "a-new-long-passphrase-2027"},
    ("accounts:password_reset", "POST"): lambda t, d: {"email": "parent.maya@demo.example"},
    # Deadlines and notification settings
    ("api:student-deadlines", "POST"): lambda t, d: {
        "kind": "meeting", "subject": "Team meeting about the spring data",
        "due_at": (timezone.now() + timedelta(days=30)).replace(microsecond=0).isoformat()},
    ("api:notification-preferences", "PUT"): lambda t, d: {"kinds": {"mention": {"email": "digest"}}},
    ("notifications:preferences", "POST"): lambda t, d: _preferences_form(),
    ("deadlines:school_calendar", "POST"): lambda t, d: {
        "action": "add", "day": days_ahead(40), "reason": "holiday", "note": "Teacher planning day"},
    # Consent and signatures (apps/ieps/consent.py): on the IEP as it is at the call.
    ("api:iep-consent", "POST"): lambda t, d: {
        "content_hash": _hash(t), "decisions": _decisions(t),
        "signature": {"full_name": "Elena Rivera", "consent_to_electronic_signature": True}},
    ("api:iep-paper-consent", "POST"): lambda t, d: {
        "parent": _parent(t, d).id, "content_hash": _hash(t), "decisions": _decisions(t),
        "signed_on": timezone.localdate().isoformat()},
    ("api:iep-signatures", "POST"): lambda t, d: {"content_hash": _hash(t), "full_name": "Sam Okafor",
                                                  "capacity": "attended"},
    ("ieps:consent", "POST"): lambda t, d: {**_decision_fields(t), "content_hash": _hash(t),
                                            "full_name": "Elena Rivera", "consent_to_electronic_signature": "on"},
    ("ieps:paper_consent", "POST"): lambda t, d: {**_decision_fields(t), "content_hash": _hash(t),
                                                  "parent": _parent(t, d).id,
                                                  "signed_on": timezone.localdate().isoformat()},
    ("ieps:staff_signature", "POST"): lambda t, d: {"content_hash": _hash(t), "full_name": "Sam Okafor",
                                                    "capacity": "attended"},
    ("api:deadline-settings", "PUT"): lambda t, d: {
        "timezone": "America/Chicago", "periods": {"evaluation_decision": {"unit": "school", "count": 15}}},
    ("deadlines:settings", "POST"): lambda t, d: {
        "timezone": "America/Chicago", "evaluation_decision__count": 15, "evaluation_decision__unit": "school",
        "evaluation_report__count": 60, "evaluation_report__unit": "calendar",
        "consent_response__count": 10, "consent_response__unit": "calendar"},
}


def _hash(target):
    from apps.ieps.content_hash import content_hash
    from apps.ieps.models import IEP

    return content_hash(IEP.objects.get(id=target.iep.id))


def _decisions(target):
    from tests.consent import answers_for

    return answers_for(target.iep)


def _decision_fields(target):
    return {f"decision_{a['recommendation']}": a["decision"] for a in _decisions(target)}


def _parent(target, demo):
    return demo.parent_maya if target.name == "maya" else demo.parent_leo


def _preferences_form():
    from apps.notifications.preferences import KINDS

    form = {"timezone": "", "digest_hour": "7"}
    for kind in KINDS:
        form[f"email__{kind}"] = "digest"
        form[f"in_app__{kind}"] = "on"
    return form

# Routes whose URL takes no record, and what path to call for a pattern that Django cannot reverse.
LITERAL_PATHS = {
    "/^api/": "/api/no-such-endpoint/",
    "admin:*": {"GET": "/django-admin/", "POST": "/django-admin/accounts/user/add/"},
}
MULTIPART = {("api:evaluation-request-report", "POST")}
