"""Making an IEP active the only way there is: every parent on the team answers on the current
content hash (apps/ieps/consent.py). For tests that need an active IEP."""
from apps.ieps import consent
from apps.ieps.content_hash import content_hash
from apps.ieps.models import IEP
from apps.students.models import Membership


def answers_for(iep, decline=()) -> list[dict]:
    return [{"recommendation": r.id, "decision": "decline" if r.id in decline else "consent", "note": ""}
            for r in consent.recommendations_to_answer(iep)]


def give_every_parent_consent(iep, decline=(), *, propose_as=None) -> IEP:
    """Every parent of the child consents (but to the recommendation ids in `decline`) and signs.
    A draft is proposed first, by `propose_as` (the case manager) when given."""
    from apps.ieps.services import iep_set_status

    iep = IEP.objects.get(id=iep.id)
    if iep.status == IEP.Status.DRAFT:
        iep_set_status(actor=propose_as, iep=iep, status=IEP.Status.PROPOSED)
    for parent in consent.parents_on_team(iep.student_id):
        user = Membership.objects.get(student_id=iep.student_id, user_id=parent).user
        consent.iep_consent_give(actor=user, iep=iep, content_hash=content_hash(iep), decisions=answers_for(iep, decline),
                                 full_name=user.full_name, consent_to_electronic_signature=True,
                                 ip_address="203.0.113.7", user_agent="tests")
    return IEP.objects.get(id=iep.id)
