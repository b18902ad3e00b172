"""Who may do what with a child's record. Predicates take (user, student)."""
import rules

from apps.accounts.selectors import admin_district_ids

from .models import Role
from .selectors import membership_for


def _role(user, student):
    membership = membership_for(user, student.id)
    return membership.role if membership else None


@rules.predicate
def is_team_member(user, student):
    return _role(user, student) is not None


@rules.predicate
def is_parent_of(user, student):
    return _role(user, student) == Role.PARENT


@rules.predicate
def is_case_manager_for(user, student):
    return _role(user, student) == Role.CASE_MANAGER


@rules.predicate
def is_clinician_for(user, student):
    return _role(user, student) == Role.CLINICIAN


@rules.predicate
def is_evaluator_for(user, student):
    return _role(user, student) == Role.EVALUATOR


@rules.predicate
def is_district_admin_for(user, student):
    return user.is_authenticated and student.district_id in admin_district_ids(user)


@rules.predicate
def is_school_staff_for(user, student):
    return _role(user, student) in (Role.CASE_MANAGER, Role.CLINICIAN)


may_view_student = is_team_member | is_district_admin_for
may_invite_member = is_case_manager_for | is_district_admin_for
may_view_access_log = is_parent_of | is_district_admin_for

rules.add_perm("students.view_student", may_view_student)
rules.add_perm("students.invite_member", may_invite_member)
rules.add_perm("students.view_access_log", may_view_access_log)
