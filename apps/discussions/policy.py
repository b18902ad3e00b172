"""Who may talk where. Evaluators read the team's threads but post only in their own
questions thread; district administrators read, the team talks."""
import rules

from apps.students.policy import is_evaluator_for, is_team_member

from .selectors import thread_visible_to


def may_post_as(standing, thread) -> bool:
    """The rule of may_post_in, for a standing the caller already worked out (students.standing)."""
    if thread.recommendation_id is None:
        return standing.on_team
    return standing.on_team and not standing.is_evaluator


@rules.predicate
def may_post_in(user, thread):
    student = thread.iep.student
    if thread.recommendation_id is None:
        return is_team_member(user, student)
    return is_team_member(user, student) and not is_evaluator_for(user, student)


@rules.predicate
def may_change_thread_state(user, thread):
    student = thread.iep.student
    return is_team_member(user, student) and not is_evaluator_for(user, student)


@rules.predicate
def may_read_thread(user, thread):
    """Who may read the thread is who may be mentioned in it: a mention sends them there."""
    return thread_visible_to(user, thread)


@rules.predicate
def is_comment_author(user, comment):
    return comment.author_id == user.id


rules.add_perm("discussions.post_comment", may_post_in)
rules.add_perm("discussions.resolve_thread", may_change_thread_state)
rules.add_perm("discussions.change_comment", is_comment_author)
rules.add_perm("discussions.read_thread", may_read_thread)
