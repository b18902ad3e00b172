"""Every write on IEPs, recommendations and positions. Each checks permission, validates,
saves and records the team's event in one transaction."""
from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError, Conflict, Forbidden
from apps.students.models import Student
from apps.students.selectors import role_for

from . import lifecycle
from .events import event_append
from .models import (
    IEP,
    VERSIONED_FIELDS,
    EvaluatorScope,
    Position,
    PositionRecord,
    Recommendation,
    RecommendationVersion,
)
from .policy import (
    positions_open_on,
    NEXT_STATUS,
    may_add_recommendation,
    may_change_iep_status,
    may_create_iep,
    may_edit_iep_dates,
    may_edit_recommendation,
    may_set_recommendation_status,
    may_take_position,
)
from .representations import IEPOut, position_data, recommendation_data


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def iep_create(*, actor, student: Student, meeting_at: date, last_evaluated_on: date | None = None) -> IEP:
    if not may_create_iep(actor, student):
        raise Forbidden(_("Only the case manager or a district administrator may start an IEP."))
    if last_evaluated_on is None:
        previous = IEP.objects.filter(student=student).exclude(last_evaluated_on=None).order_by("-meeting_at").first()
        last_evaluated_on = previous.last_evaluated_on if previous else None
    _check_evaluation_before_meeting(meeting_at, last_evaluated_on)
    iep = IEP.objects.create(
        student=student,
        meeting_at=meeting_at,
        last_evaluated_on=last_evaluated_on,
        annual_review_due=_due(meeting_at, 1, "meeting_at"),
        reevaluation_due=_due(last_evaluated_on, 3, "last_evaluated_on") if last_evaluated_on else None,
        created_by=actor,
    )
    lifecycle.announce(lifecycle.CREATED, iep, actor)
    return iep


@transaction.atomic
def iep_update_dates(*, actor, iep: IEP, meeting_at: date, last_evaluated_on: date | None = None) -> IEP:
    """Fixes a draft's meeting and last evaluation dates; the due dates follow from them."""
    if not may_create_iep(actor, iep.student):
        raise Forbidden(_("Only the case manager or a district administrator may change an IEP's dates."))
    iep = IEP.objects.select_for_update().select_related("student").get(id=iep.id)
    if not may_edit_iep_dates(actor, iep):
        raise Conflict(_("Only a draft's dates can change; this IEP is %(status)s.")
                       % {"status": iep.get_status_display()}, code="iep_locked")
    _check_evaluation_before_meeting(meeting_at, last_evaluated_on)
    iep.meeting_at = meeting_at
    iep.last_evaluated_on = last_evaluated_on
    iep.annual_review_due = _due(meeting_at, 1, "meeting_at")
    iep.reevaluation_due = _due(last_evaluated_on, 3, "last_evaluated_on") if last_evaluated_on else None
    iep.save(update_fields=["meeting_at", "last_evaluated_on", "annual_review_due", "reevaluation_due"])
    event_append(iep_id=iep.id, type="iep.updated", data=dict(IEPOut(iep).data), actor=actor)
    lifecycle.announce(lifecycle.DATES_CHANGED, iep, actor)
    return iep


def _check_evaluation_before_meeting(meeting_at: date, last_evaluated_on: date | None) -> None:
    if last_evaluated_on and last_evaluated_on > meeting_at:
        raise ApplicationError(
            _("The last evaluation cannot be after the meeting."),
            fields={"last_evaluated_on": [_("Must be on or before the meeting date.")]},
        )


def _due(day: date, years: int, field: str) -> date:
    # A due date past 9999-12-31 cannot be stored: the date given is a typo, not a plan.
    try:
        return _add_years(day, years)
    except ValueError:
        raise ApplicationError(_("That date is too far in the future."),
                               fields={field: [_("Enter a date before the year 9997.")]}) from None


# Higher apps say why an IEP may not become active yet (an independent evaluation the team has
# not considered); ieps never imports them. Each check answers a reason for a person, or None.
ACTIVATION_CHECKS: list[Callable[[IEP], str | None]] = []


def register_activation_check(check: Callable[[IEP], str | None]) -> None:
    """Called from a higher app's AppConfig.ready(); registering twice is harmless."""
    if check not in ACTIVATION_CHECKS:
        ACTIVATION_CHECKS.append(check)


