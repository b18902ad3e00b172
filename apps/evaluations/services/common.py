"""What the evaluation services share: locking, state checks, events, audiences, text."""
from datetime import datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import DistrictMembership, User
from apps.core.errors import ApplicationError, Conflict, Forbidden
from apps.ieps.events import event_append
from apps.students.models import Membership, Role, active_membership_q

from ..models import WORKING, EvaluationRequest
from ..policy import may_work_on

Status = EvaluationRequest.Status
TEXT_MAX = 20_000


def locked(request: EvaluationRequest) -> EvaluationRequest:
    """The request's row, locked for this transaction: two transitions never interleave. Only this
    row: PostgreSQL would otherwise lock the joined IEP and student rows too."""
    return EvaluationRequest.objects.select_for_update(of=("self",)).select_related("iep__student").get(id=request.id)


def refuse_unless(status_ok: bool, request: EvaluationRequest, what: str) -> None:
    if not status_ok:
        raise Conflict(
            _("This evaluation is %(status)s: %(what)s is not possible now.")
            % {"status": request.get_status_display().lower(), "what": what},
            code="invalid_transition",
        )


def anchor_of(request: EvaluationRequest) -> int | None:
    """The recommendation an evaluation's events and questions are filed under: one of those in
    dispute. The team sees them all; an evaluator on another request of the same IEP (whose scope
    is other recommendations) gets them redacted."""
    return request.disputed.order_by("recommendation_id").values_list("recommendation_id", flat=True).first()


def record_event(request: EvaluationRequest, type: str, actor, data: dict | None = None) -> None:
    """An evaluation's event; its data never holds draft findings."""
    payload = {"id": request.id, "iep": request.iep_id, "status": request.status}
    payload.update(data or {})
    event_append(iep_id=request.iep_id, type=type, data=payload, actor=actor, recommendation_id=anchor_of(request))


def team_of(request: EvaluationRequest) -> list[User]:
    """Parents, case managers and clinicians of the child (not the evaluator)."""
    return [m.user for m in Membership.objects.filter(
        active_membership_q(), student_id=request.iep.student_id,
        role__in=(Role.PARENT, Role.CASE_MANAGER, Role.CLINICIAN),
    ).select_related("user")]


def district_admins_of(request: EvaluationRequest) -> list[User]:
    return list(User.objects.filter(
        district_memberships__district_id=request.iep.student.district_id,
        district_memberships__role=DistrictMembership.Role.ADMIN, is_active=True,
    ))


def link_to(request: EvaluationRequest) -> str:
    return f"/ieps/{request.iep_id}/#evaluation-{request.id}"


def clean_text(text: str | None, limit: int = TEXT_MAX) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise ApplicationError(_("This text is too long (at most %(n)s characters).") % {"n": limit})
    return text


def end_of_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def start_work(actor, request: EvaluationRequest) -> None:
    """The first draft change after attesting: attested → in progress."""
    if request.status == Status.ATTESTED:
        request.status = Status.IN_PROGRESS
        request.started_at = timezone.now()
        request.save(update_fields=["status", "started_at"])
        record_event(request, "evaluation.started", actor)


def require_working(actor, request: EvaluationRequest, what: str) -> None:
    if request.evaluator_id == actor.id and request.status == Status.EVALUATOR_ASSIGNED:
        raise Forbidden(_("Attest your independence first: until then nothing of the case is shown."))
    if not may_work_on(actor, request):
        raise Forbidden(_("Only the assigned independent evaluator may do this."))
    if request.status not in WORKING:
        raise Conflict(_("The findings were submitted and are sealed: %(what)s is not possible. "
                         "A correction is an amendment.") % {"what": what}, code="sealed")
