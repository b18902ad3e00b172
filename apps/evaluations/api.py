"""/api/v1/ for third-party evaluations: one view per operation, thin. Reads go through the
selectors (404 for what the caller may not know exists), writes through one service each."""
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.audit.recording import record_read, record_reads
from apps.core.api import InputSerializer, TextField, WriteThrottle, paginate, query_params
from apps.core.errors import Forbidden, NotFound
from apps.core.request_body import LargeBody
from apps.discussions.representations import CommentOut
from apps.discussions.selectors import comments_of
from apps.discussions.services import BODY_MAX, comment_create
from apps.ieps.selectors import iep_get_for

from . import services
from .models import EvaluationRequest, Finding, ReportFile
from .policy import may_assign
from .representations import (
    EvaluationFileOut,
    EvaluationFindingOut,
    EvaluationRequestAnyOut,
    EvaluationRequestOut,
    evaluation_request_data,
)
from .selectors import (
    evaluation_request_get_for,
    evaluation_requests_visible_to,
    file_get_for,
    files_for,
    findings_version_for,
    findings_versions_for,
    main_report_for,
    sees_stub_only,
)
from .uploads import LimitedUploadHandler, ReportUploadParser, may_upload_to, upload_body_max_bytes

TEXT_LIMIT = services.TEXT_MAX


def _answer(request, request_id, status=200):
    """The request after a change, as the caller now sees it."""
    evaluation = evaluation_request_get_for(request.user, request_id)
    return Response(evaluation_request_data(evaluation, request.user), status=status)


def _case_visible(request, evaluation):
    """The parts below the stub (files, findings, questions) are not for an evaluator who has not
    attested: they may know the engagement exists, nothing more."""
    if sees_stub_only(request.user, evaluation):
        raise Forbidden(_("Attest your independence first: until then nothing of the case is shown."))


# Requests -----------------------------------------------------------------------------------

class EvaluationRequestIn(InputSerializer):
    recommendations = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1,
                                            max_length=100)
    areas = serializers.ListField(child=TextField(max_length=100), required=False, max_length=20, default=list)
    reason = TextField(max_length=TEXT_LIMIT, required=False, allow_blank=True, default="")


class EvaluationListQueryIn(InputSerializer):
    iep = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=EvaluationRequest.Status.choices, required=False)


class IEPEvaluationRequestsApi(APIView):
    throttle_classes = [WriteThrottle]

    @extend_schema(responses=EvaluationRequestOut(many=True))
    def get(self, request, iep_id):
        iep = iep_get_for(request.user, iep_id)
        rows = evaluation_requests_visible_to(request.user).filter(iep=iep)
        return paginate(self, request, rows, EvaluationRequestAnyOut, context={"viewer": request.user})

    @extend_schema(request=EvaluationRequestIn, responses={201: EvaluationRequestOut})
    def post(self, request, iep_id):
        iep = iep_get_for(request.user, iep_id)
        data = EvaluationRequestIn(data=request.data)
        data.is_valid(raise_exception=True)
        evaluation = services.evaluation_request_create(
            actor=request.user, iep=iep, recommendation_ids=data.validated_data["recommendations"],
            areas=data.validated_data["areas"], reason=data.validated_data["reason"],
        )
        return _answer(request, evaluation.id, status=201)


class EvaluationRequestListApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("iep", int), OpenApiParameter("status", str)],
                   responses=EvaluationRequestOut(many=True))
    def get(self, request):
        query = query_params(request, EvaluationListQueryIn)
        rows = evaluation_requests_visible_to(request.user)
        if "iep" in query:
            rows = rows.filter(iep_id=query["iep"])
        if "status" in query:
            rows = rows.filter(status=query["status"])
        return paginate(self, request, rows, EvaluationRequestAnyOut, context={"viewer": request.user},
                        on_page=lambda page: record_reads(request, [e.iep.student for e in page]))


class EvaluationRequestDetailApi(APIView):
    @extend_schema(responses=EvaluationRequestOut)
    def get(self, request, request_id):
        return Response(evaluation_request_data(evaluation_request_get_for(request.user, request_id), request.user))


