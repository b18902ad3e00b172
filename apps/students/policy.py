"""Who may do what with a child's record. Predicates take (user, student)."""
import rules
from django.utils.translation import gettext as _

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
# Seeing pending invitations, resending or cancelling one, removing a member: the same people.
may_manage_invitations = may_invite_member


def removal_refusal(actor, membership, team) -> tuple[str, str] | None:
    """Why this member may not be taken off the team by this person, as (code, sentence), or None.
    `team` is every membership of the child (the service passes them locked)."""
    if membership.user_id == actor.id:
        return "cannot_remove_self", _("You cannot remove yourself from the team.")
    if membership.role == Role.EVALUATOR:
        return "evaluator_membership", _("An independent evaluator leaves the team when the engagement ends.")
    if membership.role == Role.PARENT and not any(m.role == Role.PARENT and m.id != membership.id for m in team):
        return "last_parent", _("A child's team always keeps at least one parent.")
    return None


def may_remove_member(user, membership, team=None) -> bool:
    """For the team page's "Remove" button: the same rule the service checks."""
    if not may_manage_invitations(user, membership.student):
        return False
    return removal_refusal(user, membership, team if team is not None else membership.student.memberships.all()) is None
may_view_access_log = is_parent_of | is_district_admin_for

rules.add_perm("students.view_student", may_view_student)
rules.add_perm("students.invite_member", may_invite_member)
rules.add_perm("students.view_access_log", may_view_access_log)
