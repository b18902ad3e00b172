"""Self-contained deadline blocks other apps' pages include: {% attention_panel %} on a home page,
{% student_deadlines student %} on the student and IEP pages."""
from django import template

from ..presentation import deadline_sign, deadline_title
from ..selectors import attention_for, student_deadlines_for

register = template.Library()


def _rows(deadlines):
    return [{"d": d, "title": deadline_title(d), **deadline_sign(d)} for d in deadlines]


@register.inclusion_tag("deadlines/_attention.html", takes_context=True)
def attention_panel(context):
    user = context["request"].user
    groups = attention_for(user)
    from apps.accounts.selectors import admin_district_ids

    return {"groups": [(key, _rows(rows)) for key, rows in groups.items()],
            "empty": not any(groups.values()), "is_district_admin": bool(admin_district_ids(user))}


@register.inclusion_tag("deadlines/_student_deadlines.html", takes_context=True)
def student_deadlines(context, student, iep=None):
    user = context["request"].user
    qs = student_deadlines_for(user, student.id).filter(status="open")
    if iep is not None:
        qs = qs.filter(iep=iep) | student_deadlines_for(user, student.id).filter(status="open", iep__isnull=True)
    return {"rows": _rows(qs.order_by("due_at", "id")), "student": student}


@register.simple_tag
def deadline_sign_of(deadline):
    return deadline_sign(deadline)
