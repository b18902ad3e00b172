from django.db.models import QuerySet

from apps.core.errors import Forbidden
from apps.students.policy import may_view_access_log

from .models import AccessLog


def access_log_for(*, user, student) -> QuerySet[AccessLog]:
    """Parents and district administrators read the record of who opened the child's file."""
    if not may_view_access_log(user, student):
        raise Forbidden("Only the child's parents and district administrators may read the access record.")
    return AccessLog.objects.filter(student=student).select_related("user")
