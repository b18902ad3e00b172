"""The access record. Written inside the request that read the record, never later."""
from django.utils.translation import gettext_noop

from apps.accounts.selectors import admin_district_ids
from apps.students.models import Membership, Role, active_membership_q
from apps.students.selectors import role_for

from .models import AccessLog

PURPOSES = {
    Role.CASE_MANAGER: gettext_noop("IEP team work"),
    Role.CLINICIAN: gettext_noop("IEP team work"),
    Role.DISTRICT_ADMIN: gettext_noop("District administration"),
    Role.EVALUATOR: gettext_noop("independent evaluation"),
}


def _logged(role) -> bool:
    """A child's own parents reading their child's record are not logged: the law asks for a
    record of others' access. Nor is someone with no role for the child (they read nothing of it)."""
    return role is not None and role != Role.PARENT


def access_record(*, actor, student, obj, action: str = "view", purpose: str | None = None,
                  standing=None) -> AccessLog | None:
    """Logs one read by staff, administrators and evaluators, now. `standing`: the actor's on this
    child, when the caller already worked it out (no query for the role)."""
    role = role_for(standing or actor, student)
    if not _logged(role):
        return None
    return AccessLog.objects.create(
        user=actor,
        role=role,
        student=student,
        action=action,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        purpose=purpose or PURPOSES.get(role, ""),
    )


def access_record_administration(*, actor, student, obj, action: str, purpose: str) -> AccessLog:
    """Logs an operator's opening of a child's record in the Django admin. An operator is on no
    team, so `access_record` above would log nothing; the law asks for every other person's access."""
    return AccessLog.objects.create(
        user=actor, role="operator", student=student, action=action,
        object_type=obj._meta.model_name, object_id=obj.pk, purpose=purpose,
    )


def _roles(actor, reads, standings) -> dict[int, str | None]:
    """The actor's role for each child read, in one query whatever the number of children (none
    for a child whose standing the view worked out and handed to the ledger)."""
    standings = {sid: s for sid, s in standings.items() if s.user_id == actor.id}
    roles = {r.student_id: standings[r.student_id].role for r in reads if r.student_id in standings}
    rest = [r for r in reads if r.student_id not in roles]
    if not rest:
        return roles
    memberships = dict(
        Membership.objects.filter(active_membership_q(), user=actor, student_id__in=[r.student_id for r in rest])
        .values_list("student_id", "role")
    )
    admin_of = set(admin_district_ids(actor)) if len(memberships) < len({r.student_id for r in rest}) else set()
    roles.update({r.student_id: memberships.get(r.student_id)
                  or (Role.DISTRICT_ADMIN if r.district_id in admin_of else None) for r in rest})
    return roles


def access_records_write(*, actor, reads, standings=None) -> list[AccessLog]:
    """One entry per child read in a request (apps.audit.recording gathers them, with the standings
    the request's views worked out: student id -> Standing)."""
    roles = _roles(actor, reads, standings or {})
    return AccessLog.objects.bulk_create([
        AccessLog(user=actor, role=roles[r.student_id], student_id=r.student_id, action=r.action,
                  object_type=r.object_type, object_id=r.object_id, purpose=PURPOSES.get(roles[r.student_id], ""))
        for r in reads if _logged(roles[r.student_id])
    ])
