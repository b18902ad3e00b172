"""Who may write what on an IEP. Predicates take (user, student) or (user, recommendation)."""
import rules

from apps.students.policy import (
    is_case_manager_for,
    is_clinician_for,
    is_district_admin_for,
    is_evaluator_for,
    is_team_member,
)

may_create_iep = is_case_manager_for | is_district_admin_for
may_change_iep_status = is_case_manager_for | is_district_admin_for
may_add_recommendation = is_clinician_for | is_case_manager_for
may_take_position = is_team_member & ~is_evaluator_for


@rules.predicate
def is_recommendation_author(user, recommendation):
    return recommendation.author_id == user.id


@rules.predicate
def is_case_manager_of_recommendation(user, recommendation):
    return is_case_manager_for(user, recommendation.iep.student)


may_edit_recommendation = is_recommendation_author | is_case_manager_of_recommendation

rules.add_perm("ieps.add_iep", may_create_iep)
rules.add_perm("ieps.change_iep_status", may_change_iep_status)
rules.add_perm("ieps.add_recommendation", may_add_recommendation)
rules.add_perm("ieps.change_recommendation", may_edit_recommendation)
rules.add_perm("ieps.take_position", may_take_position)
