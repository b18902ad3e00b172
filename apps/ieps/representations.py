"""How IEP objects look to clients: the same shape in API answers and in live events."""
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import (
    IEP,
    VERSIONED_FIELDS,
    Position,
    PositionRecord,
    Recommendation,
    RecommendationVersion,
    Suggestion,
)


class PersonOut(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class IEPOut(serializers.ModelSerializer):
    class Meta:
        model = IEP
        fields = [
            "id", "student", "status", "meeting_at", "last_evaluated_on",
            "annual_review_due", "reevaluation_due", "created_at",
        ]


def summary_state(agree: int, disagree: int, unsure: int) -> str:
    """API.md: none (no position yet), consensus (every current position agrees), disputed (at
    least one disagrees), otherwise open."""
    if agree + disagree + unsure == 0:
        return "none"
    if disagree:
        return "disputed"
    return "consensus" if not unsure else "open"


def positions_summary_of(rec) -> dict:
    """From the counts a list annotated (selectors.with_positions_summary), else one query."""
    counts = getattr(rec, "positions_agree", None)
    if counts is None:
        stances = list(Position.objects.filter(recommendation_id=rec.id).values_list("stance", flat=True))
        agree, disagree, unsure = (stances.count(s) for s in ("agree", "disagree", "unsure"))
    else:
        agree, disagree, unsure = rec.positions_agree, rec.positions_disagree, rec.positions_unsure
    return {"agree": agree, "disagree": disagree, "unsure": unsure, "state": summary_state(agree, disagree, unsure)}


class PositionsSummaryOut(serializers.Serializer):
    agree = serializers.IntegerField()
    disagree = serializers.IntegerField()
    unsure = serializers.IntegerField()
    state = serializers.ChoiceField(choices=["none", "consensus", "disputed", "open"])


class RecommendationOut(serializers.ModelSerializer):
    author = PersonOut()
    positions_summary = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = [
            "id", "iep", "author", "area", "kind", "title", "description", "rationale",
            "minutes_per_week", "setting", "status", "version", "created_at", "updated_at", "positions_summary", "consent",
        ]

    @extend_schema_field(PositionsSummaryOut)
    def get_positions_summary(self, rec) -> dict:
        return positions_summary_of(rec)


class IEPDetailOut(IEPOut):
    """One IEP as GET /api/v1/ieps/{id}/ answers it: also what a signer signs (its content hash)."""

    content_hash = serializers.SerializerMethodField()

    class Meta(IEPOut.Meta):
        fields = [*IEPOut.Meta.fields, "amends", "activated_at", "content_hash"]

    def get_content_hash(self, iep) -> str:
        from .content_hash import content_hash

        return content_hash(iep)


class ConsentDecisionOut(serializers.Serializer):
    recommendation = serializers.IntegerField(source="recommendation_id")
    version = serializers.IntegerField()
    decision = serializers.CharField()
    note = serializers.CharField()


class SignatureOut(serializers.Serializer):
    id = serializers.IntegerField()
    signer = PersonOut()
    full_name = serializers.CharField()
    role = serializers.CharField()
    kind = serializers.CharField()
    method = serializers.CharField()
    capacity = serializers.CharField()
    signed_at = serializers.DateTimeField()
    signed_on = serializers.DateField(allow_null=True)
    content_hash = serializers.CharField()
    current = serializers.BooleanField()
    decisions = ConsentDecisionOut(many=True, source="visible_decisions")


class RecommendationVersionOut(serializers.ModelSerializer):
    edited_by = PersonOut()

    class Meta:
        model = RecommendationVersion
        fields = [
            "version", "edited_by", "created_at", "area", "kind", "title", "description",
            "rationale", "minutes_per_week", "setting", "status", "change_note",
        ]


class PositionOut(serializers.ModelSerializer):
    user = PersonOut()
    on_current_version = serializers.BooleanField(read_only=True)

    class Meta:
        model = Position
        fields = ["id", "recommendation", "user", "role", "stance", "basis", "observed_in", "examples",
                  "given_on_version", "on_current_version", "updated_at"]


class PositionRecordOut(serializers.ModelSerializer):
    user = PersonOut()

    class Meta:
        model = PositionRecord
        fields = ["id", "recommendation", "user", "role", "stance", "basis", "observed_in", "examples",
                  "given_on_version", "recorded_at"]


class ChangedSinceOut(serializers.Serializer):
    field = serializers.CharField()
    on_base_version = serializers.JSONField()
    now = serializers.JSONField()


class SuggestionOut(serializers.ModelSerializer):
    """`changed_since`: what the recommendation changed between the version the suggestion was
    made on and the current one (empty while it is current). The serializer takes the
    recommendation's versions in its context (`versions`: number → version) when it shows many."""

    author = PersonOut()
    decided_by = PersonOut(allow_null=True)
    current_version = serializers.IntegerField(source="recommendation.version", read_only=True)
    is_stale = serializers.SerializerMethodField()
    changed_since = serializers.SerializerMethodField()

    class Meta:
        model = Suggestion
        fields = ["id", "recommendation", "author", "author_role", "changes", "reason", "base_version",
                  "current_version", "is_stale", "changed_since", "status", "decided_by", "decision_note",
                  "accepted_version", "created_at", "decided_at"]

    def get_is_stale(self, suggestion) -> bool:
        return suggestion.status == Suggestion.Status.OPEN and suggestion.base_version != suggestion.recommendation.version

    @extend_schema_field(ChangedSinceOut(many=True))
    def get_changed_since(self, suggestion) -> list:
        return changed_since(suggestion, self.context.get("versions"))


def changed_since(suggestion, versions: dict | None = None) -> list[dict]:
    rec = suggestion.recommendation
    if suggestion.status != Suggestion.Status.OPEN or suggestion.base_version == rec.version:
        return []
    if versions is None:
        versions = {v.version: v for v in RecommendationVersion.objects.filter(
            recommendation_id=rec.id, version__in=[suggestion.base_version, rec.version])}
    base, now = versions.get(suggestion.base_version), versions.get(rec.version)
    if base is None or now is None:
        return []
    return [{"field": f, "on_base_version": getattr(base, f), "now": getattr(now, f)}
            for f in VERSIONED_FIELDS if getattr(base, f) != getattr(now, f)]


def api_time(value):
    """A date-time as DRF's DateTimeField writes it (ISO 8601, microseconds, UTC as "Z"), for the
    outputs built as plain dicts below."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def recommendation_row(rec) -> dict:
    """RecommendationOut as a plain dict: the list endpoint builds 50 of these per page, and the
    serializer's per-field machinery was most of its time (tests/ieps/test_representations.py
    holds the two equal)."""
    return {
        "id": rec.id, "iep": rec.iep_id, "author": {"id": rec.author.id, "full_name": rec.author.full_name},
        "area": rec.area, "kind": rec.kind, "title": rec.title, "description": rec.description,
        "rationale": rec.rationale, "minutes_per_week": rec.minutes_per_week, "setting": rec.setting,
        "status": rec.status, "version": rec.version, "created_at": api_time(rec.created_at),
        "updated_at": api_time(rec.updated_at), "positions_summary": positions_summary_of(rec), "consent": rec.consent,
    }


def recommendation_data(rec) -> dict:
    return dict(RecommendationOut(rec).data)


def position_data(position) -> dict:
    return dict(PositionOut(position).data)


def suggestion_data(suggestion) -> dict:
    return dict(SuggestionOut(suggestion).data)
