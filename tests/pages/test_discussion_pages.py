"""The discussion on the IEP page: each recommendation's thread as an HTMX partial and as a page of
its own, the forms that work with and without JavaScript, who sees which buttons, bad input, and
the notifications page."""
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext_lazy

from apps.discussions import services
from apps.discussions.models import Comment, Thread
from apps.discussions.selectors import thread_of
from apps.ieps.models import Event
from apps.notifications.models import Notification
from apps.notifications.services import notify
from tests.pages.test_pages import Page

HX = {"HTTP_HX_REQUEST": "true"}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response) -> str:
    return response.content.decode()


def say(user, rec, body, parent=None, mentions=None):
    return services.comment_create(actor=user, thread=thread_of(rec), body=body,
                                   parent_id=parent.id if parent else None, mentions=mentions)


def thread_url(rec):
    return f"/recommendations/{rec.id}/thread/"


def create_url(rec):
    return f"/recommendations/{rec.id}/thread/comments/"


def saved():
    return Comment.objects.count(), Event.objects.count()


# ---------- what the thread shows ----------

def test_the_thread_shows_each_comment_with_author_role_time_replies_and_tombstones(demo):
    rec = demo.maya_recs[0]
    first = say(demo.parent_maya, rec, "At home she cannot button her coat.")
    reply = say(demo.ot, rec, "Could you show me at pickup?", parent=first)
    deeper = say(demo.parent_maya, rec, "Yes, Tuesday.", parent=reply)
    services.comment_delete(actor=demo.ot, comment=reply)
    services.comment_edit(actor=demo.parent_maya, comment=deeper, body="Yes, Tuesday at 3.")

    response = signed_in(demo.slp).get(thread_url(rec), **HX)
    assert response.status_code == 200
    html = text_of(response)
    for comment in (first, reply, deeper):
        assert f'id="comment-{comment.id}"' in html
    assert "At home she cannot button her coat." in html
    assert "Elena Rivera" in html and "Parent or guardian" in html
    assert "This comment was deleted." in html
    assert "Could you show me at pickup?" not in html  # the tombstone keeps no words
    assert "Yes, Tuesday at 3." in html and "edited" in html  # a reply outlives what it answered
    assert f'<time class="comment__time" datetime="{first.created_at.isoformat()}' in html
    # The reply nests inside the first comment's list item; its own reply one level deeper.
    assert html.index(f'id="comment-{first.id}"') < html.index("comments--replies") < html.index(f'id="comment-{reply.id}"')
    assert html.count('<ol class="comments comments--replies"') == 2


def test_replies_nest_four_levels_and_deeper_ones_say_whom_they_answer(demo):
    rec = demo.maya_recs[0]
    people = [demo.parent_maya, demo.ot, demo.slp, demo.casemanager]
    parent = None
    chain = []
    for i in range(8):
        parent = say(people[i % 4], rec, f"level {i}", parent=parent)
        chain.append(parent)
    html = text_of(signed_in(demo.ot).get(thread_url(rec), **HX))
    assert html.count('<ol class="comments comments--replies"') == 3  # four visual levels in all
    assert html.count("Replying to") == 4  # levels 4 to 7 sit at the fourth and say whom they answer
    positions = [html.index(f'id="comment-{c.id}"') for c in chain]
    assert positions == sorted(positions)
    assert Page(html)  # well-formed enough to parse


def test_the_full_page_works_without_javascript_and_labels_every_field(demo):
    rec = demo.maya_recs[0]
    say(demo.ot, rec, "Progress data attached.")
    response = signed_in(demo.parent_maya).get(f"/recommendations/{rec.id}/discussion/")
    assert response.status_code == 200
    html = text_of(response)
    page = Page(html)
    assert page.h1 == 1 and {"header", "nav", "main", "footer"} <= page.landmarks
    assert not page.unlabelled_inputs()
    assert "Progress data attached." in html
    assert f'action="{create_url(rec)}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Priya Natarajan (Occupational therapy)" in html  # the Notify choices
    assert "Elena Rivera (" not in html  # not oneself


