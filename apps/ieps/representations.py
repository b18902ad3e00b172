"""How IEP objects look to clients: the same shape in API answers and in live events."""
from rest_framework import serializers

from .models import IEP, Position, Recommendation, RecommendationVersion


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


class RecommendationOut(serializers.ModelSerializer):
    author = PersonOut()

    class Meta:
        model = Recommendation
        fields = [
            "id", "iep", "author", "area", "kind", "title", "description", "rationale",
            "minutes_per_week", "setting", "status", "version", "created_at", "updated_at", "consent",
        ]


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

    class Meta:
        model = Position
        fields = ["id", "recommendation", "user", "role", "stance", "basis", "observed_in", "examples", "updated_at"]


def recommendation_data(rec) -> dict:
    return dict(RecommendationOut(rec).data)


def position_data(position) -> dict:
    return dict(PositionOut(position).data)
