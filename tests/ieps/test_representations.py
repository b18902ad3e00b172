"""The hot lists build their rows as plain dicts; each row is exactly what the serializer that
describes it in the schema would answer (so clients and the contract see no difference)."""
from datetime import timedelta

from django.utils import timezone

from apps.discussions.models import Comment, Thread
from apps.discussions.representations import CommentOut, comment_row
from apps.ieps.representations import RecommendationOut, recommendation_row
from apps.ieps.selectors import recommendations_of
from apps.discussions.selectors import comments_listed, comments_of, thread_of


def test_a_recommendation_row_is_what_its_serializer_answers(demo):
    recs = list(recommendations_of(demo.maya_iep, demo.ot))
    assert recs
    for rec in recs:
        assert recommendation_row(rec) == dict(RecommendationOut(rec).data)


def test_a_comment_row_is_what_its_serializer_answers_live_edited_reply_and_deleted(demo):
    rec = demo.maya_recs[0]
    thread, _ = Thread.objects.get_or_create(recommendation=rec, defaults={"iep": rec.iep})
    first = Comment.objects.create(thread=thread, author=demo.ot, author_role="clinician", body="See **this** `x`")
    Comment.objects.create(thread=thread, parent=first, author=demo.parent_maya, author_role="parent", body="Yes",
                           edited_at=timezone.now())
    Comment.objects.create(thread=thread, author=demo.slp, author_role="clinician", body="gone",
                           deleted_at=timezone.now() - timedelta(minutes=1))
    comments = list(comments_of(thread_of(rec)))
    assert len(comments) == 3
    for comment in comments:
        assert comment_row(comment) == dict(CommentOut(comment).data)
    # The list endpoint's narrower rows answer the same, with no query per row.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        listed = [comment_row(c, recommendation_id=rec.id) for c in comments_listed(thread_of(rec))]
    assert listed == [dict(CommentOut(c).data) for c in comments]
    assert len(captured.captured_queries) == 2  # the thread, then its comments with their authors
