"""The parents' answer to a proposed IEP, staff signatures, paper consent and amendments.

A parent answers every recommendation (consent or decline, with an optional note) and signs: a
typed name, an explicit consent to sign electronically after reading the disclosures the ESIGN Act
asks for, and the content hash of exactly what they saw (apps/ieps/content_hash.py). When every
parent on the team has answered on the current hash, the IEP becomes active: a recommendation is in
effect only if every parent consented to it. Every write locks the IEP's row first, so two parents
answering at once (or one parent twice) are one after the other: one activation, never a 500."""
import ipaddress
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.core.errors import ApplicationError, Conflict, Forbidden
from apps.notifications.messages import Message
from apps.notifications.services import notify
from apps.students.models import Membership, Role, active_membership_q
from apps.students.selectors import role_for

from . import services
from .content_hash import content_hash
from .events import event_append
from .models import (
    IEP,
    ConsentDecision,
    Recommendation,
    RecommendationVersion,
    Signature,
)
from .policy import (
    may_consent,
    may_record_paper_consent,
    may_sign_as_staff,
    may_start_amendment,
)
from .representations import recommendation_data

# The e-sign disclosures (15 U.S.C. 7001(c)) a parent reads before signing; a signature records
# which text it was. A change of wording is a new version.
DISCLOSURES_VERSION = "esign-2026-12"
DISCLOSURES = [
    gettext_lazy("You may ask for this IEP on paper, free of charge, at any time: ask the case manager or the "
                 "school office."),
    gettext_lazy("You do not have to sign electronically. You may sign on paper instead; the case manager then "
                 "records your paper consent here."),
    gettext_lazy("You may withdraw your consent to sign electronically, or your consent to any service, at any "
                 "time by telling the case manager in writing. Withdrawing does not undo what was done before."),
    gettext_lazy("Your electronic signature covers this IEP as you see it now (its content hash below) and your "
                 "answer to each recommendation. It has the same effect as a signature on paper."),
    gettext_lazy("To sign electronically you need a web browser and an e-mail address; you can download a PDF copy "
                 "of the signed IEP."),
]


def parents_on_team(student_id) -> list[int]:
    return list(Membership.objects.filter(active_membership_q(), student_id=student_id, role=Role.PARENT)
                .order_by("user_id").values_list("user_id", flat=True))


def recommendations_to_answer(iep) -> list[Recommendation]:
    """Every recommendation of the IEP but the withdrawn ones, which nobody proposes any more."""
    return list(Recommendation.objects.filter(iep_id=iep.id).exclude(status=Recommendation.Status.WITHDRAWN)
                .order_by("id"))


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def _locked(iep) -> IEP:
    return IEP.objects.select_for_update().select_related("student").get(id=iep.id)


def _check_hash(iep, given: str) -> str:
    current = content_hash(iep)
    if given != current:
        raise Conflict(_("The IEP changed since this page was opened. Read it again and answer on the current "
                         "version."), code="stale_version", fields={"content_hash": [current]})
    return current


def _check_decisions(recommendations, decisions) -> dict[int, dict]:
    """Each recommendation to answer exactly once; nothing else. Answers {id: decision}."""
    wanted = {r.id: r for r in recommendations}
    given, problems = {}, []
    for item in decisions:
        rec_id = item["recommendation"]
        if rec_id not in wanted:
            problems.append(_("Recommendation %(id)s is not one of this IEP's to answer.") % {"id": rec_id})
        elif rec_id in given:
            problems.append(_("Recommendation %(id)s is answered twice.") % {"id": rec_id})
        else:
            given[rec_id] = item
    missing = [wanted[r].title for r in wanted if r not in given]
    if missing:
        problems.append(_("Choose consent or decline for: %(titles)s.") % {"titles": "; ".join(missing)})
    if problems:
        raise ApplicationError(_("Answer every recommendation once."), code="undecided",
                               fields={"decisions": problems})
    return given


def _same_answer(signature: Signature | None, given: dict[int, dict]) -> bool:
    if signature is None:
        return False
    mine = {d.recommendation_id: (d.decision, d.note) for d in signature.decisions.all()}
    return mine == {k: (v["decision"], v.get("note", "")) for k, v in given.items()}


def _latest_consent(iep, parent_id) -> Signature | None:
    return (Signature.objects.filter(iep=iep, signer_id=parent_id, kind=Signature.Kind.CONSENT)
            .prefetch_related("decisions").order_by("-id").first())


def _sign(*, iep, signer, role, kind, current, recommendations, full_name, method=Signature.Method.ELECTRONIC,
          capacity="", given=None, signed_on=None, recorded_by=None, ip_address="", user_agent="") -> Signature:
    signature = Signature.objects.create(
        iep=iep, signer=signer, role=role or "", kind=kind, method=method, capacity=capacity,
        full_name=full_name.strip(), content_hash=current, versions={str(r.id): r.version for r in recommendations},
        disclosures_version=DISCLOSURES_VERSION if kind == Signature.Kind.CONSENT else "",
        signed_on=signed_on, recorded_by=recorded_by, ip_address=_address(ip_address),
        user_agent=(user_agent or "")[:500],
    )
    if given:
        by_id = {r.id: r for r in recommendations}
        ConsentDecision.objects.bulk_create([
            ConsentDecision(signature=signature, recommendation_id=rec_id, version=by_id[rec_id].version,
                            decision=item["decision"], note=item.get("note", ""))
            for rec_id, item in given.items()
        ])
    return signature