@transaction.atomic
def iep_set_status(*, actor, iep: IEP, status: str) -> IEP:
    """draft → proposed → draft. Activation is not a step a person takes by hand: it follows from
    every parent's answer (apps/ieps/consent.py), so asking for it here is answered 409."""
    if not may_change_iep_status(actor, iep.student):
        raise Forbidden(_("Only the case manager or a district administrator may change an IEP's status."))
    iep = IEP.objects.select_for_update().get(id=iep.id)
    if status == IEP.Status.ACTIVE:
        raise Conflict(_("An IEP becomes active only when every parent on the team has answered the proposal "
                         "(consent or decline for each recommendation, and a signature)."), code="consent_required")
    if status not in NEXT_STATUS.get(iep.status, set()):
        raise Conflict(
            _("An IEP that is %(now)s cannot become %(next)s.")
            % {"now": iep.get_status_display(), "next": IEP.Status(status).label},
            code="invalid_transition",
        )
    iep.status = status
    iep.save(update_fields=["status"])
    step = {IEP.Status.PROPOSED: lifecycle.PROPOSED, IEP.Status.DRAFT: lifecycle.RETURNED_TO_DRAFT}[status]
    lifecycle.announce(step, iep, actor)
    event_append(iep_id=iep.id, type="iep.status_changed", data={"id": iep.id, "status": status}, actor=actor)
    return iep


def activation_refusal(iep: IEP) -> str | None:
    """The first reason a higher app gives why this IEP may not become active yet, or None."""
    for check in ACTIVATION_CHECKS:
        reason = check(iep)
        if reason:
            return reason
    return None


def _activate(iep: IEP, actor) -> IEP:
    """Makes a locked, proposed IEP active, superseding the child's previous active IEP; called
    inside the transaction that recorded the last parent's answer (apps/ieps/consent.py)."""
    reason = activation_refusal(iep)
    if reason:
        raise Conflict(reason, code="activation_blocked")
    previous = list(IEP.objects.select_for_update().filter(student_id=iep.student_id, status=IEP.Status.ACTIVE)
                    .exclude(id=iep.id))
    IEP.objects.filter(id__in=[p.id for p in previous]).update(status=IEP.Status.SUPERSEDED)
    for old in previous:
        old.status = IEP.Status.SUPERSEDED
        lifecycle.announce(lifecycle.SUPERSEDED, old, actor)
        event_append(iep_id=old.id, type="iep.status_changed", data={"id": old.id, "status": old.status},
                     actor=actor)
    iep.status = IEP.Status.ACTIVE
    iep.activated_at = timezone.now()
    iep.save(update_fields=["status", "activated_at"])
    lifecycle.announce(lifecycle.ACTIVATED, iep, actor)
    event_append(iep_id=iep.id, type="iep.status_changed", data={"id": iep.id, "status": iep.status}, actor=actor)
    return iep


def _check_service_fields(kind, minutes):
    if minutes is not None and minutes < 0:
        raise ApplicationError(_("Minutes cannot be negative."), fields={"minutes_per_week": [_("Must be 0 or more.")]})
    if kind != Recommendation.Kind.SERVICE and minutes is not None:
        raise ApplicationError(
            _("Only services have minutes per week."), fields={"minutes_per_week": [_("Only for services.")]}
        )


def _snapshot(rec: Recommendation, actor, note: str = "") -> RecommendationVersion:
    return RecommendationVersion.objects.create(
        recommendation=rec,
        version=rec.version,
        edited_by=actor,
        change_note=note,
        **{f: getattr(rec, f) for f in VERSIONED_FIELDS},
    )


def _locked_iep(iep_id: int) -> IEP:
    """The IEP's row, locked until commit: a change checked against its status cannot interleave
    with a status change (a recommendation added to an IEP that is being activated)."""
    return IEP.objects.select_for_update().get(id=iep_id)


def _require_editable(iep: IEP):
    if not iep.is_editable:
        raise Conflict(_("This IEP is %(status)s; it cannot be changed.") % {"status": iep.get_status_display()},
                       code="iep_locked")


