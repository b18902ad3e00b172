"""The deadline blocks of other apps' pages, registered with apps.ieps.panels in
DeadlinesConfig.ready(): "What needs my attention" on the home page, and a child's open deadlines
on the student and IEP pages."""
from django.utils.translation import gettext_lazy as _

from apps.accounts.selectors import admin_district_ids

from .presentation import deadline_sign, deadline_title
from .selectors import attention_for, student_deadlines_for


def _rows(deadlines):
    return [{"d": d, "title": deadline_title(d), **deadline_sign(d)} for d in deadlines]


def attention(request, _subject=None, _standing=None) -> dict:
    groups = attention_for(request.user)
    return {"groups": [(key, _rows(rows)) for key, rows in groups.items()],
            "empty": not any(groups.values()), "is_district_admin": bool(admin_district_ids(request.user))}


def student_deadlines(request, student, standing=None) -> dict:
    rows = (student_deadlines_for(request.user, student.id, student=student, standing=standing)
            .filter(status="open").order_by("due_at", "id"))
    return {"rows": _rows(rows), "student": student}


def iep_deadlines(request, iep, standing=None) -> dict:
    """The IEP's own open deadlines and the child's that belong to no IEP (a meeting, say)."""
    mine = student_deadlines_for(request.user, iep.student_id, student=iep.student, standing=standing)
    rows = (mine.filter(status="open", iep=iep) | mine.filter(status="open", iep__isnull=True)).order_by("due_at", "id")
    return {"rows": _rows(rows), "student": iep.student}


def register():
    from apps.ieps.panels import register_panel

    register_panel("deadlines.attention", "deadlines/_attention.html", attention, order=5, slot="home")
    register_panel("deadlines.student", "deadlines/_student_deadlines.html", student_deadlines, order=10,
                   slot="student")
    register_panel("deadlines.iep", "deadlines/_student_deadlines.html", iep_deadlines, order=5,
                   toc_label=_("Deadlines"), toc_anchor="deadlines")
