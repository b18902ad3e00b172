"""A mention only of someone who may read the thread, and notifications that say no more than their
recipient may read: in the app a line with no record content, by e-mail a short line and a link
(issue 7, item 2)."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from apps.discussions.models import Comment, Mention, Thread
from apps.ieps.content_hash import content_hash
from apps.ieps.models import IEP, Event
from apps.notifications.models import Notification
from apps.notifications.tasks import deliver_email
from tests.consent import answers_for
from tests.core.contract import assert_error

from .helpers import Flow

SECRET_COMMENT = "Her father lost his job and she is sleeping at her aunt's"


def comment(flow, persona, rec, **payload):
    return flow.call(persona, "post", f"/api/v1/recommendations/{rec.id}/comments/", payload)


# Mentions ---------------------------------------------------------------------------------

def test_mentioning_the_evaluator_outside_their_scope_is_refused_and_nothing_is_saved(flow, demo):
    flow.to("attested")
    outside = flow.undisputed[0]
    counts = (Comment.objects.count(), Mention.objects.count(), Notification.objects.count(),
              Event.objects.count(), Thread.objects.count())

    refused = comment(flow, "ot", outside, body=SECRET_COMMENT, mentions=[demo.evaluator.id])

    error = assert_error(refused, 400)
    assert list(error["fields"]) == ["mentions"]
    assert str(demo.evaluator.id) in error["fields"]["mentions"][0]
    assert (Comment.objects.count(), Mention.objects.count(), Notification.objects.count(),
            Event.objects.count(), Thread.objects.count()) == counts
    assert not Notification.objects.filter(user=demo.evaluator, kind="mention").exists()


def test_mentioning_the_evaluator_in_a_disputed_thread_notifies_them_without_the_comment(flow, demo):
    flow.to("attested")
    answer = comment(flow, "ot", flow.disputed[0], body=SECRET_COMMENT, mentions=[demo.evaluator.id])
    assert answer.status_code == 201, answer.content
    [note] = Notification.objects.filter(user=demo.evaluator, kind="mention")
    assert SECRET_COMMENT not in note.subject + note.text
    assert note.url == f"/ieps/{demo.maya_iep.id}/#comment-{answer.json()['id']}"


@pytest.mark.parametrize("persona", ["parent.leo", "teacher.leo", "admin"])
def test_people_off_the_team_cannot_be_mentioned_either(flow, demo, persona):
    answer = comment(flow, "ot", flow.disputed[0], body="psst", mentions=[demo.users[persona].id])
    assert list(assert_error(answer, 400)["fields"]) == ["mentions"]
    assert not Notification.objects.filter(kind="mention").exists()


def test_the_page_offers_to_notify_only_people_who_may_read_the_thread(flow, demo):
    flow.to("attested")
    client = Client()
    client.force_login(demo.ot)
    boxes = re.compile(r'name="mentions" value="(\d+)"')

    def offered(rec):
        response = client.get(f"/recommendations/{rec.id}/discussion/")
        assert response.status_code == 200
        return {int(v) for v in boxes.findall(response.content.decode())}

    assert demo.evaluator.id in offered(flow.disputed[0])
    outside = offered(flow.undisputed[0])
    assert demo.evaluator.id not in outside and demo.parent_maya.id in outside

    # A hand-made post naming them anyway is refused by the form, and nothing is saved.
    before = Comment.objects.count()
    response = client.post(f"/recommendations/{flow.undisputed[0].id}/thread/comments/",
                           {"body": SECRET_COMMENT, "mentions": [demo.evaluator.id]})
    assert response.status_code == 422
    assert Comment.objects.count() == before


# Every notification kind ------------------------------------------------------------------

# Everything written about the child in the run below: none of it may travel in a notification.
SECRETS = {
    "comment": SECRET_COMMENT,
    "reason": "She melts down at home after every OT session",
    "approve note": "Funded because the school data are thin on home behaviour",
    "summary": "Maya's fine-motor needs are greater at home than school data show.",
    "rationale": "Keep two sessions a week until handwriting endurance reaches 20 minutes.",
    "amendment note": "Corrected the minutes after the grandmother's observation",
    "amended rationale": "Three sessions a week, her grip fatigues by Wednesday",
    "revoke note": "The evaluator's sister teaches at Maya's school",
    "withdraw note": "We are moving to another district in March",
    "deny note": "The district's own evaluation last spring already covered speech",
    "reply": "Her grandmother says the buttons are easier with the larger coat",
    "question": "Does Maya use the slant board at home as well as in class?",
    "suggestion reason": "Her grandmother sees her grip tire by the second page",
    "suggestion decline": "Two sessions cost more than the school can staff",
    "consent note": "Only with the 45 minutes the OT accepted at the meeting",
    "signer name": "Elena Maria Rivera Solis",
    "notice reasons": "The district keeps 30 minutes because the school day has no other slot",
    "notice options": "Sixty minutes, as the grandmother asked, was not adopted",
}
KINDS = {"mention", "comment.reply", "evaluation.question", "evaluation.requested", "evaluation.decided", "evaluation.assigned", "evaluation.submitted",
         "evaluation.amended", "evaluation.revoked", "evaluation.withdrawn", "suggestion.created", "suggestion.decided",
         "iep.activated", "notice.issued"}


def _sent_kinds_in_the_source():
    """Every kind a `notify(...)` call in the apps names: a new one must be added above."""
    found = set()
    for path in Path(settings.BASE_DIR, "apps").rglob("*.py"):
        # The kind is the first string literal after the recipients: `notify(users, "kind", ...)`.
        found |= set(re.findall(r'\bnotify\(\s*[^"]*?,\s*"([a-z][a-z_.]*)"', path.read_text()))
    return found


def _run_every_kind(flow, demo):
    first = flow.ok(comment(flow, "parent.maya", flow.disputed[0], body=SECRET_COMMENT, mentions=[demo.ot.id]), 201)
    flow.ok(comment(flow, "slp", flow.disputed[0], body=SECRETS["reply"], parent=first["id"]), 201)
    flow.request(reason=SECRETS["reason"])
    flow.approve(note=SECRETS["approve note"])
    flow.assign()
    flow.attest()
    flow.ok(flow.call("evaluator", "post", flow.url + "questions/", {"body": SECRETS["question"]}), 201)
    flow.ok(flow.upload(), 201)
    flow.save_findings()
    flow.submit()
    amended = flow.findings_payload()
    amended["findings"][0]["rationale"] = SECRETS["amended rationale"]
    flow.ok(flow.call("evaluator", "post", flow.url + "amendments/", {**amended, "note": SECRETS["amendment note"]}),
            201)
    flow.ok(flow.call("admin", "post", flow.url + "revoke/", {"note": SECRETS["revoke note"]}))

    withdrawn = Flow(demo, flow.api_as)
    withdrawn.disputed = [demo.maya_recs[1]]
    withdrawn.request()
    withdrawn.approve()
    withdrawn.assign()
    withdrawn.ok(withdrawn.call("parent.maya", "post", withdrawn.url + "withdraw/", {"note": SECRETS["withdraw note"]}))

    suggested = flow.ok(flow.call("parent.maya", "post", f"/api/v1/recommendations/{demo.maya_recs[0].id}/suggestions/", {
        "changes": {"minutes_per_week": 45}, "reason": SECRETS["suggestion reason"], "base_version": 1}), 201)
    flow.ok(flow.call("ot", "post", f"/api/v1/suggestions/{suggested['id']}/decline/",
                      {"note": SECRETS["suggestion decline"]}))

    flow.ok(flow.call("casemanager", "post", f"/api/v1/recommendations/{demo.maya_recs[0].id}/notice/", {
        "action": "propose", "reasons": SECRETS["notice reasons"], "data_used": "The OT's observations",
        "options_considered": SECRETS["notice options"], "other_factors": ""}), 201)

    denied = Flow(demo, flow.api_as)
    denied.disputed = [demo.maya_recs[2]]
    denied.request()
    denied.ok(denied.call("admin", "post", denied.url + "decision/", {
        "decision": "deny", "note": SECRETS["deny note"], "due_process_reference": "DP-2026-14"}))

    iep = IEP.objects.get(id=demo.maya_iep.id)  # the parent's answer makes it active
    decisions = [{**a, "note": SECRETS["consent note"]} for a in answers_for(iep)]
    flow.ok(flow.call("parent.maya", "post", f"/api/v1/ieps/{iep.id}/consent/", {
        "content_hash": content_hash(iep), "decisions": decisions,
        "signature": {"full_name": SECRETS["signer name"], "consent_to_electronic_signature": True}}))


def test_no_notification_or_email_of_any_kind_carries_what_was_written_about_the_child(flow, demo):
    assert _sent_kinds_in_the_source() <= KINDS, "a new notification kind: add it to this test's run"
    _run_every_kind(flow, demo)
    notes = list(Notification.objects.select_related("user"))
    assert {n.kind for n in notes} == KINDS

    mail.outbox.clear()
    for note in notes:
        assert deliver_email(note.id) in (True, False)  # sent now, or already sent when it was made
    by_subject = {}
    for message in mail.outbox:
        by_subject.setdefault(message.subject, []).append(message)

    for note in notes:
        for label, secret in SECRETS.items():
            assert secret not in note.subject and secret not in note.text, (note.kind, note.user.email, label)
        [message] = [m for m in by_subject[note.subject] if m.to == [note.user.email]][:1] or [None]
        assert message is not None, (note.kind, note.user.email)
        # A short line and a link; below the signature line only the settings links.
        said, _sep, footer = message.body.partition("\n--\n")
        lines = [line for line in said.splitlines() if line.strip()]
        assert len(lines) <= 2, message.body
        assert lines[-1].split()[-1].startswith(settings.SITE_URL.rstrip("/") + "/"), message.body
        assert all(line.split()[-1].startswith(settings.SITE_URL.rstrip("/") + "/")
                   for line in footer.splitlines() if line.strip()), message.body
        for label, secret in SECRETS.items():
            assert secret not in message.body, (note.kind, label)
        if note.text:
            assert note.text not in message.body  # the text is read in the product
