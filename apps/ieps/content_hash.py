"""The content hash of an IEP: exactly what a signer sees (API.md, GET /api/v1/ieps/{id}/).

SHA-256 (hex) over canonical JSON (sorted keys, compact separators, UTF-8) of the IEP's id,
student and dates and, for each recommendation, its id, version and versioned fields. The IEP's
status and the consent answers are not in it, so a hash signed on the proposed IEP still verifies
on the active one; any change a signer could see changes it.

`verify` recomputes the hash from the stored, immutable versions (RecommendationVersion) rather
than from the live rows: a signature names its hash, the versions say what that hash was over."""
import hashlib
import json

from .models import IEP, VERSIONED_FIELDS, Recommendation, RecommendationVersion

IEP_FIELDS = ("meeting_at", "last_evaluated_on", "annual_review_due", "reevaluation_due")


def _date(value):
    return value.isoformat() if value else None


def _canonical(iep: IEP, recommendations: list[dict]) -> str:
    document = {
        "iep": {"id": iep.id, "student": iep.student_id, **{f: _date(getattr(iep, f)) for f in IEP_FIELDS}},
        "recommendations": sorted(recommendations, key=lambda r: r["id"]),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _recommendation_part(rec_id: int, version: int, source) -> dict:
    return {"id": rec_id, "version": version, **{f: getattr(source, f) for f in VERSIONED_FIELDS}}


def content_hash(iep: IEP, recommendations=None) -> str:
    """The hash of the IEP as it is now (recommendations: the IEP's, unless given already loaded)."""
    if recommendations is None:
        recommendations = Recommendation.objects.filter(iep_id=iep.id).only("id", "version", *VERSIONED_FIELDS)
    return _digest(_canonical(iep, [_recommendation_part(r.id, r.version, r) for r in recommendations]))


def stored_versions_hash(iep: IEP, versions: dict[int, int]) -> str:
    """The hash of the IEP with each recommendation (id → version) as that version was stored."""
    rows = RecommendationVersion.objects.filter(recommendation__iep_id=iep.id, recommendation_id__in=list(versions))
    parts = [_recommendation_part(v.recommendation_id, v.version, v) for v in rows
             if versions.get(v.recommendation_id) == v.version]
    return _digest(_canonical(iep, parts))


def verify(iep: IEP, signed_hash: str, versions: dict[int, int]) -> bool:
    """Whether a signature's hash is the hash of those stored versions (and of this IEP's dates)."""
    return stored_versions_hash(iep, versions) == signed_hash
