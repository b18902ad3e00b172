"""Template helpers that ask the students policy (the same predicates the services use)."""
from django import template

from apps.students import policy
from apps.students.standing import Standing

register = template.Library()


@register.filter
def is_parent_of(who, student):
    """`{% if standing|default:user|is_parent_of:student %}`: a parent's pages start at their child,
    not the district. Asked with the standing the page worked out when it has one (no query)."""
    if not student or not who:
        return False
    if isinstance(who, Standing):
        return who.student_id == student.id and policy.is_parent_of(who, student)
    return who.is_authenticated and policy.is_parent_of(who, student)