def test_the_iep_page_lazy_loads_each_thread_and_links_to_it_for_browsers_without_javascript(demo):
    html = text_of(signed_in(demo.parent_maya).get(f"/ieps/{demo.maya_iep.id}/"))
    for rec in demo.maya_recs:
        assert f'hx-get="/recommendations/{rec.id}/thread/"' in html
        assert f'href="/recommendations/{rec.id}/discussion/"' in html
    assert f'data-iep-id="{demo.maya_iep.id}"' in html
    assert f'data-last-seq="{demo.maya_iep.last_event_seq}"' in html
    # The channel, and this app's listener that the IEP page loads through the panel registry.
    assert re.search(r'<script type="module" src="/static/js/live/channel\.js"', html)
    assert re.search(r'<script type="module" src="/static/js/discussions/live\.js"', html)
    assert 'aria-live="polite"' in html


# ---------- who may do what ----------

@pytest.mark.parametrize("persona", ["parent.leo", "teacher.leo", "evaluator"])
def test_people_outside_mayas_team_get_404_for_her_threads_and_every_action(demo, persona):
    rec = demo.maya_recs[0]
    comment = say(demo.ot, rec, "Team only.")
    client = signed_in(demo.users[persona])
    for path in [thread_url(rec), f"/recommendations/{rec.id}/discussion/", f"/comments/{comment.id}/reply/",
                 f"/comments/{comment.id}/edit/", f"/comments/{comment.id}/delete/"]:
        response = client.get(path, **HX)
        assert response.status_code == 404, path
        assert "Team only." not in text_of(response)
    before = saved()
    for path in [create_url(rec), f"/recommendations/{rec.id}/thread/resolve/",
                 f"/recommendations/{rec.id}/thread/reopen/", f"/recommendations/{rec.id}/thread/read/",
                 f"/comments/{comment.id}/edit/", f"/comments/{comment.id}/delete/"]:
        assert client.post(path, {"body": "let me in"}, **HX).status_code == 404, path
    assert saved() == before
    assert not Comment.objects.filter(deleted_at__isnull=False).exists()


def test_a_district_admin_reads_the_thread_without_reply_or_resolve_and_is_refused_a_post(demo):
    rec = demo.maya_recs[0]
    say(demo.ot, rec, "Visible to the district.")
    client = signed_in(demo.admin)
    html = text_of(client.get(thread_url(rec), **HX))
    assert "Visible to the district." in html
    assert "<textarea" not in html
    assert ">Reply<" not in html and "Mark resolved" not in html and "Reopen" not in html
    assert "District administrators can read the team" in html

    before = saved()
    assert client.post(create_url(rec), {"body": "From the district"}, **HX).status_code == 403
    assert client.post(create_url(rec), {"body": "From the district"}).status_code == 403
    assert client.post(f"/recommendations/{rec.id}/thread/resolve/", **HX).status_code == 403
    assert saved() == before
    assert Thread.objects.get(recommendation=rec).status == Thread.Status.OPEN


def test_an_engaged_evaluator_reads_the_disputed_thread_only_and_cannot_post(demo):
    from apps.ieps.services import evaluator_scope_set
    from apps.students.models import Role
    from apps.students.services import membership_grant

    disputed, other = demo.maya_recs[0], demo.maya_recs[1]
    say(demo.ot, disputed, "On the disputed one.")
    hidden = say(demo.slp, other, "Not for the evaluator.")
    membership = membership_grant(student=demo.maya, user=demo.evaluator, role=Role.EVALUATOR,
                                  expires_at=timezone.now() + timedelta(days=30))
    evaluator_scope_set(membership=membership, recommendation_ids=[disputed.id])
    client = signed_in(demo.evaluator)

    html = text_of(client.get(thread_url(disputed), **HX))
    assert "On the disputed one." in html and "<textarea" not in html and ">Reply<" not in html
    assert client.get(thread_url(other), **HX).status_code == 404
    assert client.get(f"/comments/{hidden.id}/reply/").status_code == 404
    assert client.post(create_url(disputed), {"body": "question"}, **HX).status_code == 403
    iep_page = text_of(client.get(f"/ieps/{demo.maya_iep.id}/"))
    assert "1 new comment" in iep_page  # the disputed thread's; the other thread's is not counted


