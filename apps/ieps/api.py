from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from apps.audit.recording import record_reads
from apps.core.api import InputSerializer, TextField, WriteThrottle, paginate, paginate_rows, query_params
from apps.students.api import StudentOut
from apps.students.selectors import student_and_standing_for, student_get_for, students_visible_to
from apps.students.standing import note_standing

from . import services
from .models import IEP, Position, Recommendation
from .representations import (
    IEPDetailOut, IEPOut, PositionOut, RecommendationOut, RecommendationVersionOut, recommendation_row,
)
from .selectors import (
    event_presenter_for,
    events_after,
    iep_and_standing_for,
    iep_get_for,
    ieps_visible_to,
    positions_of,
    recommendation_and_standing_for,
    recommendation_get_for,
    recommendations_of,
    versions_of,
)


def _iep_read(request, iep_id):
    """The IEP, its reader's standing worked out once and handed to the access record too."""
    iep, standing = iep_and_standing_for(request.user, iep_id)
    note_standing(request, standing)
    return iep, standing


def _recommendation_read(request, recommendation_id):
    rec, standing = recommendation_and_standing_for(request.user, recommendation_id, summary=True)
    note_standing(request, standing)
    return rec

TEXT_LIMIT = 20_000


class StudentListApi(APIView):
    """The children visible to the caller. Lives here, above `audit`: each child listed is a read
    of their record (a route naming one child is recorded by apps.audit.recording itself)."""

    @extend_schema(responses=StudentOut(many=True))
    def get(self, request):
        return paginate(self, request, students_visible_to(request.user), StudentOut,
                        on_page=lambda rows: record_reads(request, rows))


class StudentDetailApi(APIView):
    """A child's summary."""

    @extend_schema(responses=StudentOut)
    def get(self, request, student_id):
        student, standing = student_and_standing_for(request.user, student_id)
        note_standing(request, standing)
        return Response(StudentOut(student).data)


class StudentIEPsApi(APIView):
    throttle_classes = [WriteThrottle]

    class IEPIn(InputSerializer):
        meeting_at = serializers.DateField()
        last_evaluated_on = serializers.DateField(required=False, allow_null=True)

    @extend_schema(responses=IEPOut(many=True))
    def get(self, request, student_id):
        student, standing = student_and_standing_for(request.user, student_id)
        note_standing(request, standing)
        return paginate(self, request, ieps_visible_to(request.user).filter(student=student), IEPOut)

    @extend_schema(request=IEPIn, responses={201: IEPOut})
    def post(self, request, student_id):
        student = student_get_for(request.user, student_id)
        data = self.IEPIn(data=request.data)
        data.is_valid(raise_exception=True)
        iep = services.iep_create(actor=request.user, student=student, **data.validated_data)
        return Response(IEPOut(iep).data, status=201)


