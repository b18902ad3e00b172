"""Which children, and which teams, a person may see. Every list and detail starts here."""
from django.db.models import Q, QuerySet

from apps.accounts.selectors import admin_district_ids, admin_districts_of
from apps.core.errors import NotFound

from .models import Invitation, Membership, Role, Student, active_membership_q
from .standing import standing_of


def students_visible_to(user) -> QuerySet[Student]:
    if not user.is_authenticated:
        return Student.objects.none()
    on_team = Membership.objects.filter(active_membership_q(), user=user).values("student_id")
    return Student.objects.filter(Q(id__in=on_team) | Q(district_id__in=admin_districts_of(user))).select_related(
        "school", "district"
    )


def student_get_for(user, student_id) -> Student:
    return student_and_standing_for(user, student_id)[0]


def student_and_standing_for(user, student_id):
    """The child (404 unless the person may see them) and the person's standing on them, worked
    out once for the caller to hand on to the policy and selectors it asks next."""
    student = Student.objects.select_related("school", "district").filter(id=student_id).first()
    if student is None:
        raise NotFound()
    standing = standing_of(user, student)
    if not standing.sees_child:
        raise NotFound()
    return student, standing


def may_see_student(who, student) -> bool:
    """The same rule as students_visible_to, for one child already loaded: on the team, or an
    administrator of the child's district. `who`: a user, or their standing on the child."""
    return standing_of(who, student).sees_child


def role_for(who, student) -> str | None:
    """What the person is to this child: their team role, else district admin, else nothing.
    `who`: a user (read now, never from a memo), or their standing on the child."""
    return standing_of(who, student).role


def team_for(student) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(active_membership_q(), student=student)
        .select_related("user")
        .order_by("role", "user__full_name", "id")
    )


def team_user_ids(student_id) -> list[int]:
    return list(
        Membership.objects.filter(active_membership_q(), student_id=student_id).values_list("user_id", flat=True)
    )


def role_summary_for(user) -> str:
    """One line for the page header: the roles this person holds, for them to recognise."""
    if admin_district_ids(user):
        return str(Role.DISTRICT_ADMIN.label)
    roles = set(Membership.objects.filter(active_membership_q(), user=user).values_list("role", flat=True))
    if not roles:
        return str(Role.EVALUATOR.label) if user.evaluator_organization_id else ""
    return ", ".join(str(Role(r).label) for r in sorted(roles))


def memberships_of(user) -> QuerySet[Membership]:
    return Membership.objects.filter(active_membership_q(), user=user).select_related("student")


def invitations_pending_for(user, student) -> QuerySet:
    """Invitations nobody has answered yet, newest first, for those who manage the team (others: none)."""
    from .policy import may_manage_invitations

    if not may_manage_invitations(user, student):
        return Invitation.objects.none()
    return Invitation.objects.filter(student=student, accepted_at__isnull=True).select_related("invited_by").order_by(
        "-created_at", "-id")


def invitation_get_for(user, invitation_id):
    """A pending invitation of a team this person manages; 404 for anyone else (they never see the list)."""
    from .policy import may_manage_invitations

    invitation = Invitation.objects.select_related("student").filter(id=invitation_id).first()
    if invitation is None or not may_see_student(user, invitation.student) or not may_manage_invitations(
            user, invitation.student):
        raise NotFound()
    return invitation


def member_get_for(user, student, user_id) -> Membership:
    """A member of a team the person may see (404 otherwise)."""
    membership = team_for(student).filter(user_id=user_id).first()
    if membership is None:
        raise NotFound()
    return membership