def test_only_the_author_is_offered_edit_and_delete_and_others_are_refused(demo):
    rec = demo.maya_recs[0]
    comment = say(demo.ot, rec, "Original words")
    theirs = text_of(signed_in(demo.slp).get(thread_url(rec), **HX))
    assert f'/comments/{comment.id}/edit/' not in theirs and f'/comments/{comment.id}/delete/' not in theirs
    assert f'/comments/{comment.id}/reply/' in theirs
    mine = text_of(signed_in(demo.ot).get(thread_url(rec), **HX))
    assert f'/comments/{comment.id}/edit/' in mine and f'/comments/{comment.id}/delete/' in mine

    for persona in ("slp", "parent.maya", "admin"):
        client = signed_in(demo.users[persona])
        assert client.post(f"/comments/{comment.id}/edit/", {"body": "hijacked"}, **HX).status_code == 403
        assert client.post(f"/comments/{comment.id}/delete/", **HX).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Original words" and not comment.deleted


def test_buttons_name_what_they_act_on(demo):
    rec = demo.maya_recs[0]
    say(demo.ot, rec, "Hello")
    html = text_of(signed_in(demo.parent_maya).get(thread_url(rec), **HX))
    assert 'Reply<span class="visually-hidden"> to Priya Natarajan</span>' in html
    assert 'Mark resolved<span class="visually-hidden">: the discussion of “Reduce occupational therapy' in html


# ---------- writing: HTMX and plain forms ----------

def test_posting_with_htmx_answers_the_fresh_thread_and_focuses_the_new_comment(demo):
    rec = demo.maya_recs[0]
    response = signed_in(demo.ot).post(create_url(rec), {"body": "Posted in place"}, **HX)
    assert response.status_code == 200
    comment = Comment.objects.get(body="Posted in place")
    html = text_of(response)
    assert re.search(rf'id="comment-{comment.id}"[^>]*data-focus-after-swap', html)
    assert f'id="thread-{rec.id}"' in html
    # The badges beside the recommendation update out of band.
    assert f'id="unread-{rec.id}"' in html and 'id="unread-total"' in html and 'hx-swap-oob="true"' in html
    assert f'id="discussion-{rec.id}-meta"' in html and "1 comment" in html


def test_posting_without_javascript_redirects_back_to_the_comment(demo):
    rec = demo.maya_recs[0]
    client = signed_in(demo.parent_maya)
    response = client.post(create_url(rec), {"body": "No JavaScript here"})
    comment = Comment.objects.get(body="No JavaScript here")
    assert response.status_code == 302
    assert response["Location"] == f"/recommendations/{rec.id}/discussion/#comment-{comment.id}"
    page = text_of(client.get(response["Location"]))
    assert "No JavaScript here" in page and "Your comment was posted." in page


