"""How an evaluation request looks to each person, in API answers and in live events alike.

Three views: the assigned evaluator before attesting gets a stub (their engagement, nothing of
the case); the evaluator afterwards gets the request with their own draft; everyone else gets
the request with the summary and findings only once submitted."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import EvaluationRequest, Finding, ReportFile
from .selectors import (
    acknowledgement_state,
    files_for,
    findings_version_for,
    role_on_team,
    sees_stub_only,
)


class EvaluationPersonOut(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class EvaluationMemberOut(serializers.Serializer):
    user = EvaluationPersonOut()
    role = serializers.CharField()


class EvaluationRequesterOut(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    role = serializers.CharField()


class EvaluationAcknowledgementOut(serializers.Serializer):
    user = EvaluationPersonOut()
    role = serializers.CharField()
    at = serializers.DateTimeField()


class EvaluationEvaluatorOut(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    organization = serializers.CharField(source="evaluator_organization.name", default=None)


class EvaluationDistrictOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EvaluationStudentOut(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class EvaluationDisputedOut(serializers.Serializer):
    id = serializers.IntegerField(source="recommendation_id")
    title = serializers.CharField(source="recommendation.title")
    kind = serializers.CharField(source="recommendation.kind")
    area = serializers.CharField(source="recommendation.area")
    minutes_per_week = serializers.IntegerField(source="recommendation.minutes_per_week", allow_null=True)
    version = serializers.IntegerField(help_text="The recommendation's version when it was disputed.")
    current_version = serializers.IntegerField(source="recommendation.version")


class EvaluationFindingOut(serializers.ModelSerializer):
    class Meta:
        model = Finding
        fields = ["recommendation", "opinion", "minutes_per_week", "rationale"]


class EvaluationFileOut(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")
    content_type = serializers.SerializerMethodField()
    sealed = serializers.SerializerMethodField()

    class Meta:
        model = ReportFile
        fields = ["id", "kind", "name", "size", "sha256", "content_type", "uploaded_at", "sealed", "sealed_at"]

    def get_content_type(self, obj) -> str:
        return "application/pdf"

    def get_sealed(self, obj) -> bool:
        return obj.sealed_at is not None


class EvaluationFindingsVersionOut(serializers.Serializer):
    version = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField()


class EvaluationRequestStubOut(serializers.ModelSerializer):
    """What the assigned evaluator sees before attesting independence."""

    district = serializers.SerializerMethodField()
    evaluator = EvaluationEvaluatorOut()
    attestation_required = serializers.SerializerMethodField()

    class Meta:
        model = EvaluationRequest
        fields = ["id", "status", "district", "evaluator", "report_due", "cost_cap", "purchase_reference",
                  "attestation_required"]

    @extend_schema_field(EvaluationDistrictOut)
    def get_district(self, obj):
        district = obj.iep.student.district
        return {"id": district.id, "name": district.name}

    def get_attestation_required(self, obj) -> bool:
        return True


class EvaluationRequestOut(serializers.ModelSerializer):
    """The request as the team, the district's administrators and the attested evaluator see it.
    `summary` and `findings` are present only when the viewer may see them: for the team, once
    submitted; for the evaluator, their draft too."""

    student = EvaluationStudentOut(source="iep.student")
    district = EvaluationDistrictOut(source="iep.student.district")
    requested_by = serializers.SerializerMethodField()
    recommendations = EvaluationDisputedOut(source="disputed", many=True)
    decided_by = EvaluationPersonOut(allow_null=True)
    evaluator = EvaluationEvaluatorOut(allow_null=True)
    attestation_required = serializers.SerializerMethodField()
    questions_thread = serializers.IntegerField(source="questions_thread_id", allow_null=True)
    acknowledgements = serializers.SerializerMethodField()
    pending_acknowledgements = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    findings_version = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()

    class Meta:
        model = EvaluationRequest
        fields = [
            "id", "iep", "student", "district", "status", "requested_by", "requested_at", "recommendations",
            "areas", "reason", "decision_due", "decision", "decided_by", "decided_at", "decision_note",
            "due_process_reference", "cost_cap", "purchase_reference", "report_due", "evaluator", "assigned_at",
            "attestation_required", "attested_at", "started_at", "submitted_at", "considered_at", "ended_at",
            "end_note", "questions_thread", "acknowledgements", "pending_acknowledgements", "files",
            "findings_version", "summary", "findings",
        ]

    @property
    def viewer(self):
        return self.context.get("viewer")

    @extend_schema_field(EvaluationRequesterOut)
    def get_requested_by(self, obj):
        return {"id": obj.requested_by.id, "full_name": obj.requested_by.full_name,
                "role": role_on_team(obj, obj.requested_by_id)}

    def get_attestation_required(self, obj) -> bool:
        return obj.status == EvaluationRequest.Status.EVALUATOR_ASSIGNED

    # What several fields need is worked out once per row (see to_representation), and the small
    # nested serializers are reused rather than built per row: lists stay cheap.

    @extend_schema_field(EvaluationAcknowledgementOut(many=True))
    def get_acknowledgements(self, obj):
        return [ACKNOWLEDGEMENT.to_representation(a) for a in self._row["state"].acknowledged]

    @extend_schema_field(EvaluationMemberOut(many=True))
    def get_pending_acknowledgements(self, obj):
        return [MEMBER.to_representation(m) for m in self._row["state"].pending]

    @extend_schema_field(EvaluationFileOut(many=True))
    def get_files(self, obj):
        return [FILE.to_representation(f) for f in files_for(self.viewer, obj)]

    @extend_schema_field(EvaluationFindingsVersionOut(allow_null=True))
    def get_findings_version(self, obj):
        version = self._row["version"]
        return VERSION.to_representation(version) if version else None

    def get_summary(self, obj) -> str:
        version = self._row["version"]
        return version.summary if version else None

    @extend_schema_field(EvaluationFindingOut(many=True))
    def get_findings(self, obj):
        version = self._row["version"]
        return [FINDING.to_representation(f) for f in version.findings.all()] if version else None

    def to_representation(self, instance):
        self._row = {"state": acknowledgement_state(instance), "version": findings_version_for(self.viewer, instance)}
        data = super().to_representation(instance)
        if data["findings_version"] is None:
            # Absent, not empty: nobody can tell from the answer whether a draft exists.
            del data["summary"], data["findings"]
        return data


ACKNOWLEDGEMENT = EvaluationAcknowledgementOut()
MEMBER = EvaluationMemberOut()
FILE = EvaluationFileOut()
VERSION = EvaluationFindingsVersionOut()
FINDING = EvaluationFindingOut()


def evaluation_request_data(request: EvaluationRequest, viewer) -> dict:
    """The request as this person sees it. `viewer=None` is the team's view (used for events)."""
    if viewer is not None and sees_stub_only(viewer, request):
        return dict(EvaluationRequestStubOut(request).data)
    return dict(EvaluationRequestOut(request, context={"viewer": viewer}).data)


def team_data(request: EvaluationRequest) -> dict:
    return evaluation_request_data(request, None)


class EvaluationRequestAnyOut(serializers.BaseSerializer):
    """For lists mixing views: each row as its viewer may see it. The two serializers are built
    once per list, not once per row (building a ModelSerializer's fields is the costly part)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.full = EvaluationRequestOut(context=self.context)
        self.stub = EvaluationRequestStubOut()

    def to_representation(self, instance):
        viewer = self.context["viewer"]
        if sees_stub_only(viewer, instance):
            return self.stub.to_representation(instance)
        return self.full.to_representation(instance)

