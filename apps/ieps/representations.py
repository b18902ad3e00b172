"""How IEP objects look to clients: the same shape in API answers and in live events."""
from django.utils import timezone
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
            "minutes_per_week", "setting", "status", "version", "created_at", "updated_at",
        ]


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
        "updated_at": api_time(rec.updated_at),
    }


def recommendation_data(rec) -> dict:
    return dict(RecommendationOut(rec).data)


def position_data(position) -> dict:
    return dict(PositionOut(position).data)
