from django.db.models import QuerySet

from apps.core.errors import Forbidden
from apps.students.policy import may_view_access_log

from .models import AccessLog


def access_log_for(*, user, student) -> QuerySet[AccessLog]:
    """Parents and district administrators read the record of who opened the child's file.
    `user`: the reader, or their standing on the child (students.standing)."""
    if not may_view_access_log(user, student):
        raise Forbidden("Only the child's parents and district administrators may read the access record.")
    return AccessLog.objects.filter(student=student).select_related("user")


def access_log_filtered(*, user, student, person=None, role="", since=None, until=None) -> QuerySet[AccessLog]:
    """The record of access, newest first, narrowed to one person, one role and a span of days
    (days in the current time zone, the one the page shows times in)."""
    entries = access_log_for(user=user, student=student)
    if person:
        entries = entries.filter(user_id=person)
    if role:
        entries = entries.filter(role=role)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries.order_by("-at", "-id")


def access_log_people(*, user, student):
    """Everyone who appears in the child's record of access, for the page's "person" filter."""
    from apps.accounts.models import User

    ids = access_log_for(user=user, student=student).values("user_id")
    return User.objects.filter(id__in=ids).order_by("full_name", "id")
