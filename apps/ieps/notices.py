"""Prior written notice (34 CFR 300.503): the district's proposal or refusal, in writing, with the
seven parts the regulation names, drafted from the team's own record and issued once.

Drafting reads what the team wrote. Positions live here; the discussion and the independent
evaluations live in apps above `ieps`, which never imports them: they register a drafting source
from their `AppConfig.ready()` (as they register panels and activation checks):

    from apps.ieps.notices import register_draft_source
    register_draft_source(my_source)   # my_source(recommendation) -> {"options_considered": [...], ...}

A source answers lines for any of DRAFT_FIELDS; the draft joins each field's lines in the order the
sources were registered. Everything drafted is editable before the notice is issued.
"""
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import ApplicationError, Forbidden, NotFound
from apps.core.pdf import pdf_from_template
from apps.notifications.messages import Message
from apps.notifications.services import notify
from apps.students.models import Role
from apps.students.selectors import team_for

from .events import event_append
from .models import IEP, NoticeContact, Position, PriorWrittenNotice, Recommendation, Suggestion
from .policy import may_issue_notice
from .selectors import recommendation_get_for, recommendations_of

DRAFT_FIELDS = ("reasons", "data_used", "options_considered", "other_factors")
REQUIRED_FIELDS = ("reasons", "data_used", "options_considered")
TEXT_LIMIT = 20_000

DraftSource = Callable[[Recommendation], dict[str, list[str]]]
DRAFT_SOURCES: list[DraftSource] = []


def register_draft_source(source: DraftSource) -> None:
    """Called from an app's AppConfig.ready(); registering twice is harmless."""
    if source not in DRAFT_SOURCES:
        DRAFT_SOURCES.append(source)


# The district's contact -------------------------------------------------------------------

DEFAULT_CONTACT = gettext_lazy(
    "Your child's case manager, or the district's special education office. You may also contact your "
    "state's Parent Training and Information Center, which helps families free of charge.")


def notice_contact_of(district) -> tuple[str, str]:
    """(procedural safeguards address, contact) for the district; blank contact means the default,
    which is shown in the reader's language."""
    row = NoticeContact.objects.filter(district=district).first()
    url = (row.safeguards_url if row else "") or settings.PROCEDURAL_SAFEGUARDS_URL
    return url, (row.contact if row else "")


# Drafting ---------------------------------------------------------------------------------

def _member_label(user, role: str, disciplines: dict[int, str]) -> str:
    label = disciplines.get(user.id) or str(dict(Role.choices).get(role, role))
    return f"{user.full_name} ({label.lower()})"


def positions_source(recommendation: Recommendation) -> dict[str, list[str]]:
    """Who disagrees or is unsure, with their basis and where they saw it: the other options the
    team considered. Those who agree with a basis give the data the proposal rests on."""
    disciplines = {m.user_id: m.get_discipline_display() for m in team_for(recommendation.iep.student)
                   if m.discipline}
    options, data = [], []
    for position in Position.objects.filter(recommendation=recommendation).select_related("user").order_by("id"):
        who = _member_label(position.user, position.role, disciplines)
        where = position.get_observed_in_display().lower() if position.observed_in else ""
        if position.stance == Position.Stance.AGREE:
            if position.basis:
                data.append(_("%(who)s, observed %(where)s: %(basis)s") % {
                    "who": who, "where": where or _("in their work with the child"), "basis": position.basis})
            continue
        stance = _("disagrees") if position.stance == Position.Stance.DISAGREE else _("is unsure")
        line = _("%(who)s %(stance)s") % {"who": who, "stance": stance}
        if where:
            line += _(", from what they see %(where)s") % {"where": where}
        if position.basis:
            line += f": {position.basis}"
        if position.examples:
            line += " " + _("Examples: %(examples)s") % {"examples": position.examples}
        options.append(line + " " + _("Why the district did not adopt this: …"))
    return {"options_considered": options, "data_used": data}


def record_source(recommendation: Recommendation) -> dict[str, list[str]]:
    """The recommendation's own rationale (part 2), and the IEP's last evaluation (part 3)."""
    data = []
    if recommendation.iep.last_evaluated_on:
        data.append(_("The child's evaluation of %(date)s.") % {
            "date": recommendation.iep.last_evaluated_on.isoformat()})
    return {"reasons": [recommendation.rationale], "data_used": data}


def suggestions_source(recommendation: Recommendation) -> dict[str, list[str]]:
    """A suggested change the author or the case manager declined is an option the district
    considered and rejected, with the reason it gave (part 4)."""
    lines = []
    for suggestion in (Suggestion.objects.filter(recommendation=recommendation, status=Suggestion.Status.DECLINED)
                       .select_related("author", "decided_by").order_by("id")):
        changed = ", ".join(f"{field}: {value}" for field, value in sorted(suggestion.changes.items()))
        lines.append(_("%(who)s suggested %(changes)s (%(reason)s). Declined by %(decider)s: %(note)s") % {
            "who": suggestion.author.full_name, "changes": changed, "reason": suggestion.reason,
            "decider": suggestion.decided_by.full_name if suggestion.decided_by else "", "note": suggestion.decision_note})
    return {"options_considered": lines}


