"""Who may do what with deadlines. Predicates take (who, student) or (who, deadline), `who` a user
or their standing on the child (students.standing)."""
import rules

from apps.students.policy import (is_case_manager_for, is_district_admin_for, is_evaluator_for, is_team_member,
                                  may_view_student)
from apps.students.standing import user_id_of

may_add_deadline = is_case_manager_for | is_district_admin_for
# An evaluator's view of the child is scoped to the dispute: they see only their own deadlines.
may_see_student_deadlines = (is_team_member & ~is_evaluator_for) | is_district_admin_for


@rules.predicate
def is_participant(who, deadline):
    # Named on it is not enough: someone taken off the team (or whose engagement ended) stays named
    # on the child's deadlines, and must see them no more.
    return (deadline.participants.filter(user_id=user_id_of(who)).exists()
            and bool(may_view_student(who, deadline.student)))


@rules.predicate
def may_close_deadline(user, deadline):
    return deadline.status == "open" and may_add_deadline(user, deadline.student)


@rules.predicate
def may_see_deadline(user, deadline):
    return is_participant(user, deadline) or may_see_student_deadlines(user, deadline.student)


rules.add_perm("deadlines.add_deadline", may_add_deadline)
rules.add_perm("deadlines.close_deadline", may_close_deadline)
