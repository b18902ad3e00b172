"""The content hash (API.md, GET /api/v1/ieps/{id}/): it verifies against the stored versions and
changes whenever anything a signer sees changes, and only then (property-based over field edits)."""
import hashlib
import json
from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.ieps import services
from apps.ieps.content_hash import content_hash, stored_versions_hash, verify
from apps.ieps.models import IEP, VERSIONED_FIELDS, Recommendation

pytestmark = pytest.mark.django_db

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)
EDIT = st.one_of(
    st.tuples(st.just("title"), TEXT),
    st.tuples(st.just("description"), st.one_of(st.just(""), TEXT)),
    st.tuples(st.just("rationale"), TEXT.filter(str.strip)),
    st.tuples(st.just("area"), st.one_of(st.just(""), TEXT)),
    st.tuples(st.just("setting"), st.one_of(st.just(""), TEXT)),
    st.tuples(st.just("minutes_per_week"), st.one_of(st.none(), st.integers(0, 3000))),
    st.tuples(st.just("status"), st.sampled_from([s for s, _label in Recommendation.Status.choices])),
)


def _versions(iep):
    return dict(Recommendation.objects.filter(iep=iep).values_list("id", "version"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(0, 3), EDIT), min_size=1, max_size=5))
def test_the_hash_verifies_against_the_stored_versions_and_changes_with_every_edit(demo, edits):
    with transaction.atomic():
        iep = IEP.objects.get(id=demo.maya_iep.id)
        signed = [(content_hash(iep), _versions(iep))]
        for index, (field, value) in edits:
            rec = Recommendation.objects.get(id=demo.maya_recs[index].id)
            if field == "minutes_per_week" and rec.kind != Recommendation.Kind.SERVICE:
                value = None  # only services have minutes
            before = content_hash(iep)
            changed = getattr(rec, field) != value
            services.recommendation_update(actor=demo.casemanager, recommendation=rec, **{field: value})
            after = content_hash(iep)
            assert (after != before) == changed
            assert verify(iep, after, _versions(iep))
            signed.append((after, _versions(iep)))
        # Every hash ever current still verifies against the versions it was over.
        for digest, versions in signed:
            assert stored_versions_hash(iep, versions) == digest
        transaction.set_rollback(True)


def test_the_hash_is_sha256_of_canonical_json_of_the_iep_and_its_recommendations(demo):
    iep = IEP.objects.get(id=demo.maya_iep.id)
    recommendations = [
        {"id": r.id, "version": r.version, **{f: getattr(r, f) for f in VERSIONED_FIELDS}}
        for r in Recommendation.objects.filter(iep=iep).order_by("id")
    ]
    document = {"iep": {"id": iep.id, "student": iep.student_id, "meeting_at": "2026-10-15",
                        "last_evaluated_on": "2024-10-01", "annual_review_due": iep.annual_review_due.isoformat(),
                        "reevaluation_due": iep.reevaluation_due.isoformat()},
                "recommendations": recommendations}
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert content_hash(iep) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_hash_changes_with_the_dates_but_not_with_status_or_consent(demo):
    iep = IEP.objects.get(id=demo.maya_iep.id)
    before = content_hash(iep)
    Recommendation.objects.filter(iep=iep).update(consent="consented")
    IEP.objects.filter(id=iep.id).update(status=IEP.Status.ACTIVE)
    assert content_hash(IEP.objects.get(id=iep.id)) == before
    IEP.objects.filter(id=iep.id).update(status=IEP.Status.DRAFT)
    services.iep_update_dates(actor=demo.casemanager, iep=iep, meeting_at=date(2026, 10, 16),
                              last_evaluated_on=iep.last_evaluated_on)
    assert content_hash(IEP.objects.get(id=iep.id)) != before
