"""The discussion API: threads, replies, history, tombstones, mentions, unread counts."""
import pytest

from apps.discussions.models import Comment, CommentRevision, Mention, Thread
from apps.ieps.models import Event
from apps.notifications.models import Notification


def comments_url(rec):
    return f"/api/v1/recommendations/{rec.id}/comments/"


def post(api_as, persona, rec, **payload):
    return api_as(persona).post(comments_url(rec), payload, format="json")


def test_the_thread_lists_every_comment_flat_oldest_first_with_replies_and_tombstones(api_as, demo):
    rec = demo.maya_recs[0]
    first = post(api_as, "parent.maya", rec, body="At home she cannot button her coat.").json()
    reply = post(api_as, "ot", rec, body="Could you show me at pickup?", parent=first["id"]).json()
    deeper = post(api_as, "parent.maya", rec, body="Yes, Tuesday.", parent=reply["id"]).json()
    assert api_as("ot").delete(f"/api/v1/comments/{reply['id']}/").status_code == 200

    listed = api_as("slp").get(comments_url(rec)).json()["results"]
    assert [c["id"] for c in listed] == [first["id"], reply["id"], deeper["id"]]
    assert [c["parent"] for c in listed] == [None, first["id"], reply["id"]]
    assert listed[0]["author"] == {"id": demo.parent_maya.id, "full_name": "Elena Rivera", "role": "parent"}
    assert (listed[1]["deleted"], listed[1]["body"]) == (True, "")
    assert listed[2]["body"] == "Yes, Tuesday."  # a reply outlives the comment it answered


def test_only_the_author_edits_or_deletes_and_history_is_kept(api_as, demo):
    rec = demo.maya_recs[0]
    comment = post(api_as, "ot", rec, body="Original words").json()
    url = f"/api/v1/comments/{comment['id']}/"

    for persona, expected in [("parent.maya", 403), ("slp", 403), ("admin", 403), ("parent.leo", 404)]:
        assert api_as(persona).patch(url, {"body": "hijacked"}, format="json").status_code == expected
        assert api_as(persona).delete(url).status_code == expected
    assert Comment.objects.get(id=comment["id"]).body == "Original words"

    edited = api_as("ot").patch(url, {"body": "Better words"}, format="json").json()
    assert edited["body"] == "Better words" and edited["edited_at"]
    deleted = api_as("ot").delete(url).json()
    assert deleted["deleted"] is True and deleted["body"] == "" and deleted["body_html"] == ""
    assert list(CommentRevision.objects.filter(comment_id=comment["id"]).values_list("body", flat=True)) == [
        "Original words", "Better words"]
    assert api_as("ot").patch(url, {"body": "again"}, format="json").status_code == 409


@pytest.mark.parametrize("payload, field", [
    ({"body": ""}, "body"),
    ({"body": "   \n\t "}, "body"),
    ({"body": "x" * 100_000}, "body"),
    ({"body": "x" * 10_001}, "body"),
    ({}, "body"),
    ({"body": ["a list"]}, "body"),
    ({"body": "ok", "parent": "abc"}, "parent"),
    ({"body": "ok", "mentions": "everyone"}, "mentions"),
])
def test_bad_comments_are_refused_with_the_field_named_and_nothing_saved(api_as, demo, payload, field):
    before = (Comment.objects.count(), Event.objects.count())
    answer = api_as("ot").post(comments_url(demo.maya_recs[0]), payload, format="json")
    assert answer.status_code == 400
    assert field in answer.json()["error"]["fields"]
    assert (Comment.objects.count(), Event.objects.count()) == before


def test_a_body_of_exactly_10000_characters_is_accepted(api_as, demo):
    assert post(api_as, "ot", demo.maya_recs[0], body="y" * 10_000).status_code == 201


def test_a_reply_to_a_comment_of_another_recommendation_is_refused(api_as, demo):
    elsewhere = post(api_as, "ot", demo.maya_recs[1], body="on the SLP service").json()
    before = Comment.objects.count()
    answer = post(api_as, "ot", demo.maya_recs[0], body="reply", parent=elsewhere["id"])
    assert answer.status_code == 400
    assert "parent" in answer.json()["error"]["fields"]
    assert Comment.objects.count() == before


