"""Who may talk where. Evaluators read the team's threads but post only in their own
questions thread; district administrators read, the team talks."""
import rules

from apps.students.standing import standing_of, user_id_of

from .selectors import thread_visible_to


@rules.predicate
def may_post_in(who, thread):
    """`who`: a user, or their standing on the thread's child (students.standing)."""
    standing = standing_of(who, thread.iep.student)
    if thread.recommendation_id is None:
        return standing.on_team
    return standing.on_team and not standing.is_evaluator


def may_post_as(standing, thread) -> bool:
    """may_post_in for a standing the caller already worked out (the same rule: it is may_post_in)."""
    return may_post_in(standing, thread)


@rules.predicate
def may_change_thread_state(who, thread):
    standing = standing_of(who, thread.iep.student)
    return standing.on_team and not standing.is_evaluator


@rules.predicate
def may_read_thread(user, thread):
    """Who may read the thread is who may be mentioned in it: a mention sends them there."""
    return thread_visible_to(user, thread)


@rules.predicate
def is_comment_author(who, comment):
    return comment.author_id == user_id_of(who)


rules.add_perm("discussions.post_comment", may_post_in)
rules.add_perm("discussions.resolve_thread", may_change_thread_state)
rules.add_perm("discussions.change_comment", is_comment_author)
rules.add_perm("discussions.read_thread", may_read_thread)