def test_a_reply_edit_and_delete_work_in_place(demo):
    rec = demo.maya_recs[0]
    first = say(demo.parent_maya, rec, "A question")
    client = signed_in(demo.ot)

    form = text_of(client.get(f"/comments/{first.id}/reply/", **HX))
    assert f'id="reply-{first.id}"' in form and "Your reply to Elena Rivera" in form
    assert re.search(r'<textarea[^>]*data-focus-after-swap', form)
    client.post(create_url(rec), {"body": "An answer", "parent": first.id}, **HX)
    reply = Comment.objects.get(body="An answer")
    assert reply.parent_id == first.id

    edit = text_of(client.get(f"/comments/{reply.id}/edit/", **HX))
    assert f'id="edit-{reply.id}"' in edit and "\nAn answer</textarea>" in edit
    edited = text_of(client.post(f"/comments/{reply.id}/edit/", {"body": "A better answer"}, **HX))
    assert "A better answer" in edited and "edited" in edited

    confirm = text_of(client.get(f"/comments/{reply.id}/delete/", **HX))
    assert "Delete this comment?" in confirm and f'action="/comments/{reply.id}/delete/"' in confirm
    assert not Comment.objects.get(id=reply.id).deleted  # asking is not deleting
    gone = text_of(client.post(f"/comments/{reply.id}/delete/", **HX))
    assert "This comment was deleted." in gone and "A better answer" not in gone
    assert Comment.objects.get(id=reply.id).deleted


def test_without_javascript_the_reply_edit_and_delete_links_open_their_forms_on_the_page(demo):
    rec = demo.maya_recs[0]
    mine = say(demo.ot, rec, "Mine")
    client = signed_in(demo.ot)
    for kind, marker in [("reply", f'id="reply-{mine.id}"'), ("edit", f'id="edit-{mine.id}"'),
                         ("delete", f'id="delete-{mine.id}"')]:
        response = client.get(f"/comments/{mine.id}/{kind}/")
        assert response.status_code == 200
        assert marker in text_of(response) and "<h1>" in text_of(response)
    response = client.post(f"/comments/{mine.id}/delete/")
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{mine.id}")


def test_resolve_and_reopen_in_place(demo):
    rec = demo.maya_recs[0]
    say(demo.parent_maya, rec, "Agreed in the meeting.")
    client = signed_in(demo.casemanager)
    html = text_of(client.post(f"/recommendations/{rec.id}/thread/resolve/", **HX))
    assert "Resolved" in html and "by Sam Okafor" in html and "<textarea" not in html
    assert re.search(r'id="thread-\d+-state-button"[^>]*data-focus-after-swap[^>]*>\s*Reopen', html)

    before = saved()
    refused = signed_in(demo.parent_maya).post(create_url(rec), {"body": "one more thing"}, **HX)
    assert refused.status_code == 409
    assert "This discussion is resolved. Reopen it to continue." in text_of(refused)
    assert saved() == before

    again = signed_in(demo.parent_maya).post(f"/recommendations/{rec.id}/thread/resolve/", **HX)
    assert again.status_code == 409 and "already resolved" in text_of(again)

    html = text_of(signed_in(demo.parent_maya).post(f"/recommendations/{rec.id}/thread/reopen/", **HX))
    assert "<textarea" in html and "Mark resolved" in html


# ---------- bad input ----------

@pytest.mark.parametrize("body, message", [
    ("", "Write your comment first."),
    ("  \n\t  ", "Write your comment first."),
    ("x" * 10_001, "A comment can be at most 10,000 characters; this one has 10,001."),
])
@pytest.mark.parametrize("headers", [HX, {}], ids=["htmx", "no-js"])
def test_bad_input_shows_the_error_next_to_the_field_and_saves_nothing(demo, body, message, headers):
    rec = demo.maya_recs[0]
    before = saved()
    response = signed_in(demo.ot).post(create_url(rec), {"body": body}, **headers)
    assert response.status_code == 422
    html = text_of(response)
    assert message in html
    assert re.search(rf'<textarea[^>]*aria-invalid="true"[^>]*aria-describedby="[^"]*c{rec.id}-body_error', html) \
        or re.search(rf'<textarea[^>]*aria-describedby="[^"]*c{rec.id}-body_error[^"]*"[^>]*aria-invalid="true"', html)
    assert f'id="c{rec.id}-body_error"' in html
    assert saved() == before


def test_a_comment_of_exactly_10000_characters_is_accepted(demo):
    response = signed_in(demo.ot).post(create_url(demo.maya_recs[0]), {"body": "y" * 10_000}, **HX)
    assert response.status_code == 200
    assert Comment.objects.filter(body="y" * 10_000).exists()