def test_malformed_json_is_a_400_in_the_contract_shape(api_as, demo):
    answer = api_as("ot").post(comments_url(demo.maya_recs[0]), "{nope", content_type="application/json")
    assert answer.status_code == 400
    assert set(answer.json()["error"]) == {"code", "message", "fields"}


def test_raw_html_never_comes_back_as_html(api_as, demo):
    body = '<script>alert(1)</script> **bold** see https://example.org/x?a=1 <img src=x onerror=alert(2)>'
    comment = post(api_as, "parent.maya", demo.maya_recs[0], body=body).json()
    assert comment["body"] == body  # the person's words, kept as written
    html = comment["body_html"]
    assert "<script" not in html and "<img" not in html  # tags arrive as visible text only
    assert "&lt;script&gt;" in html and "&lt;img" in html
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org/x?a=1" rel="nofollow noopener noreferrer">' in html


def test_javascript_links_are_not_linked(api_as, demo):
    comment = post(api_as, "parent.maya", demo.maya_recs[0], body="javascript:alert(1) and [x](javascript:alert(1))").json()
    assert "href" not in comment["body_html"]


def test_mentions_notify_team_members_and_strangers_are_refused(api_as, demo):
    rec = demo.maya_recs[0]
    answer = post(api_as, "parent.maya", rec, body="@Priya what do you think?", mentions=[demo.ot.id])
    assert answer.status_code == 201
    assert Mention.objects.filter(comment_id=answer.json()["id"], user=demo.ot).exists()
    assert Notification.objects.filter(user=demo.ot, kind="mention").count() == 1

    before = Comment.objects.count()
    for stranger in (demo.teacher_leo, demo.parent_leo, demo.evaluator):
        refused = post(api_as, "parent.maya", rec, body="psst", mentions=[stranger.id])
        assert refused.status_code == 400
        assert "mentions" in refused.json()["error"]["fields"]
    assert Comment.objects.count() == before
    assert not Notification.objects.filter(user__in=[demo.teacher_leo, demo.parent_leo, demo.evaluator]).exists()


@pytest.mark.parametrize("persona, status", [
    ("parent.maya", 201), ("ot", 201), ("slp", 201), ("casemanager", 201),
    ("admin", 403), ("parent.leo", 404), ("teacher.leo", 404), ("evaluator", 404), (None, 401),
])
def test_who_may_post_in_a_recommendation_thread(api_as, demo, persona, status):
    assert post(api_as, persona, demo.maya_recs[0], body="hello").status_code == status


@pytest.mark.parametrize("persona, status", [
    ("parent.maya", 200), ("ot", 200), ("admin", 200), ("parent.leo", 404), ("teacher.leo", 404),
    ("evaluator", 404), (None, 401),
])
def test_who_may_read_a_recommendation_thread(api_as, demo, persona, status):
    post(api_as, "ot", demo.maya_recs[0], body="visible to the team")
    answer = api_as(persona).get(comments_url(demo.maya_recs[0]))
    assert answer.status_code == status
    if status == 200:
        assert [c["body"] for c in answer.json()["results"]] == ["visible to the team"]


def test_resolve_and_reopen_change_the_thread_and_a_resolved_thread_takes_no_comments(api_as, demo):
    rec = demo.maya_recs[0]
    url = f"/api/v1/recommendations/{rec.id}"
    assert api_as("parent.leo").post(f"{url}/resolve/").status_code == 404
    assert api_as("admin").post(f"{url}/resolve/").status_code == 403
    resolved = api_as("casemanager").post(f"{url}/resolve/")
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    assert api_as("ot").post(f"{url}/resolve/").status_code == 409
    assert post(api_as, "parent.maya", rec, body="but wait").status_code == 409
    assert api_as("parent.maya").post(f"{url}/reopen/").json()["status"] == "open"
    assert post(api_as, "parent.maya", rec, body="but wait").status_code == 201
    thread = Thread.objects.get(recommendation=rec)
    assert thread.status == "open" and thread.resolved_by is None


