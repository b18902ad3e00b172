"""Template helpers that ask the students policy (the same predicates the services use)."""
from django import template

from apps.students import policy

register = template.Library()


@register.filter
def is_parent_of(user, student):
    """`{% if user|is_parent_of:student %}`: a parent's pages start at their child, not the district."""
    return bool(student) and bool(user) and user.is_authenticated and policy.is_parent_of(user, student)
