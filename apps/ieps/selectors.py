"""Reads of IEPs and recommendations, always through the child's visibility."""
from django.db.models import Count, Q, QuerySet

from apps.core.errors import NotFound
from apps.students.models import Membership, Role, active_membership_q
from apps.students.selectors import students_visible_to
from apps.students.standing import Standing, standing_of, standings_for

from .models import (
    IEP, Event, EvaluatorScope, Position, PositionRecord, Recommendation, RecommendationVersion, Signature, Suggestion,
)


def _evaluator_scope(user):
    """(children the person sees only as an evaluator, recommendation ids their scope allows)."""
    memberships = Membership.objects.filter(active_membership_q(), user=user, role=Role.EVALUATOR)
    scoped = EvaluatorScope.objects.filter(membership__in=memberships)
    return memberships.values("student_id"), scoped.values("recommendation_id")


def ieps_visible_to(user) -> QuerySet[IEP]:
    """The IEPs of visible children; an evaluator sees only the IEPs holding disputed recommendations."""
    evaluated_students, allowed = _evaluator_scope(user)
    return IEP.objects.filter(
        Q(student__in=students_visible_to(user).values("id"))
        & (~Q(student__in=evaluated_students) | Q(id__in=Recommendation.objects.filter(id__in=allowed).values("iep_id")))
    ).select_related("student")


def iep_get_for(user, iep_id) -> IEP:
    return iep_and_standing_for(user, iep_id)[0]


def iep_and_standing_for(user, iep_id) -> tuple[IEP, Standing]:
    """The IEP (404 unless the person may see it) and their standing on its child, worked out once:
    the caller hands the standing on to the policy and selectors it asks next. An evaluator sees
    only the IEPs holding a recommendation in their scope."""
    iep = IEP.objects.select_related("student__district", "student__school").filter(id=iep_id).first()
    if iep is None:
        raise NotFound()
    standing = standing_of(user, iep.student)
    if not _standing_sees_iep(standing, iep):
        raise NotFound()
    return iep, standing


def ieps_and_standings_for(pairs) -> dict[tuple[int, int], tuple[IEP, Standing] | None]:
    """iep_and_standing_for for many (user, IEP id) pairs at once, keyed by (user id, IEP id), None
    where it answers 404: three queries whatever their number, plus one per evaluator. The live
    channel re-checks every socket due in a second this way, not one socket at a time."""
    pairs = list(pairs)
    ieps = {iep.id: iep for iep in IEP.objects.select_related("student__district", "student__school")
            .filter(id__in={iep_id for _user, iep_id in pairs})}
    standings = standings_for([(user, ieps[iep_id].student) for user, iep_id in pairs if iep_id in ieps])
    found = {}
    for user, iep_id in pairs:
        iep = ieps.get(iep_id)
        standing = standings.get((user.id, iep.student_id)) if iep is not None else None
        seen = standing is not None and _standing_sees_iep(standing, iep)
        found[(user.id, iep_id)] = (iep, standing) if seen else None
    return found


def _standing_sees_iep(standing, iep) -> bool:
    # An evaluator sees only the IEPs holding a recommendation in their scope.
    if not standing.sees_child:
        return False
    if standing.is_evaluator:
        return Recommendation.objects.filter(iep=iep, id__in=standing.scope or ()).exists()
    return True


def recommendations_visible_to(user) -> QuerySet[Recommendation]:
    evaluated_students, allowed = _evaluator_scope(user)
    return Recommendation.objects.filter(
        Q(iep__in=ieps_visible_to(user).values("id"))
        & (~Q(iep__student__in=evaluated_students) | Q(id__in=allowed))
    ).select_related("author", "iep__student")


