"""Two answers at the same moment, each on its own database connection: the IEP's row lock makes
them one after the other, so there is one activation, never two, and never a 500."""
import pytest

from apps.ieps import consent
from apps.ieps.content_hash import content_hash
from apps.ieps.models import IEP, Event, Signature
from apps.students.models import Membership, Role
from tests.consent import answers_for
from tests.threads import at_once

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _answer(user, iep, digest, decisions):
    return lambda: consent.iep_consent_give(actor=user, iep=iep, content_hash=digest, decisions=decisions,
                                            full_name=user.full_name, consent_to_electronic_signature=True)


def _father(demo):
    from apps.accounts.models import User

    father = User.objects.create_user("father.maya@demo.example", "pw-123456789", full_name="Luis Rivera")
    Membership.objects.create(user=father, student=demo.maya, role=Role.PARENT)
    return father


def test_two_parents_answering_at_once_activate_the_iep_once(transactional_demo):
    demo = transactional_demo
    father = _father(demo)
    iep = IEP.objects.get(id=demo.maya_iep.id)
    digest, decisions = content_hash(iep), answers_for(iep)
    results = at_once(_answer(demo.parent_maya, iep, digest, decisions), _answer(father, iep, digest, decisions))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert IEP.objects.get(id=iep.id).status == "active"
    assert Signature.objects.filter(iep=iep).count() == 2
    assert Event.objects.filter(iep=iep, type="iep.status_changed", data__status="active").count() == 1


def test_one_parent_answering_twice_at_once_is_one_answer(transactional_demo):
    demo = transactional_demo
    _father(demo)  # still to answer: the IEP stays proposed
    iep = IEP.objects.get(id=demo.maya_iep.id)
    digest, decisions = content_hash(iep), answers_for(iep)
    results = at_once(_answer(demo.parent_maya, iep, digest, decisions),
                       _answer(demo.parent_maya, iep, digest, decisions))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Signature.objects.filter(iep=iep).count() == 1
    assert Event.objects.filter(iep=iep, type="consent.given").count() == 1
