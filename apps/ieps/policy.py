"""Who may write what on an IEP. Predicates take (who, student), (who, iep) or (who, recommendation),
`who` a user or their standing on the child (students.standing), and the ones about an object
know its state: a page hides a button with the same predicate the service checks."""
import rules

from apps.students.policy import (
    is_case_manager_for,
    is_clinician_for,
    is_district_admin_for,
    is_evaluator_for,
    is_parent_of,
    is_school_staff_for,
    is_team_member,
)
from apps.students.standing import user_id_of

from .models import IEP, Recommendation, Suggestion

may_create_iep = is_case_manager_for | is_district_admin_for
may_change_iep_status = is_case_manager_for | is_district_admin_for
may_add_recommendation = is_clinician_for | is_case_manager_for
may_take_position = is_team_member & ~is_evaluator_for

# The steps an IEP's status may take by hand (API.md: draft → proposed → draft). Activation comes
# only from the parents' consent (apps/ieps/consent.py), superseding from a newer IEP's activation.
NEXT_STATUS = {
    IEP.Status.DRAFT: {IEP.Status.PROPOSED},
    IEP.Status.PROPOSED: {IEP.Status.DRAFT},
    IEP.Status.ACTIVE: set(),
    IEP.Status.SUPERSEDED: set(),
}
HAND_STATUS_STEPS = {IEP.Status.PROPOSED, IEP.Status.DRAFT}


def iep_status_steps_for(user, iep) -> list[str]:
    """The statuses this person may move this IEP to by hand, in the order they are offered."""
    if not may_change_iep_status(user, iep.student):
        return []
    return [s for s in (IEP.Status.PROPOSED, IEP.Status.DRAFT) if s in NEXT_STATUS[iep.status] & HAND_STATUS_STEPS]


@rules.predicate
def may_edit_iep_dates(user, iep):
    """Dates are the case manager's or an administrator's to fix, while the IEP is a draft."""
    return iep.status == IEP.Status.DRAFT and may_create_iep(user, iep.student)


@rules.predicate
def may_add_recommendation_to(user, iep):
    return iep.is_editable and may_add_recommendation(user, iep.student)


@rules.predicate
def is_recommendation_author(who, recommendation):
    return recommendation.author_id == user_id_of(who)


@rules.predicate
def is_case_manager_of_recommendation(user, recommendation):
    return is_case_manager_for(user, recommendation.iep.student)


may_edit_recommendation = is_recommendation_author | is_case_manager_of_recommendation


@rules.predicate
def may_revise_recommendation(user, recommendation):
    return recommendation.iep.is_editable and may_edit_recommendation(user, recommendation)


def may_set_recommendation_status(user, recommendation, status) -> bool:
    """The case manager records the team's decision; an author may withdraw (or re-propose) their own."""
    if is_case_manager_of_recommendation(user, recommendation):
        return True
    return (is_recommendation_author(user, recommendation)
            and status in (Recommendation.Status.WITHDRAWN, Recommendation.Status.PROPOSED))


@rules.predicate
def may_withdraw_recommendation(user, recommendation):
    return (may_revise_recommendation(user, recommendation)
            and recommendation.status != Recommendation.Status.WITHDRAWN
            and may_set_recommendation_status(user, recommendation, Recommendation.Status.WITHDRAWN))


@rules.predicate
def may_decide_recommendation(user, recommendation):
    """The team's decision (accepted or declined) is the case manager's to record."""
    return recommendation.iep.is_editable and is_case_manager_of_recommendation(user, recommendation)


@rules.predicate
def may_record_position_on(user, recommendation):
    return positions_open_on(recommendation, recommendation.iep) and may_take_position(user, recommendation.iep.student)


def positions_open_on(recommendation, iep) -> bool:
    """Positions are taken while the IEP can change, and, once it is in effect, on the
    recommendations the parents declined: those stay open to discussion and evaluation (API.md)."""
    return iep.is_editable or (iep.status == IEP.Status.ACTIVE and recommendation.consent == "declined")


# Suggested changes: anyone who may take a position may suggest; the recommendation's author or
# the case manager decides; the suggester may take theirs back while it is open. All of it only
# while the IEP can change (apps/ieps/suggestions.py refuses the rest with iep_locked).
may_suggest = may_take_position


@rules.predicate
def may_suggest_on(user, recommendation):
    return recommendation.iep.is_editable and may_suggest(user, recommendation.iep.student)


def _suggestion_open(suggestion) -> bool:
    return suggestion.status == Suggestion.Status.OPEN and suggestion.recommendation.iep.is_editable


@rules.predicate
def may_decide_suggestion(user, suggestion):
    return _suggestion_open(suggestion) and may_edit_recommendation(user, suggestion.recommendation)


@rules.predicate
def may_accept_suggestion(user, suggestion):
    """Only on the version it was made on (a new version over it)."""
    return may_decide_suggestion(user, suggestion) and suggestion.base_version == suggestion.recommendation.version


@rules.predicate
def may_withdraw_suggestion(who, suggestion):
    return _suggestion_open(suggestion) and suggestion.author_id == user_id_of(who)


rules.add_perm("ieps.add_iep", may_create_iep)
rules.add_perm("ieps.change_iep_status", may_change_iep_status)
rules.add_perm("ieps.add_recommendation", may_add_recommendation)
rules.add_perm("ieps.change_recommendation", may_edit_recommendation)
rules.add_perm("ieps.take_position", may_take_position)


# Prior written notice (34 CFR 300.503) is the district's word: the case manager or an administrator.
may_issue_notice_for = is_case_manager_for | is_district_admin_for


@rules.predicate
def may_issue_notice(user, recommendation):
    return may_issue_notice_for(user, recommendation.iep.student)


@rules.predicate
def shows_disagreement_guidance(who, recommendation):
    """A parent whose current position on it is "disagree" or "unsure" is shown what they can do."""
    from .models import Position

    return (is_parent_of(who, recommendation.iep.student)
            and Position.objects.filter(recommendation=recommendation, user_id=user_id_of(who),
                                        stance__in=(Position.Stance.DISAGREE, Position.Stance.UNSURE)).exists())


# Consent, signatures and amendments (apps/ieps/consent.py).
may_consent = is_parent_of
may_record_paper_consent = is_case_manager_for
may_sign_as_staff = is_school_staff_for
may_start_amendment = is_case_manager_for
# The signed copy holds every recommendation: an evaluator, who sees only the disputed ones, is refused.
may_download_signed = (is_team_member & ~is_evaluator_for) | is_district_admin_for


@rules.predicate
def may_answer_consent(user, iep):
    return iep.status == IEP.Status.PROPOSED and may_consent(user, iep.student)


@rules.predicate
def may_record_paper_consent_on(user, iep):
    return iep.status == IEP.Status.PROPOSED and may_record_paper_consent(user, iep.student)


@rules.predicate
def may_sign_iep(user, iep):
    return iep.status in (IEP.Status.PROPOSED, IEP.Status.ACTIVE) and may_sign_as_staff(user, iep.student)


@rules.predicate
def may_amend_iep(user, iep):
    return (iep.status == IEP.Status.ACTIVE and may_start_amendment(user, iep.student)
            and not iep.amendments.filter(status__in=(IEP.Status.DRAFT, IEP.Status.PROPOSED)).exists())


@rules.predicate
def may_download_signed_iep(user, iep):
    return iep.status != IEP.Status.DRAFT and may_download_signed(user, iep.student)
