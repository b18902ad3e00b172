"""Every write in a discussion. Each change and its live event come from the same function."""
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from apps.core.errors import ApplicationError, Conflict, Forbidden
from apps.ieps.events import event_append
from apps.notifications.services import Message, notify
from apps.students.selectors import team_user_ids
from apps.students.standing import Standing, standing_for

from . import formatting
from .models import Comment, CommentRevision, Mention, ReadMarker, Thread
from .policy import is_comment_author, may_change_thread_state, may_post_as, may_read_thread
from .representations import comment_data

BODY_MAX = 10_000


def _clean_body(body: str) -> str:
    body = formatting.clean_text(body or "")
    if not body:
        raise ApplicationError(_("Write something first."), fields={"body": [_("The comment is empty.")]})
    if len(body) > BODY_MAX:
        raise ApplicationError(
            _("A comment can be at most %(n)s characters.") % {"n": BODY_MAX},
            fields={"body": [_("Too long.")]},
        )
    return body


def _saved(thread: Thread) -> Thread:
    if thread.pk is None:
        saved, _created = Thread.objects.get_or_create(
            recommendation_id=thread.recommendation_id, defaults={"iep_id": thread.iep_id}
        )
        thread.pk = thread.id = saved.id
        thread.status = saved.status
    return thread


def _event(comment: Comment, type: str, actor) -> None:
    thread = comment.thread
    event_append(iep_id=thread.iep_id, type=type, data=comment_data(comment), actor=actor,
                 recommendation_id=thread.recommendation_id or thread.about_recommendation_id)


def _mentionable(actor, thread: Thread, mentioned: set[int]) -> list:
    """The people a comment may mention: members of the child's team who may read this thread
    (an evaluator only in the threads of the recommendations in dispute). Anyone else is refused."""
    if not mentioned:
        return []
    from apps.accounts.models import User

    strangers = mentioned - set(team_user_ids(thread.iep.student_id))
    if strangers:
        raise ApplicationError(
            _("You can only mention members of this child's team."),
            fields={"mentions": [_("Not on the team: %s") % ", ".join(map(str, sorted(strangers)))]},
        )
    people = list(User.objects.filter(id__in=mentioned - {actor.id}).order_by("id"))
    unable = [u.id for u in people if not may_read_thread(u, thread)]
    if unable:
        raise ApplicationError(
            _("You can only mention people who may read this discussion."),
            fields={"mentions": [_("May not read this discussion: %s") % ", ".join(map(str, unable))]},
        )
    return people


@transaction.atomic
def comment_create(*, actor, thread: Thread, body: str, parent_id: int | None = None,
                   mentions: list[int] | None = None, standing: Standing | None = None) -> Comment:
    """`standing`: the author's standing on the child, when the caller already worked it out
    (students.standing); read here otherwise."""
    student = thread.iep.student
    if standing is None or standing.student_id != student.id or standing.user_id != actor.id:
        standing = standing_for(actor, student)
    if not may_post_as(standing, thread):
        raise Forbidden(_("You may read this discussion but not post in it."))
    body = _clean_body(body)
    thread = _saved(thread)
    # Its status as it is now, held until commit: a comment and a resolve of the same thread
    # run one after the other, so no comment lands in a thread resolved meanwhile.
    thread.status = Thread.objects.select_for_update().values_list("status", flat=True).get(id=thread.id)
    if thread.status == Thread.Status.RESOLVED:
        raise Conflict(_("This discussion is resolved. Reopen it to continue."), code="thread_resolved")
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(id=parent_id, thread=thread).first()
        if parent is None:
            raise ApplicationError(
                _("You can only reply to a comment in the same discussion."),
                fields={"parent": [_("Not a comment of this discussion.")]},
            )
    mentioned = _mentionable(actor, thread, set(mentions or []))
    comment = Comment.objects.create(thread=thread, parent=parent, author=actor,
                                     author_role=standing.role or "", body=body)
    comment.author = actor
    comment.thread = thread
    if mentioned:
        Mention.objects.bulk_create([Mention(comment=comment, user_id=u.id) for u in mentioned])
        # The comment itself is read in the product, where access is checked and recorded: the
        # notification (and its e-mail) only says who mentioned them where.
        notify(
            mentioned,
            "mention",
            Message(gettext_lazy("%(who)s mentioned you in %(child)s's IEP discussion"), who=actor.full_name,
                    child=student.first_name),
            gettext_lazy("Open the discussion to read it and reply."),
            url=f"/ieps/{thread.iep_id}/#comment-{comment.id}",
        )
    _notify_reply_and_question(actor, thread, comment, parent, skip={u.id for u in mentioned} | {actor.id})
    ReadMarker.objects.update_or_create(thread=thread, user=actor, defaults={"last_read_comment_id": comment.id})
    _event(comment, "comment.created", actor)
    return comment


