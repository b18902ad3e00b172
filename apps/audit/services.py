"""The access record. Written inside the request that read the record, never later."""
from django.utils.translation import gettext_noop

from apps.students.models import Role
from apps.students.selectors import role_for

from .models import AccessLog

PURPOSES = {
    Role.CASE_MANAGER: gettext_noop("IEP team work"),
    Role.CLINICIAN: gettext_noop("IEP team work"),
    Role.DISTRICT_ADMIN: gettext_noop("District administration"),
    Role.EVALUATOR: gettext_noop("independent evaluation"),
}


def access_record(*, actor, student, obj, action: str = "view", purpose: str | None = None) -> AccessLog | None:
    """Logs a read by staff, administrators and evaluators. A child's own parents reading their
    child's record are not logged: the law asks for a record of others' access."""
    role = role_for(actor, student)
    if role is None or role == Role.PARENT:
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
