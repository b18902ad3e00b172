"""Preferences, the recipient's language, the daily digest, e-mail format and RFC 8058 unsubscribe,
the link that opens and marks read, and the gaps found as a new user: replies, questions, assignment."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils.translation import gettext_lazy

from apps.deadlines.models import Kind, Reminder
from apps.deadlines.reminders import sweep
from apps.deadlines.services import deadline_open
from apps.discussions.models import Thread
from apps.discussions.services import comment_create
from apps.notifications.email import unsubscribe_token
from apps.notifications.models import Notification, NotificationPreference
from apps.notifications.services import notification_preferences_update, notify
from apps.notifications.tasks import digests_send

NY = ZoneInfo("America/New_York")


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def inline(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return inline


def test_an_email_has_a_text_and_an_html_part_the_site_address_and_one_click_unsubscribe(demo, run, settings):
    settings.SITE_URL = "https://iep.riverside.example"
    [row] = run(notify, [demo.ot], "mention", gettext_lazy("Sam mentioned you"), gettext_lazy("Have a look."), url="/ieps/1/")
    [message] = mail.outbox
    assert message.subject == "Sam mentioned you"
    html = dict((mime, body) for body, mime in message.alternatives)["text/html"]
    assert f"https://iep.riverside.example/notifications/{row.id}/open/" in message.body
    assert f"https://iep.riverside.example/notifications/{row.id}/open/" in html
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://iep.riverside.example/notifications/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_unsubscribing_takes_a_post_never_a_get(demo, client):
    token = unsubscribe_token(demo.parent_maya.id, "deadline.reminder")
    url = f"/notifications/unsubscribe/{token}/"
    assert client.get(url).status_code == 200  # a mail scanner following the link changes nothing
    assert not NotificationPreference.objects.filter(user=demo.parent_maya).exists()
    assert client.post(url).status_code == 200  # RFC 8058 one-click: no cookie, no CSRF token
    assert NotificationPreference.objects.get(user=demo.parent_maya).kinds == {"deadline.reminder": {"email": "off"}}


@pytest.mark.parametrize("token", [
    "not-a-token", unsubscribe_token(999999, "mention"), unsubscribe_token(1, "birthday"),
])
def test_a_foreign_or_forged_unsubscribe_token_answers_404(demo, client, token):
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 404
    assert client.get(f"/notifications/unsubscribe/{token}/").status_code == 404
    assert not NotificationPreference.objects.exists()


def test_a_token_cannot_be_turned_into_another_persons(demo, client):
    token = unsubscribe_token(demo.parent_leo.id, "mention")
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert client.post(f"/notifications/unsubscribe/{tampered}/").status_code == 404


def test_a_reminder_reaches_a_spanish_speaker_in_spanish(demo, run):
    demo.parent_maya.preferred_language = "es"
    demo.parent_maya.save()
    Reminder.objects.all().delete()
    with time_machine.travel(datetime(2027, 5, 1, 12, tzinfo=NY), tick=False):
        deadline_open(kind=Kind.ANNUAL_REVIEW, student=demo.maya, due_on=date(2027, 6, 15),
                      owners=[demo.casemanager], watchers=[demo.parent_maya])
    with time_machine.travel(datetime(2027, 6, 8, 8, tzinfo=NY), tick=False):
        run(sweep)  # the 14 and 7 days' reminders
    mail.outbox.clear()
    with time_machine.travel(datetime(2027, 6, 14, 8, tzinfo=NY), tick=False):
        run(sweep)
    spanish = Notification.objects.filter(user=demo.parent_maya).first()
    english = Notification.objects.filter(user=demo.casemanager).first()
    assert spanish.subject == "Vence mañana: Revisión anual de Maya"
    assert english.subject == "Due tomorrow: Annual review for Maya"
    to_her = [m for m in mail.outbox if m.to == [demo.parent_maya.email]]
    assert [m.subject for m in to_her] == [spanish.subject] and "Ábralo" in to_her[0].body


def test_the_footer_language_is_kept_on_the_person(demo, client):
    client.force_login(demo.parent_maya)
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    demo.parent_maya.refresh_from_db()
    assert demo.parent_maya.preferred_language == "es"


def test_a_digest_preference_sends_one_summary_at_the_digest_hour_and_none_when_empty(demo, run):
    notification_preferences_update(actor=demo.parent_maya, digest_hour=18,
                                    kinds={"mention": {"email": "digest"}})
    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=NY), tick=False):
        run(notify, [demo.parent_maya], "mention", gettext_lazy("First"), url="/ieps/1/")
        run(notify, [demo.parent_maya], "mention", gettext_lazy("Second"), url="/ieps/1/")
    assert not mail.outbox  # nothing at once
    with time_machine.travel(datetime(2027, 3, 1, 17, 59, tzinfo=NY), tick=False):
        assert digests_send() == 0
    with time_machine.travel(datetime(2027, 3, 1, 18, 0, tzinfo=NY), tick=False):
        assert digests_send() == 1
        assert digests_send() == 0
    [digest] = mail.outbox
    assert "2" in digest.subject and "First" in digest.body and "Second" in digest.body
    with time_machine.travel(datetime(2027, 3, 2, 18, 0, tzinfo=NY), tick=False):
        assert digests_send() == 0  # nothing to say: no e-mail
    assert len(mail.outbox) == 1


def test_in_app_off_hides_it_from_the_bell_and_email_off_sends_none(demo, run, api_as):
    notification_preferences_update(actor=demo.ot, kinds={"mention": {"in_app": False}})
    run(notify, [demo.ot], "mention", gettext_lazy("Hidden"), url="/ieps/1/")
    assert api_as("ot").get("/api/v1/notifications/").json()["count"] == 0
    assert len(mail.outbox) == 1
    notification_preferences_update(actor=demo.ot, kinds={"mention": {"email": "off"}})
    run(notify, [demo.ot], "mention", gettext_lazy("Nothing"), url="/ieps/1/")
    assert len(mail.outbox) == 1 and not Notification.objects.filter(subject="Nothing").exists()


def test_the_link_opens_the_thing_and_marks_it_read_for_its_owner_only(demo, client):
    [row] = notify([demo.ot], "mention", gettext_lazy("Look"), url=f"/ieps/{demo.maya_iep.id}/")
    client.force_login(demo.slp)
    assert client.get(f"/notifications/{row.id}/open/").status_code == 404
    client.force_login(demo.ot)
    answer = client.get(f"/notifications/{row.id}/open/")
    assert answer.status_code == 302 and answer["Location"] == f"/ieps/{demo.maya_iep.id}/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_a_reply_notifies_the_person_replied_to(demo):
    thread = Thread(recommendation_id=demo.maya_recs[0].id, iep=demo.maya_iep)
    first = comment_create(actor=demo.ot, thread=thread, body="Progress data attached.")
    comment_create(actor=demo.parent_maya, thread=first.thread, body="Thank you.", parent_id=first.id)
    [note] = Notification.objects.filter(kind="comment.reply")
    assert note.user == demo.ot and "Elena Rivera" in note.subject and "#comment-" in note.url


def test_an_evaluators_question_notifies_the_team_and_nobody_else(demo, flow):
    flow.to("attested")
    from apps.evaluations.models import EvaluationRequest

    request = EvaluationRequest.objects.get(id=flow.id)
    thread = request.questions_thread
    thread.iep = request.iep
    Notification.objects.all().delete()
    comment_create(actor=demo.evaluator, thread=thread, body="When does Maya have OT this week?")
    told = set(Notification.objects.filter(kind="evaluation.question").values_list("user_id", flat=True))
    assert told == {demo.parent_maya.id, demo.casemanager.id, demo.ot.id, demo.slp.id}


def test_the_assignment_notification_links_to_the_engagement(demo, flow):
    flow.to("assigned")
    note = Notification.objects.get(kind="evaluation.assigned", user=demo.evaluator)
    assert note.url == f"/evaluations/{flow.id}/work/"
