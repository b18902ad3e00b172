"""The request's life outside the evaluator's work: asking, the district's decision, the team's
acknowledgements, and its endings (withdrawn, closed, revoked)."""
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from apps.core.errors import ApplicationError, Conflict, Forbidden
from apps.ieps.models import IEP, Recommendation
from apps.notifications.services import Message, notify

from ..models import ENGAGED, WITHDRAWABLE, Acknowledgement, DisputedRecommendation, EvaluationRequest, funded_q
from ..policy import may_acknowledge, may_close, may_decide, may_request_for_student, may_revoke, may_withdraw
from ..selectors import (
    acknowledgement_state,
    evaluation_request_reload,
    role_on_team,
    sealed_version,
    unconsidered_evaluations,
)
from .common import (
    Status,
    clean_text,
    district_admins_of,
    link_to,
    locked,
    record_event,
    refuse_unless,
    team_of,
)
from .deadlines import decision_deadline_met, decision_deadline_open, decision_due_for, deadlines_cancelled
from .engagement import evaluator_access_sync


# Request and decision -----------------------------------------------------------------------

@transaction.atomic
def evaluation_request_create(*, actor, iep: IEP, recommendation_ids: list[int], areas: list[str] | None = None,
                              reason: str = "") -> EvaluationRequest:
    """A parent (or the case manager) asks for an independent evaluation at public expense. The
    law asks no reason of them; the district must decide without unnecessary delay."""
    student = iep.student
    if not may_request_for_student(actor, student):
        raise Forbidden(_("Only the child's parents or case manager may ask for an independent evaluation."))
    # The IEP's status as it is now, held until commit: not superseded by an activation meanwhile.
    iep.status = IEP.objects.select_for_update().values_list("status", flat=True).get(id=iep.id)
    if iep.status == IEP.Status.SUPERSEDED:
        raise Conflict(_("This IEP was superseded; ask about the current one."), code="iep_superseded")
    wanted = list(dict.fromkeys(recommendation_ids))
    if not wanted:
        raise ApplicationError(_("Choose the recommendations you disagree with."),
                               fields={"recommendations": [_("Choose at least one.")]})
    recs = {r.id: r for r in Recommendation.objects.filter(iep=iep, id__in=wanted)}
    strangers = [r for r in wanted if r not in recs]
    if strangers:
        raise ApplicationError(_("Every disputed recommendation must belong to this IEP."),
                               fields={"recommendations": [_("Not in this IEP: %s") % ", ".join(map(str, strangers))]})
    areas = [a.strip() for a in (areas or []) if a and a.strip()]
    request = EvaluationRequest.objects.create(
        iep=iep, requested_by=actor, areas=areas, reason=clean_text(reason),
        decision_due=decision_due_for(iep),
    )
    decision_deadline_open(request, actor)
    DisputedRecommendation.objects.bulk_create(
        [DisputedRecommendation(request=request, recommendation=recs[r], version=recs[r].version) for r in wanted]
    )
    record_event(request, "evaluation.requested", actor, {
        "requested_by": {"id": actor.id, "full_name": actor.full_name},
        "recommendations": wanted, "decision_due": request.decision_due.isoformat(),
    })
    notify(district_admins_of(request), "evaluation.requested",
           Message(gettext_lazy("Independent evaluation requested for %(child)s"), child=student.first_name),
           Message(gettext_lazy("%(who)s asked for an independent evaluation at public expense. Decide by "
                                "%(due)s: fund it, or file for due process."),
                   who=actor.full_name, due=request.decision_due.isoformat()),
           url=link_to(request))
    return request