def test_a_reply_to_a_comment_of_another_recommendation_is_refused_and_the_words_kept(demo):
    elsewhere = say(demo.slp, demo.maya_recs[1], "On the SLP service")
    before = saved()
    response = signed_in(demo.ot).post(create_url(demo.maya_recs[0]),
                                       {"body": "my careful reply", "parent": elsewhere.id}, **HX)
    assert response.status_code == 400
    html = text_of(response)
    assert "You can only reply to a comment in the same discussion." in html
    assert "\nmy careful reply</textarea>" in html
    assert saved() == before


def test_an_edit_to_empty_is_refused_next_to_the_field(demo):
    comment = say(demo.ot, demo.maya_recs[0], "Keep me")
    response = signed_in(demo.ot).post(f"/comments/{comment.id}/edit/", {"body": " "}, **HX)
    assert response.status_code == 422
    assert "Write your comment first." in text_of(response) and f'id="e{comment.id}-body_error"' in text_of(response)
    comment.refresh_from_db()
    assert comment.body == "Keep me"


def test_raw_html_in_a_comment_is_shown_as_text(demo):
    rec = demo.maya_recs[0]
    body = '<script>alert(1)</script> <img src=x onerror=alert(2)> **bold** https://example.org/a?b=1'
    comment = say(demo.parent_maya, rec, body)
    html = text_of(signed_in(demo.ot).get(thread_url(rec), **HX))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org/a?b=1" rel="nofollow noopener noreferrer">' in html
    edit = text_of(signed_in(demo.parent_maya).get(f"/comments/{comment.id}/edit/", **HX))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in edit and "<script>alert" not in edit


def test_forms_need_the_csrf_token(demo):
    rec = demo.maya_recs[0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.ot)
    assert client.post(create_url(rec), {"body": "forged"}, **HX).status_code == 403
    assert not Comment.objects.filter(body="forged").exists()
    page = text_of(client.get(f"/ieps/{demo.maya_iep.id}/"))
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    assert client.post(create_url(rec), {"body": "genuine"}, HTTP_X_CSRFTOKEN=token, **HX).status_code == 200


# ---------- unread badges and mentions ----------

def test_unread_badges_count_others_comments_until_the_thread_is_read(demo):
    rec, quiet = demo.maya_recs[0], demo.maya_recs[1]
    say(demo.parent_maya, rec, "mine is never unread")  # (and posting reads the thread up to here)
    say(demo.ot, rec, "one")
    say(demo.ot, rec, "two")
    say(demo.slp, quiet, "three")
    client = signed_in(demo.parent_maya)
    page = text_of(client.get(f"/ieps/{demo.maya_iep.id}/"))
    assert re.search(rf'id="unread-{rec.id}"[^>]*>2 new comments<', page)
    assert re.search(r'id="unread-total"[^>]*>3 new comments<', page)
    # A thread with something new opens (and loads) by itself.
    assert re.search(rf'<details class="discussion__details" id="discussion-{rec.id}" open>', page)

    html = text_of(client.get(thread_url(rec), **HX))
    assert html.count('<span class="badge badge--new">New</span>') == 2
    after = text_of(client.post(f"/recommendations/{rec.id}/thread/read/", **HX))
    assert re.search(rf'id="unread-{rec.id}"[^>]*hx-swap-oob="true"></span>', after)
    assert re.search(r'id="unread-total"[^>]*>1 new comment<', after)


