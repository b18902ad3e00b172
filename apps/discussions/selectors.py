from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from apps.core.errors import NotFound
from apps.ieps.selectors import hidden_recommendation_ids, ieps_visible_to, recommendations_visible_to

from .models import Comment, ReadMarker, Thread


def thread_of(recommendation) -> Thread:
    """Every recommendation has a thread. Until someone writes in it, it is an unsaved, open one
    (a read never writes); services save it on first use."""
    thread = Thread.objects.filter(recommendation=recommendation).first() or Thread(
        recommendation=recommendation, iep_id=recommendation.iep_id
    )
    thread.recommendation = recommendation
    thread.iep = recommendation.iep
    return thread


def comments_of(thread) -> QuerySet[Comment]:
    if thread.pk is None:
        return Comment.objects.none()
    return Comment.objects.filter(thread=thread).select_related("author", "thread").order_by("id")


def comments_listed(thread) -> QuerySet[Comment]:
    """comments_of for the list endpoint: only the columns its rows show (comment_row), the
    author's name joined in; the thread is the one already in hand."""
    return (comments_of(thread).select_related(None).select_related("author")
            .only("id", "thread_id", "parent_id", "author_id", "author__full_name", "author_role", "body",
                  "created_at", "edited_at", "deleted_at"))


def threads_visible_to(user) -> QuerySet[Thread]:
    """Threads on visible recommendations, threads about them (an evaluator's questions), and the
    visible IEPs' free-standing threads."""
    recommendations = recommendations_visible_to(user).values("id")
    return Thread.objects.filter(
        Q(recommendation__in=recommendations)
        | Q(recommendation__isnull=True, about_recommendation__in=recommendations)
        | Q(recommendation__isnull=True, about_recommendation__isnull=True,
            iep__in=ieps_visible_to(user).values("id"))
    )


def thread_visible_to(user, thread) -> bool:
    """Whether this person may read the thread (one not yet written in is its recommendation's)."""
    if thread.pk is None:
        return recommendations_visible_to(user).filter(id=thread.recommendation_id).exists()
    return threads_visible_to(user).filter(id=thread.pk).exists()


def comments_visible_to(user) -> QuerySet[Comment]:
    """Comments of the threads the person may read."""
    return Comment.objects.filter(thread__in=threads_visible_to(user)).select_related(
        "author", "thread__iep__student", "thread__recommendation")


def comment_get_for(user, comment_id) -> Comment:
    comment = comments_visible_to(user).filter(id=comment_id).first()
    if comment is None:
        raise NotFound()
    return comment


def unread_counts_for(user, iep, standing=None) -> dict[int, int]:
    """Unread comments per recommendation thread: others' live comments past the reader's marker.
    `standing`: the reader's on the child, when the caller already worked it out."""
    marker = ReadMarker.objects.filter(thread=OuterRef("thread_id"), user=user).values("last_read_comment_id")[:1]
    rows = (
        Comment.objects.filter(thread__iep=iep, thread__recommendation__isnull=False, deleted_at__isnull=True)
        .exclude(author=user)
        .annotate(read_upto=Coalesce(Subquery(marker), Value(0)))
        .filter(id__gt=F("read_upto"))
        .values("thread__recommendation_id")
        .annotate(n=Count("id"))
    )
    hidden = hidden_recommendation_ids(standing or user, iep)  # an evaluator's view stops at the disputed ones
    return {row["thread__recommendation_id"]: row["n"] for row in rows
            if row["thread__recommendation_id"] not in hidden}


def thread_summaries_of(user, iep, standing=None) -> dict:
    """The IEP page's discussion summary: per visible recommendation its comment count, state and
    unread count, and the IEP's unread total. A constant number of queries for any IEP."""
    unread = unread_counts_for(user, iep, standing)
    rows = (
        Thread.objects.filter(iep=iep, recommendation__isnull=False)
        .annotate(n=Count("comments", filter=Q(comments__deleted_at__isnull=True)))
        .values_list("recommendation_id", "status", "n")
    )
    recs = {rec_id: {"count": n, "resolved": status == Thread.Status.RESOLVED, "unread": unread.get(rec_id, 0)}
            for rec_id, status, n in rows}
    for rec_id, n in unread.items():
        recs.setdefault(rec_id, {"count": 0, "resolved": False, "unread": n})
    return {"recs": recs, "total": sum(unread.values())}


