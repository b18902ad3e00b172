"""Suggested changes to a recommendation, like a review's suggestion: a member proposes new words
or minutes on the version they see; the author or the case manager accepts (a new version, through
the ordinary edit, attributed to both) or declines with a reason; the suggester may withdraw.
Each step is an IEP event and, for the people it concerns, a notification that says who did what
where, never what was written."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import ApplicationError, Conflict, Forbidden
from apps.notifications.messages import Message
from apps.notifications.services import notify
from apps.students.models import Membership, Role, active_membership_q
from apps.students.selectors import role_for

from .events import event_append
from .models import SUGGESTABLE_FIELDS, Recommendation, Suggestion
from .policy import may_edit_recommendation, may_suggest
from .representations import suggestion_data
from .services import (
    _check_service_fields,
    _locked_iep,
    _require_editable,
    recommendation_update,
)

OPEN = Suggestion.Status.OPEN


def _check_changes(rec: Recommendation, changes: dict, *, on_current: bool) -> dict:
    """The changes a suggestion may hold, validated as an edit of this recommendation would be.
    On the current version, answers the ones that differ from it (none: refused); on an older
    one (the person's page was behind), keeps them as made: it reads as out of date until decided."""
    if not isinstance(changes, dict) or not changes:
        raise ApplicationError(_("Suggest at least one change."),
                               fields={"changes": [_("Give at least one of: %s.") % ", ".join(SUGGESTABLE_FIELDS)]})
    unknown = sorted(set(changes) - set(SUGGESTABLE_FIELDS))
    if unknown:
        raise ApplicationError(_("These fields cannot be suggested: %s") % ", ".join(unknown),
                               fields={"changes": [_("Only: %s.") % ", ".join(SUGGESTABLE_FIELDS)]})
    if "title" in changes and not str(changes["title"] or "").strip():
        raise ApplicationError(_("A recommendation needs its title."), fields={"changes.title": [_("Required.")]})
    if "rationale" in changes and not str(changes["rationale"] or "").strip():
        raise ApplicationError(_("Every recommendation needs its rationale."),
                               fields={"changes.rationale": [_("Required.")]})
    try:
        _check_service_fields(rec.kind, changes.get("minutes_per_week", rec.minutes_per_week))
    except ApplicationError as error:
        raise ApplicationError(error.message, fields={"changes.minutes_per_week": error.fields["minutes_per_week"]}) \
            from None
    if not on_current:
        return changes
    differing = {k: v for k, v in changes.items() if getattr(rec, k) != v}
    if not differing:
        raise ApplicationError(_("This suggests nothing new: the recommendation already says that."),
                               code="no_change", fields={"changes": [_("Change at least one value.")]})
    return differing


def _deciders(rec: Recommendation) -> list:
    """The recommendation's author and the child's case managers: who may decide a suggestion."""
    from apps.accounts.models import User

    managers = Membership.objects.filter(active_membership_q(), student_id=rec.iep.student_id,
                                         role=Role.CASE_MANAGER).values("user_id")
    return list(User.objects.filter(id__in=managers) | User.objects.filter(id=rec.author_id))


def _url(suggestion: Suggestion) -> str:
    return f"/recommendations/{suggestion.recommendation_id}/#suggestion-{suggestion.id}"


def _event(suggestion: Suggestion, type: str, actor) -> None:
    event_append(iep_id=suggestion.recommendation.iep_id, type=type, data=suggestion_data(suggestion), actor=actor,
                 recommendation_id=suggestion.recommendation_id)


def _locked(suggestion: Suggestion) -> Suggestion:
    """The suggestion's row, locked until commit: two decisions at once go one after the other,
    and the second finds it no longer open."""
    return (Suggestion.objects.select_for_update(of=("self",))
            .select_related("recommendation__iep__student", "recommendation__author", "author")
            .get(id=suggestion.id))


def _require_iep_editable(iep_id: int) -> None:
    """Suggestions change only while their IEP can: once it is signed (active, superseded) its
    recommendations are immutable (API.md), and so is what was suggested on them. Creating,
    accepting, declining and withdrawing are all refused alike (409 iep_locked), here and nowhere
    else. The IEP's row is read under lock, so a step cannot interleave with its activation."""
    _require_editable(_locked_iep(iep_id))


def _require_open(suggestion: Suggestion) -> None:
    if suggestion.status != OPEN:
        raise Conflict(_("This suggestion was already %(status)s.") % {"status": suggestion.get_status_display().lower()},
                       code="suggestion_closed")


@transaction.atomic
def suggestion_create(*, actor, recommendation: Recommendation, changes: dict, reason: str,
                      base_version: int) -> Suggestion:
    student = recommendation.iep.student
    if not may_suggest(actor, student):
        raise Forbidden(_("Only members of the child's team suggest changes."))
    rec = Recommendation.objects.select_for_update(of=("self",)).select_related("iep", "author").get(
        id=recommendation.id)
    _require_iep_editable(rec.iep_id)
    if not reason.strip():
        raise ApplicationError(_("Say why you suggest it."), fields={"reason": [_("Required.")]})
    if not 1 <= base_version <= rec.version:
        raise ApplicationError(_("There is no version %(n)s of this recommendation.") % {"n": base_version},
                               fields={"base_version": [_("The version you saw: 1 to %(n)s.") % {"n": rec.version}]})
    differing = _check_changes(rec, changes, on_current=base_version == rec.version)
    suggestion = Suggestion.objects.create(recommendation=rec, author=actor, author_role=role_for(actor, student) or "",
                                           changes=differing, reason=reason, base_version=base_version)
    _event(suggestion, "suggestion.created", actor)
    deciders = [u for u in _deciders(rec) if u.id != actor.id]
    notify(deciders, "suggestion.created",
           Message(gettext_lazy("%(who)s suggested a change to a recommendation for %(child)s"),
                   who=actor.full_name, child=student.first_name),
           gettext_lazy("Open the recommendation to compare it and accept or decline it."),
           url=_url(suggestion), about=("suggestion", suggestion.id))
    return suggestion


def _notify_suggester(actor, suggestion: Suggestion) -> None:
    if suggestion.author_id == actor.id:
        return
    student = suggestion.recommendation.iep.student
    accepted = suggestion.status == Suggestion.Status.ACCEPTED
    subject = (gettext_lazy("%(who)s accepted your suggestion for %(child)s") if accepted
               else gettext_lazy("%(who)s declined your suggestion for %(child)s"))
    notify([suggestion.author], "suggestion.decided", Message(subject, who=actor.full_name, child=student.first_name),
           gettext_lazy("Open the recommendation to see the decision."),
           url=_url(suggestion), about=("suggestion", suggestion.id))


def _decide(actor, suggestion: Suggestion, status: str, note: str = "") -> Suggestion:
    suggestion.status = status
    suggestion.decided_by = actor
    suggestion.decision_note = note
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decision_note", "decided_at", "accepted_version"])
    return suggestion


@transaction.atomic
def suggestion_accept(*, actor, suggestion: Suggestion) -> Suggestion:
    """A new version of the recommendation with the suggested changes, its note naming the
    suggestion and both people. Refused (409 stale_suggestion) once the recommendation has moved on
    from the version the suggestion was made on: it would overwrite what changed since."""
    suggestion = _locked(suggestion)
    rec = suggestion.recommendation
    if not may_edit_recommendation(actor, rec):
        raise Forbidden(_("Only the recommendation's author or the case manager may accept a suggestion."))
    _require_open(suggestion)
    rec = Recommendation.objects.select_for_update(of=("self",)).select_related("iep__student", "author").get(id=rec.id)
    if rec.version != suggestion.base_version:
        raise Conflict(
            _("This suggestion was made on version %(base)s; the recommendation is now at version %(now)s. "
              "Compare what changed since, then suggest again or decline it.")
            % {"base": suggestion.base_version, "now": rec.version}, code="stale_suggestion")
    _require_iep_editable(rec.iep_id)
    note = _("Suggestion %(id)s: suggested by %(author)s, accepted by %(actor)s") % {
        "id": suggestion.id, "author": suggestion.author.full_name, "actor": actor.full_name}
    rec = recommendation_update(actor=actor, recommendation=rec, change_note=note[:500], **suggestion.changes)
    suggestion.recommendation = rec
    suggestion.accepted_version = rec.version
    _decide(actor, suggestion, Suggestion.Status.ACCEPTED)
    _event(suggestion, "suggestion.accepted", actor)
    _notify_suggester(actor, suggestion)
    return suggestion


@transaction.atomic
def suggestion_decline(*, actor, suggestion: Suggestion, note: str) -> Suggestion:
    suggestion = _locked(suggestion)
    if not may_edit_recommendation(actor, suggestion.recommendation):
        raise Forbidden(_("Only the recommendation's author or the case manager may decline a suggestion."))
    if not note.strip():
        raise ApplicationError(_("Say why you decline it: the suggester and the team read it."),
                               fields={"note": [_("Required.")]})
    _require_open(suggestion)
    _require_iep_editable(suggestion.recommendation.iep_id)
    _decide(actor, suggestion, Suggestion.Status.DECLINED, note)
    _event(suggestion, "suggestion.declined", actor)
    _notify_suggester(actor, suggestion)
    return suggestion


@transaction.atomic
def suggestion_withdraw(*, actor, suggestion: Suggestion) -> Suggestion:
    suggestion = _locked(suggestion)
    if suggestion.author_id != actor.id:
        raise Forbidden(_("Only the person who suggested it may withdraw a suggestion."))
    _require_open(suggestion)
    _require_iep_editable(suggestion.recommendation.iep_id)
    _decide(actor, suggestion, Suggestion.Status.WITHDRAWN)
    _event(suggestion, "suggestion.withdrawn", actor)
    return suggestion
