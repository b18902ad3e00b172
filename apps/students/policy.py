"""Who may do what with a child's record. Predicates take (who, student): `who` is a user, or the
standing (students.standing) the caller already worked out for that child, so a page that asks
many of them works out the person's membership once. The facts come from the Standing; the rules
are written here, once, whichever of the two is asked."""
import rules
from django.utils.translation import gettext as _

from .models import Role
from .standing import standing_of, user_id_of


@rules.predicate
def is_team_member(who, student):
    return standing_of(who, student).on_team


@rules.predicate
def is_parent_of(who, student):
    return standing_of(who, student).is_parent


@rules.predicate
def is_case_manager_for(who, student):
    return standing_of(who, student).is_case_manager


@rules.predicate
def is_clinician_for(who, student):
    return standing_of(who, student).is_clinician


@rules.predicate
def is_evaluator_for(who, student):
    return standing_of(who, student).is_evaluator


@rules.predicate
def is_district_admin_for(who, student):
    return standing_of(who, student).district_admin


@rules.predicate
def is_school_staff_for(who, student):
    return standing_of(who, student).is_school_staff


@rules.predicate
def may_view_student(who, student):
    """On the team or an administrator of the district: one standing, not one per half."""
    return standing_of(who, student).sees_child

may_invite_member = is_case_manager_for | is_district_admin_for
# Seeing pending invitations, resending or cancelling one, removing a member: the same people.
may_manage_invitations = may_invite_member


def removal_refusal(actor, membership, team) -> tuple[str, str] | None:
    """Why this member may not be taken off the team by this person, as (code, sentence), or None.
    `team` is every membership of the child (the service passes them locked)."""
    if membership.user_id == user_id_of(actor):
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