def signature_event_data(signature: Signature) -> dict:
    """What the team's channel says of a signature: who, when, on what. Not the decisions or notes,
    which name recommendations an evaluator on the channel may not see."""
    return {"iep": signature.iep_id, "signer": {"id": signature.signer_id, "full_name": signature.full_name},
            "role": signature.role, "kind": signature.kind, "method": signature.method,
            "capacity": signature.capacity, "signed_at": signature.signed_at.isoformat().replace("+00:00", "Z"),
            "content_hash": signature.content_hash}


def _answer(*, actor, iep, parent, current, recommendations, given, **signing) -> IEP:
    signature = _sign(iep=iep, signer=parent, role=Role.PARENT, kind=Signature.Kind.CONSENT, current=current,
                      recommendations=recommendations, given=given, **signing)
    event_append(iep_id=iep.id, type="consent.given", data=signature_event_data(signature), actor=actor)
    _activate_when_every_parent_answered(iep, actor, current, recommendations)
    return iep


def _activate_when_every_parent_answered(iep, actor, current, recommendations) -> None:
    answers = {}
    for parent_id in parents_on_team(iep.student_id):
        latest = _latest_consent(iep, parent_id)
        if latest is None or latest.content_hash != current:
            return  # a parent has not answered (or answered an older version): wait for them
        answers[parent_id] = {d.recommendation_id: d.decision for d in latest.decisions.all()}
    if not answers:
        return
    for rec in recommendations:
        consented = all(a.get(rec.id) == ConsentDecision.Decision.CONSENT for a in answers.values())
        rec.consent = "consented" if consented else "declined"
        Recommendation.objects.filter(id=rec.id).update(consent=rec.consent)
        event_append(iep_id=iep.id, type="recommendation.updated", data=recommendation_data(rec), actor=actor,
                     recommendation_id=rec.id)
    # Last, so the status change is the event a page reloads on, with every consent already set.
    services._activate(iep, actor)
    _notify_active(iep)


def _notify_active(iep) -> None:
    people = User.objects.filter(
        id__in=Membership.objects.filter(active_membership_q(), student_id=iep.student_id)
        .exclude(role=Role.EVALUATOR).values("user_id"))
    notify(people, "iep.activated",
           Message(gettext_lazy("The IEP of %(child)s is now in effect"), child=iep.student.first_name),
           gettext_lazy("Every parent answered. See which recommendations are in effect."),
           url=f"/ieps/{iep.id}/", about=("iep", iep.id))


def _refuse_unless_proposed(iep) -> None:
    if iep.status != IEP.Status.PROPOSED:
        code = "iep_locked" if iep.status in (IEP.Status.ACTIVE, IEP.Status.SUPERSEDED) else "not_proposed"
        raise Conflict(_("This IEP is %(status)s: only a proposed IEP takes consent.")
                       % {"status": iep.get_status_display()}, code=code)


def _refuse_when_blocked(iep) -> None:
    reason = services.activation_refusal(iep)
    if reason:
        raise Conflict(reason, code="activation_blocked")


@transaction.atomic
def iep_consent_give(*, actor, iep: IEP, content_hash: str, decisions: list[dict], full_name: str,
                     consent_to_electronic_signature: bool, ip_address: str = "", user_agent: str = "") -> IEP:
    """A parent's answer and electronic signature."""
    if not may_consent(actor, iep.student):
        raise Forbidden(_("Only a parent of the child gives or declines consent."))
    if consent_to_electronic_signature is not True or not full_name.strip():
        raise ApplicationError(_("To sign here, type your full name and agree to sign electronically."),
                               fields={"signature": [_("Required.")]})
    iep = _locked(iep)
    latest = _latest_consent(iep, actor.id)
    recommendations = recommendations_to_answer(iep)
    if iep.status != IEP.Status.PROPOSED and latest is not None and latest.content_hash == content_hash \
            and latest.method == Signature.Method.ELECTRONIC:
        given = {d["recommendation"]: d for d in decisions}
        if _same_answer(latest, given):
            return iep  # the same answer again (a double submit): the same answer, nothing new
    _refuse_unless_proposed(iep)
    current = _check_hash(iep, content_hash)
    given = _check_decisions(recommendations, decisions)
    _refuse_when_blocked(iep)
    if latest is not None and latest.content_hash == current and _same_answer(latest, given):
        return iep
    return _answer(actor=actor, iep=iep, parent=actor, current=current, recommendations=recommendations,
                   given=given, full_name=full_name, ip_address=ip_address, user_agent=user_agent)


