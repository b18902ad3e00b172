"""Deadlines that follow an IEP's lifecycle, which apps.ieps announces (apps.ieps.lifecycle):
annual review and reevaluation while the IEP is in force, and the parents' answer to a proposal."""
from datetime import date

from django.utils import timezone

from apps.ieps import lifecycle
from apps.students.models import Membership, Role, active_membership_q

from .models import Deadline, Kind
from .services import deadline_move, deadline_open, open_deadlines_of, workflow_deadlines_close


def _people(student_id, role) -> list[int]:
    return list(Membership.objects.filter(active_membership_q(), student_id=student_id, role=role)
                .values_list("user_id", flat=True))


def _follow_date(iep, kind: str, due_on: date | None) -> None:
    source = ("iep", iep.id)
    current = list(open_deadlines_of(kind=kind, source=source))
    if due_on is None:
        workflow_deadlines_close(kind=kind, source=source, met=False)
        return
    if current:
        for deadline in current:
            deadline_move(deadline, due_on=due_on)
        return
    deadline_open(kind=kind, student=iep.student, iep=iep, due_on=due_on, source=source,
                  owners=_people(iep.student_id, Role.CASE_MANAGER), watchers=_people(iep.student_id, Role.PARENT))


def on_iep_lifecycle(event: str, iep, actor) -> None:
    source = ("iep", iep.id)
    if event in (lifecycle.CREATED, lifecycle.DATES_CHANGED):
        _follow_date(iep, Kind.ANNUAL_REVIEW, iep.annual_review_due)
        _follow_date(iep, Kind.REEVALUATION, iep.reevaluation_due)
    elif event == lifecycle.PROPOSED:
        if not open_deadlines_of(kind=Kind.CONSENT_RESPONSE, source=source).exists():
            deadline_open(kind=Kind.CONSENT_RESPONSE, student=iep.student, iep=iep, source=source, actor=actor,
                          starts_on=timezone.localdate(), owners=_people(iep.student_id, Role.PARENT),
                          watchers=_people(iep.student_id, Role.CASE_MANAGER))
    elif event == lifecycle.RETURNED_TO_DRAFT:
        workflow_deadlines_close(kind=Kind.CONSENT_RESPONSE, source=source, met=False)
    elif event == lifecycle.ACTIVATED:
        workflow_deadlines_close(kind=Kind.CONSENT_RESPONSE, source=source, met=True)
    elif event == lifecycle.SUPERSEDED:
        # The new IEP holds the review and carries the reevaluation date forward with its own deadlines.
        workflow_deadlines_close(kind=Kind.ANNUAL_REVIEW, source=source, met=True)
        workflow_deadlines_close(kind=Kind.REEVALUATION, source=source, met=False)
        workflow_deadlines_close(kind=Kind.CONSENT_RESPONSE, source=source, met=False)


__all__ = ["on_iep_lifecycle", "Deadline"]