@transaction.atomic
def evaluation_request_decide(*, actor, request: EvaluationRequest, decision: str, note: str = "",
                              cost_cap: Decimal | None = None, report_due=None, due_process_reference: str = "",
                              purchase_reference: str = "") -> EvaluationRequest:
    if not may_decide(actor, request):
        raise Forbidden(_("Only a district administrator decides on an independent evaluation."))
    request = locked(request)
    # Decisions on one IEP run one at a time, so two approvals cannot both fund the same dispute.
    IEP.objects.select_for_update().only("id").get(id=request.iep_id)
    refuse_unless(request.status == Status.REQUESTED, request, _("a decision"))
    note = clean_text(note)
    if decision == EvaluationRequest.Decision.DENY:
        missing = {}
        if not note:
            missing["note"] = [_("Explain the denial to the family.")]
        if not (due_process_reference or "").strip():
            missing["due_process_reference"] = [_("A denial means the district files for due process: give "
                                                  "the filing's reference.")]
        if missing:
            raise ApplicationError(_("A denial needs a note and the due-process filing."), fields=missing)
        request.status = Status.DENIED
        request.due_process_reference = due_process_reference.strip()
    elif decision == EvaluationRequest.Decision.APPROVE:
        if cost_cap is None or cost_cap <= 0:
            raise ApplicationError(_("An approval records the cost cap."),
                                   fields={"cost_cap": [_("Give the most the district pays.")]})
        report_due = report_due or timezone.localdate() + timedelta(days=settings.EVALUATION_REPORT_DAYS)
        if report_due <= timezone.localdate():
            raise ApplicationError(_("The report due date must be in the future."),
                                   fields={"report_due": [_("Choose a later date.")]})
        latest = timezone.localdate() + timedelta(days=settings.EVALUATION_REPORT_MAX_DAYS)
        if report_due > latest:
            raise ApplicationError(
                _("The report due date can be at most %(n)s days from today.") % {"n": settings.EVALUATION_REPORT_MAX_DAYS},
                fields={"report_due": [_("Choose a date on or before %(day)s.") % {"day": latest.isoformat()}]})
        mine = set(DisputedRecommendation.objects.filter(request=request).values_list("recommendation_id", flat=True))
        funded = (EvaluationRequest.objects.filter(funded_q(), disputed__recommendation_id__in=mine)
                  .exclude(id=request.id).distinct().first())
        if funded is not None:
            theirs = set(funded.disputed.values_list("recommendation_id", flat=True))
            titles = Recommendation.objects.filter(id__in=mine & theirs).values_list("title", flat=True)
            raise Conflict(
                _("The district already funds (or funded) an independent evaluation of %(what)s "
                  "(request %(id)s, %(status)s): one publicly funded evaluation per dispute.")
                % {"what": "; ".join(titles), "id": funded.id, "status": funded.get_status_display().lower()},
                code="already_funded",
            )
        request.status = Status.APPROVED
        request.cost_cap = cost_cap
        request.report_due = report_due
        request.purchase_reference = (purchase_reference or "").strip()
    else:
        raise ApplicationError(_("Decide approve or deny."), fields={"decision": [_("approve or deny")]})
    request.decision = decision
    request.decision_note = note
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decision", "decision_note", "decided_by", "decided_at", "cost_cap",
                                "report_due", "purchase_reference", "due_process_reference"])
    decision_deadline_met(request)
    record_event(request, "evaluation.decided", actor, {
        "decision": decision, "decision_note": note, "due_process_reference": request.due_process_reference,
        "report_due": request.report_due.isoformat() if request.report_due else None,
    })
    child = request.iep.student.first_name
    if decision == EvaluationRequest.Decision.APPROVE:
        subject = Message(gettext_lazy("Independent evaluation for %(child)s approved"), child=child)
        text = Message(gettext_lazy("The district will fund it. The report is due by %(due)s."),
                       due=request.report_due.isoformat())
    else:
        subject = Message(gettext_lazy("Independent evaluation for %(child)s denied"), child=child)
        # The district's note is read on the request, not carried in the notification.
        text = Message(gettext_lazy("The district has filed for due process (%(ref)s); a hearing officer will decide."),
                       ref=request.due_process_reference)
    recipients = {u.id: u for u in [request.requested_by, *team_of(request)]}
    notify(list(recipients.values()), "evaluation.decided", subject, text, url=link_to(request))
    return request


# The team considers it ----------------------------------------------------------------------