def test_reading_a_thread_does_not_create_it(api_as, demo):
    api_as("ot").get(comments_url(demo.maya_recs[2]))
    assert not Thread.objects.filter(recommendation=demo.maya_recs[2]).exists()


def test_unread_counts_follow_each_members_read_marker(api_as, demo):
    first, second = demo.maya_recs[0], demo.maya_recs[1]
    for i in range(3):
        post(api_as, "ot", first, body=f"ot {i}")
    post(api_as, "slp", second, body="slp")
    gone = post(api_as, "slp", second, body="deleted soon").json()
    api_as("slp").delete(f"/api/v1/comments/{gone['id']}/")

    unread = api_as("parent.maya").get(f"/api/v1/ieps/{demo.maya_iep.id}/unread/").json()
    assert unread == {"iep": demo.maya_iep.id, "total": 4, "recommendations": {str(first.id): 3, str(second.id): 1}}
    own = api_as("ot").get(f"/api/v1/ieps/{demo.maya_iep.id}/unread/").json()
    assert own["recommendations"] == {str(second.id): 1}  # one's own comments are never unread

    assert api_as("parent.maya").post(f"/api/v1/recommendations/{first.id}/read/").status_code == 200
    after = api_as("parent.maya").get(f"/api/v1/ieps/{demo.maya_iep.id}/unread/").json()
    assert after["total"] == 1 and after["recommendations"] == {str(second.id): 1}
    post(api_as, "ot", first, body="new one")
    assert api_as("parent.maya").get(f"/api/v1/ieps/{demo.maya_iep.id}/unread/").json()["total"] == 2
    assert api_as("parent.leo").get(f"/api/v1/ieps/{demo.maya_iep.id}/unread/").status_code == 404


def test_the_thread_list_query_count_is_flat(api_as, demo, django_assert_max_num_queries):
    rec = demo.maya_recs[0]
    client = api_as("parent.maya")
    post(api_as, "ot", rec, body="one")
    with django_assert_max_num_queries(12):
        client.get(comments_url(rec))
    for i in range(60):
        post(api_as, "ot", rec, body=f"more {i}")
    with django_assert_max_num_queries(12):
        assert len(client.get(comments_url(rec)).json()["results"]) == 50


def test_marking_read_up_to_a_comment_leaves_later_ones_unread_and_never_moves_back(api_as, demo):
    from apps.discussions import services
    from apps.discussions.selectors import thread_of, unread_counts_for

    rec = demo.maya_recs[0]
    shown = post(api_as, "ot", rec, body="seen").json()
    post(api_as, "ot", rec, body="arrived after the page rendered")
    services.thread_mark_read(actor=demo.parent_maya, thread=thread_of(rec), up_to=shown["id"])
    assert unread_counts_for(demo.parent_maya, demo.maya_iep) == {rec.id: 1}
    services.thread_mark_read(actor=demo.parent_maya, thread=thread_of(rec))
    services.thread_mark_read(actor=demo.parent_maya, thread=thread_of(rec), up_to=shown["id"])
    assert unread_counts_for(demo.parent_maya, demo.maya_iep) == {}


def test_an_evaluator_gets_no_unread_counts_for_recommendations_outside_the_dispute(demo):
    from apps.discussions import services
    from apps.discussions.selectors import thread_of, unread_counts_for
    from apps.ieps.services import evaluator_scope_set
    from apps.students.services import membership_grant

    for rec in demo.maya_recs[:2]:
        services.comment_create(actor=demo.ot, thread=thread_of(rec), body="on the team's side")
    membership = membership_grant(student=demo.maya, user=demo.evaluator, role="evaluator")
    evaluator_scope_set(membership=membership, recommendation_ids=[demo.maya_recs[0].id])
    assert unread_counts_for(demo.evaluator, demo.maya_iep) == {demo.maya_recs[0].id: 1}