def with_positions_summary(recommendations: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    """Each recommendation's count of current positions per stance, in the same query (a list's
    summaries cost nothing per item; representations.positions_summary_of reads them)."""
    return recommendations.annotate(**{
        f"positions_{stance}": Count("positions", filter=Q(positions__stance=stance), distinct=True)
        for stance in Position.Stance.values
    })


def recommendation_get_for(who, recommendation_id) -> Recommendation:
    return recommendation_and_standing_for(who, recommendation_id, summary=True)[0]


def recommendation_and_standing_for(user, recommendation_id, *, summary: bool = False
                                    ) -> tuple[Recommendation, Standing]:
    """The recommendation (404 unless the person may see it) and the person's standing on its
    child, worked out once: the caller hands the standing on to the services and policy it calls.
    `summary`: with the count of positions per stance (with_positions_summary)."""
    rows = Recommendation.objects.select_related("author", "iep__student")
    rec = (with_positions_summary(rows) if summary else rows).filter(id=recommendation_id).first()
    if rec is None:
        raise NotFound()
    standing = standing_of(user, rec.iep.student)
    if not standing.sees_recommendation(rec.id):
        raise NotFound()
    return rec, standing


def recommendations_of(iep, who) -> QuerySet[Recommendation]:
    """`who`: a user, or their standing on the IEP's child."""
    hidden = hidden_recommendation_ids(who, iep)
    return with_positions_summary(
        Recommendation.objects.filter(iep=iep).exclude(id__in=hidden).select_related("author")).order_by("id")


def hidden_recommendation_ids(who, iep) -> set[int]:
    """The recommendations of a visible IEP this person may still not see (an evaluator's
    view stops at the ones in dispute). Empty for everyone else."""
    standing = standing_of(who, iep.student)
    if not standing.is_evaluator:
        return set()
    return set(Recommendation.objects.filter(iep=iep).exclude(id__in=standing.scope or ())
               .values_list("id", flat=True))


def versions_of(recommendation) -> QuerySet[RecommendationVersion]:
    return RecommendationVersion.objects.filter(recommendation=recommendation).select_related("edited_by")


def positions_of(recommendation) -> QuerySet[Position]:
    return Position.objects.filter(recommendation=recommendation).select_related("user", "recommendation")


def position_history_of(recommendation) -> QuerySet[PositionRecord]:
    """Every position ever given on it, oldest first."""
    return PositionRecord.objects.filter(recommendation=recommendation).select_related("user").order_by("id")


def suggestions_of(recommendation, *, open_only: bool = False) -> QuerySet[Suggestion]:
    rows = Suggestion.objects.filter(recommendation=recommendation)
    if open_only:
        rows = rows.filter(status=Suggestion.Status.OPEN)
    return rows.select_related("author", "decided_by", "recommendation").order_by("id")


def suggestion_get_for(user, suggestion_id) -> Suggestion:
    """404 unless the person may see the suggestion's recommendation."""
    suggestion = Suggestion.objects.select_related("recommendation").filter(id=suggestion_id).first()
    if suggestion is None:
        raise NotFound()
    recommendation_get_for(user, suggestion.recommendation_id)
    return suggestion


def events_after(iep, after: int = 0) -> QuerySet[Event]:
    return Event.objects.filter(iep=iep, seq__gt=after).order_by("seq")


def recommendation_scope_for(who, iep) -> set[int] | None:
    """None when the person sees every recommendation of the IEP; for an evaluator, the ids their
    scope allows (as it is now, or as the standing handed in read it). Anything not in it is
    hidden: a recommendation created later too."""
    standing = standing_of(who, iep.student)
    if not standing.is_evaluator:
        return None
    return set(standing.scope or ())


def is_redacted(scope: set[int] | None, recommendation_id: int | None) -> bool:
    """Whether an event about this recommendation is hidden from someone with this scope. Events
    about the IEP itself (its status) are for everyone who may see the IEP."""
    return scope is not None and recommendation_id is not None and recommendation_id not in scope


def event_presenter_for(who, iep):
    """Turns events into what this person may see: out-of-scope ones redacted, never skipped,
    so the sequence a client holds stays gapless."""
    scope = recommendation_scope_for(who, iep)
    return lambda event: event.as_message(redacted=is_redacted(scope, event.recommendation_id))


def event_redacted_now(user_id: int, iep_id: int, recommendation_id: int | None) -> bool:
    """For an evaluator's open socket, one event at the moment it is sent: hidden unless their
    evaluator scope allows its recommendation now. Read afresh (no memo on a long-lived user), so
    a recommendation created after they connected, or a scope that changed meanwhile, counts."""
    if recommendation_id is None:
        return False
    evaluating = Membership.objects.filter(active_membership_q(), user_id=user_id, role=Role.EVALUATOR,
                                           student__ieps=iep_id)
    return not EvaluatorScope.objects.filter(membership__in=evaluating, recommendation_id=recommendation_id,
                                             recommendation__iep_id=iep_id).exists()


def iep_last_seq(iep_id) -> int:
    """The IEP's last event number (for a socket's heartbeat; visibility was checked on connect)."""
    return IEP.objects.filter(id=iep_id).values_list("last_event_seq", flat=True).first() or 0


def signatures_of(iep, who) -> list[Signature]:
    """Every signature on the IEP, oldest first, each marked `current` when it names the IEP's
    content hash as it is now. An evaluator sees the decisions on their disputed recommendations only."""
    from .content_hash import content_hash

    current = content_hash(iep)
    hidden = hidden_recommendation_ids(who, iep)
    rows = list(Signature.objects.filter(iep=iep).select_related("signer").prefetch_related("decisions")
                .order_by("signed_at", "id"))
    for row in rows:
        row.current = row.content_hash == current
        row.visible_decisions = [d for d in row.decisions.all() if d.recommendation_id not in hidden]
    return rows