class IEPDetailApi(APIView):
    throttle_classes = [WriteThrottle]

    class IEPDatesIn(InputSerializer):
        meeting_at = serializers.DateField(required=False)
        last_evaluated_on = serializers.DateField(required=False, allow_null=True)

    @extend_schema(responses=IEPDetailOut)
    def get(self, request, iep_id):
        return Response(IEPDetailOut(_iep_read(request, iep_id)[0]).data)

    @extend_schema(request=IEPDatesIn, responses=IEPDetailOut)
    def patch(self, request, iep_id):
        """A draft's dates (case manager, district admin); the due dates follow from them."""
        iep = iep_get_for(request.user, iep_id)
        data = self.IEPDatesIn(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data  # a date left out keeps its value
        iep = services.iep_update_dates(actor=request.user, iep=iep,
                                        meeting_at=given.get("meeting_at", iep.meeting_at),
                                        last_evaluated_on=given.get("last_evaluated_on", iep.last_evaluated_on))
        return Response(IEPDetailOut(iep).data)


class IEPStatusApi(APIView):
    throttle_classes = [WriteThrottle]

    class IEPStatusIn(InputSerializer):
        status = serializers.ChoiceField(choices=IEP.Status.choices)

    @extend_schema(request=IEPStatusIn, responses=IEPDetailOut)
    def post(self, request, iep_id):
        iep = iep_get_for(request.user, iep_id)
        data = self.IEPStatusIn(data=request.data)
        data.is_valid(raise_exception=True)
        iep = services.iep_set_status(actor=request.user, iep=iep, status=data.validated_data["status"])
        return Response(IEPDetailOut(iep).data)


class RecommendationIn(InputSerializer):
    area = TextField(max_length=100, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Recommendation.Kind.choices)
    title = TextField(max_length=200)
    description = TextField(max_length=TEXT_LIMIT, required=False, allow_blank=True)
    rationale = TextField(max_length=TEXT_LIMIT)
    minutes_per_week = serializers.IntegerField(min_value=0, max_value=3000, required=False, allow_null=True)
    setting = TextField(max_length=200, required=False, allow_blank=True)


class RecommendationPatchIn(RecommendationIn):
    status = serializers.ChoiceField(choices=Recommendation.Status.choices, required=False)
    change_note = TextField(max_length=500, required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class RecommendationListApi(APIView):
    throttle_classes = [WriteThrottle]

    @extend_schema(responses=RecommendationOut(many=True))
    def get(self, request, iep_id):
        iep, standing = _iep_read(request, iep_id)
        return paginate_rows(self, request, recommendations_of(iep, standing), recommendation_row)

    @extend_schema(request=RecommendationIn, responses={201: RecommendationOut})
    def post(self, request, iep_id):
        iep = iep_get_for(request.user, iep_id)
        data = RecommendationIn(data=request.data)
        data.is_valid(raise_exception=True)
        rec = services.recommendation_create(actor=request.user, iep=iep, **data.validated_data)
        return Response(RecommendationOut(rec).data, status=201)


class RecommendationDetailApi(APIView):
    throttle_classes = [WriteThrottle]

    @extend_schema(responses=RecommendationOut)
    def get(self, request, recommendation_id):
        return Response(RecommendationOut(_recommendation_read(request, recommendation_id)).data)

    @extend_schema(request=RecommendationPatchIn, responses=RecommendationOut)
    def patch(self, request, recommendation_id):
        rec = recommendation_get_for(request.user, recommendation_id)
        data = RecommendationPatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        rec = services.recommendation_update(actor=request.user, recommendation=rec, **data.validated_data)
        return Response(RecommendationOut(rec).data)


class RecommendationVersionsApi(APIView):
    @extend_schema(responses=RecommendationVersionOut(many=True))
    def get(self, request, recommendation_id):
        rec = _recommendation_read(request, recommendation_id)
        return paginate(self, request, versions_of(rec), RecommendationVersionOut)


class PositionsApi(APIView):
    @extend_schema(responses=PositionOut(many=True))
    def get(self, request, recommendation_id):
        rec = _recommendation_read(request, recommendation_id)
        return paginate(self, request, positions_of(rec), PositionOut)


class PositionApi(APIView):
    throttle_classes = [WriteThrottle]

    class PositionIn(InputSerializer):
        stance = serializers.ChoiceField(choices=Position.Stance.choices)
        basis = TextField(max_length=TEXT_LIMIT, required=False, allow_blank=True, default="")
        observed_in = serializers.ChoiceField(choices=Position.Observed.choices, required=False, allow_blank=True, default="")
        examples = TextField(max_length=TEXT_LIMIT, required=False, allow_blank=True, default="")

    @extend_schema(request=PositionIn, responses=PositionOut)
    def put(self, request, recommendation_id):
        rec = recommendation_get_for(request.user, recommendation_id)
        data = self.PositionIn(data=request.data)
        data.is_valid(raise_exception=True)
        position = services.position_set(actor=request.user, recommendation=rec, **data.validated_data)
        return Response(PositionOut(position).data)


class EventsApi(APIView):
    class EventOut(serializers.Serializer):
        seq = serializers.IntegerField()
        type = serializers.CharField()
        at = serializers.DateTimeField()
        data = serializers.JSONField()

    class EventsQueryIn(InputSerializer):
        after = serializers.IntegerField(min_value=0, required=False, default=0)

    @extend_schema(parameters=[OpenApiParameter("after", int)], responses=EventOut(many=True))
    def get(self, request, iep_id):
        iep, standing = _iep_read(request, iep_id)
        after = query_params(request, self.EventsQueryIn)["after"]
        paginator = api_settings.DEFAULT_PAGINATION_CLASS()
        page = paginator.paginate_queryset(events_after(iep, after), request, view=self)
        present = event_presenter_for(standing, iep)
        return paginator.get_paginated_response([present(event) for event in page])
