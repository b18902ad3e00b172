"""Who may do what with an evaluation request. Predicates take (who, evaluation request), `who` a
user or their standing on the child (students.standing);
the request's IEP and student are loaded with it by the selectors."""
import rules

from apps.students.models import Role
from apps.students.policy import (
    is_case_manager_for,
    is_district_admin_for,
    is_evaluator_for,
    is_parent_of,
)
from apps.students.standing import standing_of, user_id_of

from .models import ENGAGED

# Who the team is, for acknowledging findings and for the pending list: not the evaluator.
ACKNOWLEDGING_ROLES = (Role.PARENT, Role.CASE_MANAGER, Role.CLINICIAN)


@rules.predicate
def may_request_for_student(user, student):
    return is_parent_of(user, student) or is_case_manager_for(user, student)


@rules.predicate
def is_admin_of_request(user, request):
    return is_district_admin_for(user, request.iep.student)


@rules.predicate
def is_case_manager_of_request(user, request):
    return is_case_manager_for(user, request.iep.student)


@rules.predicate
def is_requester(who, request):
    return user_id_of(who) is not None and request.requested_by_id == user_id_of(who)


@rules.predicate
def is_assigned_evaluator(who, request):
    return user_id_of(who) is not None and request.evaluator_id == user_id_of(who)


@rules.predicate
def is_engaged_evaluator(user, request):
    """Assigned, attested, and their evaluator membership of the child is still active."""
    return (is_assigned_evaluator(user, request) and request.status in ENGAGED
            and is_evaluator_for(user, request.iep.student))


@rules.predicate
def is_acknowledging_member(who, request):
    return standing_of(who, request.iep.student).team_role in ACKNOWLEDGING_ROLES


may_decide = is_admin_of_request
may_assign = is_admin_of_request
may_attest = is_assigned_evaluator
may_work_on = is_engaged_evaluator
may_acknowledge = is_acknowledging_member
may_withdraw = is_requester
may_close = is_admin_of_request | is_case_manager_of_request
may_revoke = is_admin_of_request

rules.add_perm("evaluations.request_evaluation", may_request_for_student)
rules.add_perm("evaluations.decide", may_decide)
rules.add_perm("evaluations.assign", may_assign)
rules.add_perm("evaluations.attest", may_attest)
rules.add_perm("evaluations.work_on", may_work_on)
rules.add_perm("evaluations.acknowledge", may_acknowledge)
rules.add_perm("evaluations.withdraw", may_withdraw)
rules.add_perm("evaluations.close", may_close)
rules.add_perm("evaluations.revoke", may_revoke)
