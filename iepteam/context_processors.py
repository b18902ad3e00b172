"""The page header's context. It lives in iepteam/, which wires the apps together, because it
reads two domain apps (students for the role, notifications for the bell) and apps.core knows no
domain (DESIGN.md, "Layers")."""
import functools

from django.utils.functional import SimpleLazyObject

from apps.notifications.selectors import unread_notification_count
from apps.students.selectors import role_summary_for


def person(request):
    """The signed-in person's header line: name, the role they hold here, unread notifications.

    Lazy: each value is read only when a template shows it, so pages that do not (the 500 page,
    rendered when the database may be the thing that failed) never touch the database."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}

    def role_summary():
        return role_summary_for(user)

    @functools.cache
    def unread():
        # A callable: the template calls it, and gets a real int to count and compare.
        return unread_notification_count(user)

    return {"person_role": SimpleLazyObject(role_summary), "unread_notifications": unread}