def test_ticking_notify_sends_the_team_member_a_notification(demo):
    rec = demo.maya_recs[0]
    client = signed_in(demo.parent_maya)
    response = client.post(create_url(rec), {"body": "Priya, what do you think?", "mentions": [demo.ot.id]}, **HX)
    assert response.status_code == 200
    comment = Comment.objects.get(body="Priya, what do you think?")
    note = Notification.objects.get(user=demo.ot, kind="mention")
    assert note.url == f"/ieps/{demo.maya_iep.id}/#comment-{comment.id}"

    refused = client.post(create_url(rec), {"body": "psst", "mentions": [demo.parent_leo.id]}, **HX)
    assert refused.status_code == 422 and "Choose people on this child" in text_of(refused)
    assert not Notification.objects.filter(user=demo.parent_leo).exists()


# ---------- query counts ----------

def test_the_thread_takes_as_many_queries_for_100_comments_as_for_5(demo, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rec = demo.maya_recs[0]
    people = [demo.parent_maya, demo.ot, demo.slp, demo.casemanager]
    parent = None
    for i in range(5):
        parent = say(people[i % 4], rec, f"comment {i}", parent=parent if i % 2 else None)
    client = signed_in(demo.parent_maya)
    client.get(thread_url(rec), **HX)  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(thread_url(rec), **HX).status_code == 200
    for i in range(95):
        parent = say(people[i % 4], rec, f"more {i}", parent=parent if i % 3 else None)
        if i % 10 == 0:
            services.comment_delete(actor=parent.author, comment=parent)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(thread_url(rec), **HX)
    assert text_of(response).count('class="comment') >= 100


# ---------- notifications page ----------

def test_the_notifications_page_lists_newest_first_and_marks_read(demo):
    first, second = notify([demo.ot], "mention", gettext_lazy("First"), gettext_lazy("older"))[0], notify([demo.ot], "mention", gettext_lazy("Second"), gettext_lazy("newer"),
                                                                              url="/ieps/1/#comment-1")[0]
    notify([demo.slp], "mention", gettext_lazy("Not yours"))
    client = signed_in(demo.ot)
    home = text_of(client.get("/"))
    assert 'href="/notifications/"' in home and "Notifications: 2 unread" in home

    html = text_of(client.get("/notifications/"))
    assert html.index("Second") < html.index("First")
    assert "Not yours" not in html
    assert not Page(html).unlabelled_inputs() and Page(html).h1 == 1

    response = client.post(f"/notifications/{second.id}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/ieps/1/#comment-1"
    assert client.post(f"/notifications/{first.id}/read/").status_code == 302
    assert not Notification.objects.filter(user=demo.ot, read_at__isnull=True).exists()
    assert signed_in(demo.slp).post(f"/notifications/{first.id}/read/").status_code == 404


def test_mark_all_read_and_unsafe_links_are_not_followed(demo):
    notify([demo.ot], "mention", gettext_lazy("Elsewhere"), url="https://evil.example/")
    notify([demo.ot], "mention", gettext_lazy("Here"), url="/ieps/1/")
    client = signed_in(demo.ot)
    html = text_of(client.get("/notifications/"))
    assert "evil.example" not in html
    evil = Notification.objects.get(subject="Elsewhere")
    response = client.post(f"/notifications/{evil.id}/read/", {"open": "1"})
    assert response["Location"].startswith("/notifications/")
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(user=demo.ot, read_at__isnull=True).exists()
    assert "You are all caught up." in text_of(client.get("/notifications/"))


def test_opening_the_partials_address_leads_to_the_discussions_page_and_staff_reads_are_logged(demo):
    from apps.audit.models import AccessLog

    rec = demo.maya_recs[0]
    response = signed_in(demo.ot).get(thread_url(rec) + "?reply=3&live=1")
    assert response.status_code == 302
    assert response["Location"] == f"/recommendations/{rec.id}/discussion/?reply=3"
    signed_in(demo.ot).get(f"/recommendations/{rec.id}/discussion/")
    signed_in(demo.parent_maya).get(f"/recommendations/{rec.id}/discussion/")
    assert AccessLog.objects.filter(user=demo.ot, object_type="recommendation", object_id=rec.id).count() == 1
    assert not AccessLog.objects.filter(user=demo.parent_maya).exists()