@transaction.atomic
def evaluation_request_acknowledge(*, actor, request: EvaluationRequest) -> Acknowledgement:
    if not may_acknowledge(actor, request):
        raise Forbidden(_("Each member of the child's team records that they considered the findings."))
    request = locked(request)
    refuse_unless(request.status in (Status.SUBMITTED, Status.CONSIDERED), request, _("acknowledging"))
    fresh = evaluation_request_reload(request.id)
    version = sealed_version(fresh)
    ack, created = Acknowledgement.objects.get_or_create(
        request=request, findings_version=version, user=actor, defaults={"role": role_on_team(fresh, actor.id)})
    if not created:
        return ack
    record_event(request, "evaluation.acknowledged", actor, {
        "user": {"id": actor.id, "full_name": actor.full_name}, "role": ack.role, "at": ack.at.isoformat(),
        "findings_version": version.version,
    })
    if request.status == Status.SUBMITTED and not acknowledgement_state(evaluation_request_reload(request.id)).pending:
        request.status = Status.CONSIDERED
        request.considered_at = timezone.now()
        request.save(update_fields=["status", "considered_at"])
        record_event(request, "evaluation.considered", actor, {"considered_at": request.considered_at.isoformat()})
    return ack


# Endings ------------------------------------------------------------------------------------

def _end(actor, request: EvaluationRequest, status: str, note: str, event: str) -> EvaluationRequest:
    had_access = request.status in ENGAGED
    request.status = status
    request.ended_at = timezone.now()
    request.ended_by = actor
    request.end_note = note
    request.save(update_fields=["status", "ended_at", "ended_by", "end_note"])
    deadlines_cancelled(request)
    if had_access and request.evaluator_id:
        evaluator_access_sync(request.evaluator, request.iep.student_id)
    record_event(request, event, actor, {"ended_at": request.ended_at.isoformat(), "note": note})
    return request


@transaction.atomic
def evaluation_request_withdraw(*, actor, request: EvaluationRequest, note: str = "") -> EvaluationRequest:
    if not may_withdraw(actor, request):
        raise Forbidden(_("Only the person who asked for the evaluation may withdraw it."))
    request = locked(request)
    refuse_unless(request.status in WITHDRAWABLE, request, _("withdrawing"))
    request = _end(actor, request, Status.WITHDRAWN, clean_text(note), "evaluation.withdrawn")
    recipients = district_admins_of(request) + ([request.evaluator] if request.evaluator_id else [])
    notify(recipients, "evaluation.withdrawn", gettext_lazy("An independent evaluation request was withdrawn"),
           gettext_lazy("The request was withdrawn before the findings were submitted."), url="")
    return request


@transaction.atomic
def evaluation_request_close(*, actor, request: EvaluationRequest, note: str = "") -> EvaluationRequest:
    if not may_close(actor, request):
        raise Forbidden(_("Only a district administrator or the case manager closes an evaluation."))
    request = locked(request)
    refuse_unless(request.status == Status.CONSIDERED, request, _("closing"))
    return _end(actor, request, Status.CLOSED, clean_text(note), "evaluation.closed")


@transaction.atomic
def evaluation_request_revoke(*, actor, request: EvaluationRequest, note: str = "") -> EvaluationRequest:
    """Ends the evaluator's engagement now; their access ends with it."""
    if not may_revoke(actor, request):
        raise Forbidden(_("Only a district administrator revokes an engagement."))
    request = locked(request)
    refuse_unless(request.evaluator_id is not None and request.status in (Status.EVALUATOR_ASSIGNED, *ENGAGED),
                  request, _("revoking the engagement"))
    note = clean_text(note)
    if not note:
        raise ApplicationError(_("Say why the engagement ends."), fields={"note": [_("Required.")]})
    evaluator, had_attested = request.evaluator, request.status in ENGAGED
    request = _end(actor, request, Status.REVOKED, note, "evaluation.revoked")
    # Their access ends now: the notification says so and carries nothing of the case (the
    # district's reason included; it stays on the request).
    notify([evaluator], "evaluation.revoked", gettext_lazy("Your evaluation engagement was ended by the district"),
           gettext_lazy("Your access to the case has ended.") if had_attested
           else gettext_lazy("The district ended the engagement before it began."), url="")
    return request


# For apps.ieps: an IEP does not become active over an evaluation the team has not considered.

def unconsidered_evaluation_reason(iep) -> str | None:
    pending = unconsidered_evaluations(iep)
    if not pending:
        return None
    request, state = pending[0]
    names = ", ".join(m.user.full_name for m in state.pending)
    return _("The team has not yet considered the independent evaluation (request %(id)s): waiting for "
             "%(names)s.") % {"id": request.id, "names": names}
