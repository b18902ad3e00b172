"""What the IEP and recommendation pages show of positions and suggestions, built once from rows
the view already holds (no query per recommendation)."""
from django.utils.translation import gettext_lazy as _

from apps.students.models import Role

from .models import SUGGESTABLE_FIELDS, Position, Suggestion
from .policy import may_accept_suggestion, may_decide_suggestion, may_withdraw_suggestion
from .representations import changed_since, summary_state
from .selectors import suggestions_of, versions_of

# The roles whose position the team waits for (evaluators and district administrators who only
# read take none: policy.may_take_position).
POSITION_ROLES = (Role.PARENT, Role.CASE_MANAGER, Role.CLINICIAN)

STATE_LABELS = {
    "none": _("No positions yet"),
    "consensus": _("Consensus: everyone who answered agrees"),
    "disputed": _("Disputed: someone disagrees"),
    "open": _("Open: some are unsure"),
}


def positions_summary(positions, team) -> dict:
    """Who agrees, who disagrees, who is unsure, who has not said, and the state (API.md)."""
    by_stance = {stance: [p for p in positions if p.stance == stance] for stance in Position.Stance.values}
    said = {p.user_id for p in positions}
    state = summary_state(*(len(by_stance[s]) for s in ("agree", "disagree", "unsure")))
    return {
        "agree": by_stance["agree"],
        "disagree": by_stance["disagree"],
        "unsure": by_stance["unsure"],
        "not_yet": [m for m in team if m.role in POSITION_ROLES and m.user_id not in said],
        "state": state,
        "state_label": STATE_LABELS[state],
    }


FIELD_LABELS = {
    "title": _("Title"),
    "description": _("What is proposed"),
    "rationale": _("Rationale"),
    "minutes_per_week": _("Minutes a week"),
    "setting": _("Setting"),
    "status": _("Status"),
    "kind": _("Kind"),
    "area": _("Area"),
}


def _shown(value):
    return "" if value in (None, "") else str(value)


def suggestion_view(who, suggestion, versions: dict) -> dict:
    """One suggestion as the page shows it: the current version and the suggested one side by
    side, what changed since it was made, and the buttons the person may press (`who`: a user or
    their standing on the child)."""
    rec = suggestion.recommendation
    rows = [{"field": f, "label": FIELD_LABELS[f], "current": _shown(getattr(rec, f)),
             "suggested": _shown(suggestion.changes[f])}
            for f in SUGGESTABLE_FIELDS if f in suggestion.changes]
    since = [{**c, "label": FIELD_LABELS.get(c["field"], c["field"]), "on_base_version": _shown(c["on_base_version"]),
              "now": _shown(c["now"])} for c in changed_since(suggestion, versions)]
    return {
        "suggestion": suggestion,
        "rows": rows,
        "is_stale": suggestion.status == Suggestion.Status.OPEN and suggestion.base_version != rec.version,
        "changed_since": since,
        "may_accept": may_accept_suggestion(who, suggestion),
        "may_decline": may_decide_suggestion(who, suggestion),
        "may_withdraw": may_withdraw_suggestion(who, suggestion),
    }


def suggestions_context(user, rec, versions_list=None, *, standing=None) -> dict:
    """`standing`: the person's on the child, when the view worked it out; asked for every
    suggestion (worked out here once otherwise, not once per suggestion)."""
    from apps.students.standing import standing_of

    standing = standing_of(standing or user, rec.iep.student)
    versions = {v.version: v for v in (versions_list if versions_list is not None else versions_of(rec))}
    rows = list(suggestions_of(rec))
    for row in rows:
        row.recommendation = rec
    shown = [suggestion_view(standing, s, versions) for s in rows]
    return {
        "open_suggestions": [s for s in shown if s["suggestion"].status == Suggestion.Status.OPEN],
        "closed_suggestions": [s for s in shown if s["suggestion"].status != Suggestion.Status.OPEN],
    }