register_draft_source(record_source)
register_draft_source(positions_source)
register_draft_source(suggestions_source)


def notice_draft(recommendation: Recommendation) -> dict[str, str]:
    """The form's starting text: each field's lines from every source, one per paragraph."""
    lines = {field: [] for field in DRAFT_FIELDS}
    for source in DRAFT_SOURCES:
        for field, more in source(recommendation).items():
            if field in lines:
                lines[field].extend(line.strip() for line in more if line and line.strip())
    draft = {field: "\n\n".join(found)[:TEXT_LIMIT] for field, found in lines.items()}
    draft["action"] = PriorWrittenNotice.Action.PROPOSE
    return draft


# Issuing ----------------------------------------------------------------------------------

def parents_of(student) -> list:
    return [m.user for m in team_for(student) if m.role == Role.PARENT]


def family_language(student) -> str:
    """The first parent's language, where the product has it; English otherwise."""
    known = {code for code, _name in settings.LANGUAGES}
    for parent in parents_of(student):
        if parent.preferred_language in known:
            return parent.preferred_language
    return "en"


def notice_url(notice) -> str:
    return reverse("ieps:notice", args=[notice.id])


def notice_pdf_url(notice) -> str:
    return reverse("api:notice-pdf", args=[notice.id])


@transaction.atomic
def notice_issue(*, actor, recommendation: Recommendation, action: str, reasons: str, data_used: str,
                 options_considered: str, other_factors: str = "") -> PriorWrittenNotice:
    if not may_issue_notice(actor, recommendation):
        raise Forbidden(_("Only the case manager or a district administrator may issue a prior written notice."))
    given = {"reasons": reasons, "data_used": data_used, "options_considered": options_considered,
             "other_factors": other_factors}
    given = {field: (value or "").strip() for field, value in given.items()}
    missing = {field: [_("This part of the notice is required.")] for field in REQUIRED_FIELDS if not given[field]}
    if action not in PriorWrittenNotice.Action.values:
        missing["action"] = [_("Choose whether the district proposes or refuses it.")]
    if missing:
        raise ApplicationError(_("The notice is missing parts the law requires."), fields=missing)
    # The recommendation row is locked so the notice names the version the team sees at this moment.
    recommendation = Recommendation.objects.select_for_update().select_related("iep__student").get(
        id=recommendation.id)
    student = recommendation.iep.student
    safeguards_url, contact = notice_contact_of(student.district)
    notice = PriorWrittenNotice.objects.create(
        iep=recommendation.iep, recommendation=recommendation, recommendation_version=recommendation.version,
        recommendation_title=recommendation.title, action=action, safeguards_url=safeguards_url, contact=contact,
        language=family_language(student), issued_by=actor, **given)
    event_append(iep_id=notice.iep_id, type="notice.issued", data=notice_event_data(notice), actor=actor,
                 recommendation_id=recommendation.id)
    # Like every notification: who sent what kind of thing about which child, never the notice itself.
    notify(parents_of(student), "notice.issued",
           Message(gettext_lazy("The district sent you a prior written notice about %(child)s's IEP"),
                   child=student.first_name),
           gettext_lazy("Open it to read what the district proposes or refuses, and why."),
           url=notice_url(notice), about=("notice", notice.id))
    return notice


def notice_event_data(notice) -> dict:
    return {"id": notice.id, "recommendation": notice.recommendation_id, "action": notice.action,
            "created_at": notice.created_at.isoformat().replace("+00:00", "Z"), "url": notice_url(notice), "pdf_url": notice_pdf_url(notice)}


# Reading ----------------------------------------------------------------------------------

def notices_of(iep: IEP, user):
    """The IEP's notices about recommendations this person sees (an evaluator: those in dispute)."""
    return (PriorWrittenNotice.objects.filter(iep=iep, recommendation__in=recommendations_of(iep, user))
            .select_related("issued_by").order_by("-created_at", "-id"))


def notice_get_for(user, notice_id) -> PriorWrittenNotice:
    notice = PriorWrittenNotice.objects.select_related("issued_by", "iep__student__district").filter(
        id=notice_id).first()
    if notice is None:
        raise NotFound()
    recommendation_get_for(user, notice.recommendation_id)  # 404 unless its recommendation is visible
    return notice


def notice_language_for(user, notice) -> str:
    """A parent reads it in their own language; anyone else in the one it was issued in."""
    known = {code for code, _name in settings.LANGUAGES}
    is_parent = any(p.id == user.id for p in parents_of(notice.iep.student))
    if is_parent and user.preferred_language in known:
        return user.preferred_language
    return notice.language


def notice_document(notice, language: str) -> str:
    """The notice's text (the seven parts) as HTML, its fixed text in `language`. What people wrote
    is escaped by the template like everything else."""
    student = notice.iep.student
    with translation.override(language):
        return mark_safe(render_to_string("ieps/_notice_document.html", {
            "notice": notice, "student": student, "iep": notice.iep,
            "contact": notice.contact or str(DEFAULT_CONTACT),
        }))


def notice_pdf(notice, language: str) -> bytes:
    return pdf_from_template("pdf/notice.html", {
        "language_code": language, "document": notice_document(notice, language),
        "title": notice.recommendation_title})