def _notify_reply_and_question(actor, thread: Thread, comment: Comment, parent: Comment | None, skip: set) -> None:
    """A reply tells the person replied to; a message in a questions thread (no recommendation:
    an independent evaluator's questions) tells the family and the school staff. Each in their
    own language; a mention already told someone, so nobody hears of one comment twice. Like a
    mention, it says who wrote where, never what: the comment is read in the product."""
    from apps.accounts.models import User
    from apps.students.models import Membership, Role, active_membership_q

    student = thread.iep.student
    if parent is not None and parent.author_id not in skip and not parent.deleted:
        skip = skip | {parent.author_id}
        notify([parent.author], "comment.reply",
               Message(gettext_lazy("%(who)s replied to your comment about %(child)s"), who=actor.full_name,
                       child=student.first_name),
               gettext_lazy("Open the discussion to read it and reply."),
               url=f"/ieps/{thread.iep_id}/#comment-{comment.id}", about=("comment", comment.id))
    if thread.recommendation_id is None:
        team = Membership.objects.filter(active_membership_q(), student=student,
                                         role__in=(Role.PARENT, Role.CASE_MANAGER, Role.CLINICIAN))
        people = list(User.objects.filter(id__in=team.values("user_id")).exclude(id__in=skip))
        notify(people, "evaluation.question",
               Message(gettext_lazy("%(who)s asked the team a question about %(child)s"), who=actor.full_name,
                       child=student.first_name),
               gettext_lazy("Open the discussion to read it and reply."),
               url=f"/ieps/{thread.iep_id}/evaluations/#comment-{comment.id}", about=("comment", comment.id))


def _lock_own(actor, comment: Comment) -> Comment:
    if not is_comment_author(actor, comment):
        raise Forbidden(_("Only the author may change a comment."))
    locked = Comment.objects.select_for_update().select_related("thread", "author").get(id=comment.id)
    if locked.deleted:
        raise Conflict(_("This comment was deleted."), code="comment_deleted")
    return locked


@transaction.atomic
def comment_edit(*, actor, comment: Comment, body: str) -> Comment:
    body = _clean_body(body)
    comment = _lock_own(actor, comment)
    if body == comment.body:
        return comment
    CommentRevision.objects.create(comment=comment, body=comment.body)
    comment.body = body
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    _event(comment, "comment.edited", actor)
    return comment


@transaction.atomic
def comment_delete(*, actor, comment: Comment) -> Comment:
    """A tombstone: the thread keeps its shape (replies stay), the text moves to the history."""
    comment = _lock_own(actor, comment)
    CommentRevision.objects.create(comment=comment, body=comment.body)
    comment.deleted_at = timezone.now()
    comment.save(update_fields=["deleted_at"])
    _event(comment, "comment.deleted", actor)
    return comment


def _set_state(actor, thread: Thread, status: str, event_type: str) -> Thread:
    if not may_change_thread_state(actor, thread):
        raise Forbidden(_("Only the child's team may resolve or reopen a discussion."))
    thread = _saved(thread)
    locked = Thread.objects.select_for_update().get(id=thread.id)
    if locked.status == status:
        raise Conflict(_("The discussion is already %(s)s.") % {"s": locked.get_status_display().lower()},
                       code="already_" + status)
    locked.status = status
    locked.resolved_by = actor if status == Thread.Status.RESOLVED else None
    locked.resolved_at = timezone.now() if status == Thread.Status.RESOLVED else None
    locked.save(update_fields=["status", "resolved_by", "resolved_at"])
    event_append(iep_id=locked.iep_id, type=event_type, actor=actor, recommendation_id=locked.recommendation_id, data={
        "thread": locked.id, "recommendation": locked.recommendation_id, "status": status,
        "by": {"id": actor.id, "full_name": actor.full_name},
        "at": locked.resolved_at.isoformat() if locked.resolved_at else None,
    })
    locked.iep = thread.iep
    return locked


@transaction.atomic
def thread_resolve(*, actor, thread: Thread) -> Thread:
    return _set_state(actor, thread, Thread.Status.RESOLVED, "thread.resolved")


@transaction.atomic
def thread_reopen(*, actor, thread: Thread) -> Thread:
    return _set_state(actor, thread, Thread.Status.OPEN, "thread.reopened")


@transaction.atomic
def thread_mark_read(*, actor, thread: Thread, up_to: int | None = None) -> ReadMarker:
    """Marks the thread read up to `up_to` (the newest comment the person was shown), or to its
    newest comment. A marker never moves back."""
    thread = _saved(thread)
    latest = Comment.objects.filter(thread=thread).aggregate(m=Max("id"))["m"] or 0
    target = latest if up_to is None else min(up_to, latest)
    marker, _created = ReadMarker.objects.select_for_update().get_or_create(thread=thread, user=actor)
    if target > marker.last_read_comment_id:
        marker.last_read_comment_id = target
        marker.save(update_fields=["last_read_comment_id", "updated_at"])
    return marker


@transaction.atomic
def thread_open_questions(*, iep, title: str, about_recommendation_id: int | None = None) -> Thread:
    """A thread that belongs to no recommendation: an independent evaluator's questions."""
    return Thread.objects.create(iep=iep, title=title[:200], about_recommendation_id=about_recommendation_id)