# Decision and engagement --------------------------------------------------------------------

class EvaluationDecisionApi(APIView):
    throttle_classes = [WriteThrottle]

    class EvaluationDecisionIn(InputSerializer):
        decision = serializers.ChoiceField(choices=EvaluationRequest.Decision.choices)
        note = TextField(max_length=TEXT_LIMIT, required=False, allow_blank=True, default="")
        cost_cap = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True,
                                            min_value=0)
        report_due = serializers.DateField(required=False, allow_null=True)
        due_process_reference = TextField(max_length=200, required=False, allow_blank=True, default="")
        purchase_reference = TextField(max_length=100, required=False, allow_blank=True, default="")

    @extend_schema(request=EvaluationDecisionIn, responses=EvaluationRequestOut)
    def post(self, request, request_id):
        evaluation = evaluation_request_get_for(request.user, request_id)
        data = self.EvaluationDecisionIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.evaluation_request_decide(actor=request.user, request=evaluation, **data.validated_data)
        return _answer(request, request_id)


class EvaluationEvaluatorOptionOut(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    email = serializers.EmailField()
    organization = serializers.CharField(source="evaluator_organization.name")


class EvaluationEligibleEvaluatorsApi(APIView):
    """Who the administrator may assign: independent evaluators not tied to the district or team."""

    @extend_schema(responses=EvaluationEvaluatorOptionOut(many=True))
    def get(self, request, request_id):
        evaluation = evaluation_request_get_for(request.user, request_id)
        if not may_assign(request.user, evaluation):
            raise Forbidden("Only a district administrator assigns the evaluator.")
        return paginate(self, request, services.eligible_evaluators(evaluation), EvaluationEvaluatorOptionOut)


class EvaluationAssignApi(APIView):
    throttle_classes = [WriteThrottle]

    class EvaluationAssignIn(InputSerializer):
        evaluator = serializers.IntegerField(min_value=1)

    @extend_schema(request=EvaluationAssignIn, responses=EvaluationRequestOut)
    def post(self, request, request_id):
        evaluation = evaluation_request_get_for(request.user, request_id)
        data = self.EvaluationAssignIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.evaluation_request_assign(actor=request.user, request=evaluation,
                                           evaluator_id=data.validated_data["evaluator"])
        return _answer(request, request_id)


class EvaluationAttestationApi(APIView):
    throttle_classes = [WriteThrottle]

    class EvaluationAttestationIn(InputSerializer):
        independent_of_district = serializers.BooleanField()
        independent_of_family = serializers.BooleanField()
        statement = TextField(max_length=TEXT_LIMIT, allow_blank=True)

    @extend_schema(request=EvaluationAttestationIn, responses=EvaluationRequestOut)
    def post(self, request, request_id):
        evaluation = evaluation_request_get_for(request.user, request_id)
        data = self.EvaluationAttestationIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.evaluation_request_attest(actor=request.user, request=evaluation, **data.validated_data)
        return _answer(request, request_id)


# Files --------------------------------------------------------------------------------------

def _pdf_response(stored: ReportFile) -> FileResponse:
    response = FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.display_name,
                            content_type="application/pdf")
    response["Content-Length"] = str(stored.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


class _DownloadMixin:
    def perform_content_negotiation(self, request, force=False):
        # The answer is a PDF whatever the Accept header asks for; errors stay JSON.
        return super().perform_content_negotiation(request, force=True)

    def _download(self, request, evaluation, stored):
        record_read(request, evaluation.iep.student, stored, action="download")
        return _pdf_response(stored)


PDF_RESPONSE = {(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF, as an attachment.")}


class EvaluationReportApi(_DownloadMixin, APIView):
    """POST: the evaluator uploads the report (or an appendix). GET: the main report, for the team
    once submitted and for the evaluator."""

    throttle_classes = [WriteThrottle]
    parser_classes = [ReportUploadParser]
    # The only API body larger than REQUEST_BODY_MAX_BYTES, and only for the engaged evaluator.
    large_body = LargeBody(max_bytes=upload_body_max_bytes, may=may_upload_to)

    class EvaluationFileIn(InputSerializer):
        file = serializers.FileField(allow_empty_file=True, use_url=False)
        kind = serializers.ChoiceField(choices=ReportFile.Kind.choices, required=False,
                                       default=ReportFile.Kind.REPORT)

    def initialize_request(self, request, *args, **kwargs):
        # Before anything reads the body (the CSRF check of a session reads it too): the upload
        # streams to a temporary file and stops at the size limit.
        if request.method == "POST":
            request.upload_handlers = [LimitedUploadHandler(request)]
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(responses=PDF_RESPONSE)
    def get(self, request, request_id):
        evaluation = evaluation_request_get_for(request.user, request_id)
        _case_visible(request, evaluation)
        return self._download(request, evaluation, main_report_for(request.user, evaluation))

    @extend_schema(request={"multipart/form-data": EvaluationFileIn}, responses={201: EvaluationFileOut})
    def post(self, request, request_id):
        evaluation = evaluation_request_get_for(request.user, request_id)
        data = self.EvaluationFileIn(data=request.data)
        data.is_valid(raise_exception=True)
        stored = services.evaluation_file_upload(actor=request.user, request=evaluation,
                                                 upload=data.validated_data["file"], kind=data.validated_data["kind"])
        return Response(EvaluationFileOut(stored).data, status=201)


class EvaluationFilesApi(APIView):
    @extend_schema(responses=EvaluationFileOut(many=True))
    def get(self, request, request_id):
        evaluation = evaluation_request_get_for(request.user, request_id)
        _case_visible(request, evaluation)
        return paginate(self, request, files_for(request.user, evaluation), EvaluationFileOut)


class EvaluationFileDetailApi(_DownloadMixin, APIView):
    throttle_classes = [WriteThrottle]

    @extend_schema(responses=PDF_RESPONSE)
    def get(self, request, request_id, file_id):
        evaluation = evaluation_request_get_for(request.user, request_id)
        _case_visible(request, evaluation)
        return self._download(request, evaluation, file_get_for(request.user, evaluation, file_id))

    @extend_schema(responses={204: None})
    def delete(self, request, request_id, file_id):
        evaluation = evaluation_request_get_for(request.user, request_id)
        _case_visible(request, evaluation)
        stored = file_get_for(request.user, evaluation, file_id)
        services.evaluation_file_delete(actor=request.user, request=evaluation, file=stored)
        return Response(status=204)


# Findings -----------------------------------------------------------------------------------

class EvaluationFindingIn(InputSerializer):
    recommendation = serializers.IntegerField(min_value=1)
    opinion = serializers.ChoiceField(choices=Finding.Opinion.choices)
    minutes_per_week = serializers.IntegerField(min_value=0, max_value=3000, required=False, allow_null=True)
    rationale = TextField(max_length=TEXT_LIMIT, allow_blank=True)


class EvaluationFindingsIn(InputSerializer):
    summary = TextField(max_length=TEXT_LIMIT, allow_blank=True)
    findings = EvaluationFindingIn(many=True, max_length=100)


class EvaluationAmendmentIn(EvaluationFindingsIn):
    note = TextField(max_length=TEXT_LIMIT)


class EvaluationFindingsOut(serializers.Serializer):
    request = serializers.IntegerField(source="request_id")
    version = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField()
    summary = serializers.CharField()
    findings = EvaluationFindingOut(many=True)


class EvaluationFindingsApi(APIView):
    """GET: the findings as the caller may see them (the evaluator's draft; the team's once
    submitted). PUT: the evaluator replaces the draft."""

    throttle_classes = [WriteThrottle]

    class FindingsQueryIn(InputSerializer):
        version = serializers.IntegerField(required=False, min_value=1)

    @extend_schema(parameters=[OpenApiParameter("version", int)], responses=EvaluationFindingsOut)
    def get(self, request, request_id):
        evaluation = evaluation_request_get_for(request.user, request_id)
        _case_visible(request, evaluation)
        wanted = query_params(request, self.FindingsQueryIn).get("version")
        if wanted is None:
            version = findings_version_for(request.user, evaluation)
        else:
            version = next((v for v in findings_versions_for(request.user, evaluation) if v.version == wanted), None)
        if version is None:
            raise NotFound()
        record_read(request, evaluation.iep.student, version)
        return Response(EvaluationFindingsOut(version).data)

    @extend_schema(request=EvaluationFindingsIn, responses=EvaluationFindingsOut)
    def put(self, request, request_id):
        evaluation = evaluation_request_get_for(request.user, request_id)
        data = EvaluationFindingsIn(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.evaluation_findings_save(actor=request.user, request=evaluation, **data.validated_data)
        return Response(EvaluationFindingsOut(version).data)


class EvaluationAmendmentsApi(APIView):
    throttle_classes = [WriteThrottle]

    @extend_schema(request=EvaluationAmendmentIn, responses={201: EvaluationFindingsOut})
    def post(self, request, request_id):
        evaluation = evaluation_request_get_for(request.user, request_id)
        data = EvaluationAmendmentIn(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.evaluation_findings_amend(actor=request.user, request=evaluation, **data.validated_data)
        return Response(EvaluationFindingsOut(version).data, status=201)


# Transitions without a body (or with a note) ------------------------------------------------

class EvaluationNoteIn(InputSerializer):
    note = TextField(max_length=TEXT_LIMIT, required=False, allow_blank=True, default="")


def _transition(name, service, with_note=False):
    class TransitionApi(APIView):
        throttle_classes = [WriteThrottle]

        @extend_schema(request=EvaluationNoteIn if with_note else None, responses=EvaluationRequestOut)
        def post(self, request, request_id):
            evaluation = evaluation_request_get_for(request.user, request_id)
            kwargs = {}
            if with_note:
                data = EvaluationNoteIn(data=request.data)
                data.is_valid(raise_exception=True)
                kwargs = data.validated_data
            service(actor=request.user, request=evaluation, **kwargs)
            return _answer(request, request_id)

    TransitionApi.__name__ = TransitionApi.__qualname__ = name
    TransitionApi.__doc__ = service.__doc__
    return TransitionApi


EvaluationSubmitApi = _transition("EvaluationSubmitApi", services.evaluation_request_submit)
EvaluationAcknowledgeApi = _transition("EvaluationAcknowledgeApi", services.evaluation_request_acknowledge)
EvaluationWithdrawApi = _transition("EvaluationWithdrawApi", services.evaluation_request_withdraw, with_note=True)
EvaluationCloseApi = _transition("EvaluationCloseApi", services.evaluation_request_close, with_note=True)
EvaluationRevokeApi = _transition("EvaluationRevokeApi", services.evaluation_request_revoke, with_note=True)


# The evaluator's questions ------------------------------------------------------------------

class EvaluationQuestionIn(InputSerializer):
    body = serializers.CharField(max_length=BODY_MAX, trim_whitespace=True)
    parent = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class EvaluationQuestionsApi(APIView):
    """The thread where the evaluator asks the team questions (opened at attestation)."""

    throttle_classes = [WriteThrottle]

    def _thread(self, request, request_id):
        evaluation = evaluation_request_get_for(request.user, request_id)
        _case_visible(request, evaluation)
        thread = evaluation.questions_thread
        if thread is None:
            raise NotFound()
        thread.iep = evaluation.iep
        return evaluation, thread

    @extend_schema(responses=CommentOut(many=True))
    def get(self, request, request_id):
        evaluation, thread = self._thread(request, request_id)
        record_read(request, evaluation.iep.student, thread)
        return paginate(self, request, comments_of(thread), CommentOut)

    @extend_schema(request=EvaluationQuestionIn, responses={201: CommentOut})
    def post(self, request, request_id):
        _evaluation, thread = self._thread(request, request_id)
        data = EvaluationQuestionIn(data=request.data)
        data.is_valid(raise_exception=True)
        comment = comment_create(actor=request.user, thread=thread, body=data.validated_data["body"],
                                 parent_id=data.validated_data.get("parent"))
        return Response(CommentOut(comment).data, status=201)