@transaction.atomic
def recommendation_create(*, actor, iep: IEP, kind: str, title: str, rationale: str, area: str = "",
                          description: str = "", minutes_per_week: int | None = None,
                          setting: str = "") -> Recommendation:
    if not may_add_recommendation(actor, iep.student):
        raise Forbidden(_("Only clinicians and the case manager may add recommendations."))
    _require_editable(_locked_iep(iep.id))
    if not rationale.strip():
        raise ApplicationError(_("Every recommendation needs its rationale."), fields={"rationale": [_("Required.")]})
    _check_service_fields(kind, minutes_per_week)
    rec = Recommendation.objects.create(
        iep=iep, author=actor, kind=kind, title=title, rationale=rationale, area=area,
        description=description, minutes_per_week=minutes_per_week, setting=setting,
    )
    _snapshot(rec, actor)
    event_append(iep_id=iep.id, type="recommendation.created", data=recommendation_data(rec), actor=actor,
                 recommendation_id=rec.id)
    return rec


@transaction.atomic
def recommendation_update(*, actor, recommendation: Recommendation, change_note: str = "", **changes) -> Recommendation:
    """A change makes a new version; earlier versions stay as they were."""
    if not may_edit_recommendation(actor, recommendation):
        raise Forbidden(_("Only the author or the case manager may change this recommendation."))
    rec = Recommendation.objects.select_for_update().select_related("iep", "author").get(id=recommendation.id)
    _require_editable(rec.iep)
    unknown = set(changes) - set(VERSIONED_FIELDS)
    if unknown:
        raise ApplicationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    changed = {k: v for k, v in changes.items() if getattr(rec, k) != v}
    if not changed:
        return rec
    if "rationale" in changed and not str(changed["rationale"]).strip():
        raise ApplicationError(_("Every recommendation needs its rationale."), fields={"rationale": [_("Required.")]})
    _check_service_fields(changed.get("kind", rec.kind), changed.get("minutes_per_week", rec.minutes_per_week))
    if "status" in changed and not may_set_recommendation_status(actor, rec, changed["status"]):
        raise Forbidden(_("Only the case manager records whether the team accepted or declined a recommendation."))
    for field, value in changed.items():
        setattr(rec, field, value)
    rec.version += 1
    rec.save(update_fields=[*changed, "version", "updated_at"])
    _snapshot(rec, actor, change_note)
    event_append(iep_id=rec.iep_id, type="recommendation.updated", data=recommendation_data(rec), actor=actor,
                 recommendation_id=rec.id)
    return rec


@transaction.atomic
def position_set(*, actor, recommendation: Recommendation, stance: str, basis: str = "", observed_in: str = "",
                 examples: str = "") -> Position:
    """The member's current position, given on the recommendation's current version. The same
    position again on the same version changes nothing; on a newer version it confirms the
    position for that version. Every change is a new row of the history."""
    student = recommendation.iep.student
    if not may_take_position(actor, student):
        raise Forbidden(_("Only members of the child's team record positions."))
    # The recommendation's row first: two PUTs of one member's position (whose row may not exist
    # yet, so there is nothing else to lock) run one after the other, and a new version cannot
    # slip in between reading the version and saving the position on it; the IEP's, to read its
    # status as it is now.
    rec = Recommendation.objects.select_for_update().only("id", "version", "iep_id", "consent").get(
        id=recommendation.id)
    iep = _locked_iep(recommendation.iep_id)
    if not positions_open_on(rec, iep):
        _require_editable(iep)
    wanted = {"role": role_for(actor, student), "stance": stance, "basis": basis, "observed_in": observed_in,
              "examples": examples, "given_on_version": rec.version}
    position = Position.objects.filter(recommendation=recommendation, user=actor).first()
    if position is not None and all(getattr(position, k) == v for k, v in wanted.items()):
        position.user = actor
        position.recommendation = rec
        return position  # the same position again: the same answer, nothing new for the team
    position, _created = Position.objects.update_or_create(recommendation=recommendation, user=actor,
                                                           defaults=wanted)
    PositionRecord.objects.create(recommendation_id=rec.id, user=actor, **wanted)
    position.user = actor
    position.recommendation = rec
    event_append(iep_id=recommendation.iep_id, type="position.updated", data=position_data(position), actor=actor,
                 recommendation_id=recommendation.id)
    return position


@transaction.atomic
def evaluator_scope_set(*, membership, recommendation_ids: list[int]) -> None:
    """What an evaluator's membership shows: only these recommendations of the child's IEPs."""
    EvaluatorScope.objects.filter(membership=membership).exclude(recommendation_id__in=recommendation_ids).delete()
    have = set(EvaluatorScope.objects.filter(membership=membership).values_list("recommendation_id", flat=True))
    EvaluatorScope.objects.bulk_create(
        [EvaluatorScope(membership=membership, recommendation_id=r) for r in recommendation_ids if r not in have]
    )
