"""The evaluation's deadlines, opened and met through apps.deadlines (which knows no workflow):
the district's decision, then the evaluator's report."""
from django.utils import timezone

from apps.deadlines.models import Kind
from apps.deadlines.services import (
    deadline_open,
    deadline_set_people,
    due_date_for,
    open_deadlines_of,
    workflow_deadlines_cancel_all,
    workflow_deadlines_close,
)

from ..models import EvaluationRequest
from .common import district_admins_of


def _source(request: EvaluationRequest) -> tuple[str, int]:
    return ("evaluation_request", request.id)


def decision_due_for(iep) -> "date":  # noqa: F821
    """When the district must decide: its period for the decision, counted on its calendar."""
    return due_date_for(student=iep.student, kind=Kind.EVALUATION_DECISION, start=timezone.localdate())


def decision_deadline_open(request: EvaluationRequest, actor) -> None:
    deadline_open(kind=Kind.EVALUATION_DECISION, student=request.iep.student, iep=request.iep,
                  starts_on=timezone.localdate(), source=_source(request), actor=actor,
                  owners=district_admins_of(request), watchers=[request.requested_by])


def decision_deadline_moved(deadline) -> None:
    """The district changed its period or calendar and the decision's deadline moved: the
    request says the same date (its page, the queue, the API), while it waits for the decision."""
    if deadline.kind == Kind.EVALUATION_DECISION:
        EvaluationRequest.objects.filter(id=deadline.source_id, status=EvaluationRequest.Status.REQUESTED).update(
            decision_due=deadline.due_on)


def decision_deadline_met(request: EvaluationRequest) -> None:
    workflow_deadlines_close(kind=Kind.EVALUATION_DECISION, source=_source(request), met=True)
    if request.status == EvaluationRequest.Status.APPROVED:
        deadline_open(kind=Kind.EVALUATION_REPORT, student=request.iep.student, iep=request.iep,
                      due_on=request.report_due, source=_source(request), owners=district_admins_of(request))


def report_deadline_to_evaluator(request: EvaluationRequest) -> None:
    """Owned by the administrators until the evaluator attests, then by the evaluator."""
    for deadline in open_deadlines_of(kind=Kind.EVALUATION_REPORT, source=_source(request)):
        deadline_set_people(deadline, owners=[request.evaluator], watchers=district_admins_of(request))


def report_deadline_met(request: EvaluationRequest) -> None:
    workflow_deadlines_close(kind=Kind.EVALUATION_REPORT, source=_source(request), met=True)


def deadlines_cancelled(request: EvaluationRequest) -> None:
    workflow_deadlines_cancel_all(source=_source(request))