@transaction.atomic
def iep_paper_consent_record(*, actor, iep: IEP, parent_id: int, content_hash: str, decisions: list[dict], signed_on: date,
                             ip_address: str = "", user_agent: str = "") -> IEP:
    """The case manager records what a parent answered and signed on paper (nothing is uploaded)."""
    if not may_record_paper_consent(actor, iep.student):
        raise Forbidden(_("Only the case manager records a consent given on paper."))
    if parent_id not in parents_on_team(iep.student_id):
        raise ApplicationError(_("Choose a parent on the child's team."), fields={"parent": [_("Not a parent on the team.")]})
    if signed_on > timezone.localdate():
        raise ApplicationError(_("The paper cannot be signed in the future."), fields={"signed_on": [_("Not after today.")]})
    parent = User.objects.get(id=parent_id)
    iep = _locked(iep)
    _refuse_unless_proposed(iep)
    current = _check_hash(iep, content_hash)
    recommendations = recommendations_to_answer(iep)
    given = _check_decisions(recommendations, decisions)
    _refuse_when_blocked(iep)
    latest = _latest_consent(iep, parent.id)
    if latest is not None and latest.content_hash == current and latest.method == Signature.Method.PAPER \
            and latest.signed_on == signed_on and _same_answer(latest, given):
        return iep
    return _answer(actor=actor, iep=iep, parent=parent, current=current, recommendations=recommendations,
                   given=given, full_name=parent.full_name, method=Signature.Method.PAPER, signed_on=signed_on,
                   recorded_by=actor, ip_address=ip_address, user_agent=user_agent)


@transaction.atomic
def iep_signature_add(*, actor, iep: IEP, content_hash: str, full_name: str, capacity: str, ip_address: str = "",
                      user_agent: str = "") -> Signature:
    """A staff member on the team signs for attendance or agreement, on the proposed or active IEP."""
    if not may_sign_as_staff(actor, iep.student):
        raise Forbidden(_("Only school staff on the child's team sign here."))
    if not full_name.strip():
        raise ApplicationError(_("Type your full name to sign."), fields={"full_name": [_("Required.")]})
    iep = _locked(iep)
    if iep.status not in (IEP.Status.PROPOSED, IEP.Status.ACTIVE):
        raise Conflict(_("This IEP is %(status)s: it takes no signatures.") % {"status": iep.get_status_display()},
                       code="iep_locked" if iep.status == IEP.Status.SUPERSEDED else "not_proposed")
    current = _check_hash(iep, content_hash)
    same = Signature.objects.filter(iep=iep, signer=actor, kind=Signature.Kind.STAFF, content_hash=current,
                                    capacity=capacity).first()
    if same is not None:
        return same  # signed already in that capacity on this version
    signature = _sign(iep=iep, signer=actor, role=role_for(actor, iep.student), kind=Signature.Kind.STAFF,
                      current=current, recommendations=recommendations_to_answer(iep), full_name=full_name,
                      capacity=capacity, ip_address=ip_address, user_agent=user_agent)
    event_append(iep_id=iep.id, type="signature.added", data=signature_event_data(signature), actor=actor)
    return signature


@transaction.atomic
def iep_amendment_start(*, actor, iep: IEP) -> IEP:
    """A new draft copying the active IEP and its recommendations (each a new version 1 that names
    where it came from); it supersedes the active IEP when its own consent makes it active."""
    if not may_start_amendment(actor, iep.student):
        raise Forbidden(_("Only the case manager starts an amendment."))
    iep = _locked(iep)
    if iep.status != IEP.Status.ACTIVE:
        raise Conflict(_("Only the IEP in effect can be amended; this one is %(status)s.")
                       % {"status": iep.get_status_display()}, code="not_active")
    open_one = iep.amendments.filter(status__in=(IEP.Status.DRAFT, IEP.Status.PROPOSED)).first()
    if open_one is not None:
        raise Conflict(_("An amendment of this IEP is already open (IEP %(id)s).") % {"id": open_one.id},
                       code="amendment_open")
    draft = services.iep_create(actor=actor, student=iep.student, meeting_at=iep.meeting_at,
                                last_evaluated_on=iep.last_evaluated_on)
    draft.amends = iep
    draft.save(update_fields=["amends"])
    note = _("Copied from the IEP in effect (amendment).")
    for rec in Recommendation.objects.filter(iep=iep).exclude(status=Recommendation.Status.WITHDRAWN).order_by("id"):
        copy = Recommendation.objects.create(
            iep=draft, author_id=rec.author_id, area=rec.area, kind=rec.kind, title=rec.title,
            description=rec.description, rationale=rec.rationale, minutes_per_week=rec.minutes_per_week,
            setting=rec.setting, status=rec.status, copied_from=rec)
        RecommendationVersion.objects.create(recommendation=copy, version=1, edited_by=actor, change_note=note,
                                             **{f: getattr(copy, f) for f in services.VERSIONED_FIELDS})
        event_append(iep_id=draft.id, type="recommendation.created", data=recommendation_data(copy), actor=actor,
                     recommendation_id=copy.id)
    event_append(iep_id=iep.id, type="iep.amendment_started", data={"id": iep.id, "amendment": draft.id},
                 actor=actor)
    return draft
