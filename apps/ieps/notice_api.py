"""Prior written notices (API.md "Positions, suggested changes, consent and notices")."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import InputSerializer, TextField, WriteThrottle, paginate

from .models import PriorWrittenNotice
from .notice_views import notice_pdf_response
from .notices import (DEFAULT_CONTACT, TEXT_LIMIT, notice_get_for, notice_issue, notice_pdf_url, notice_url,
                      notices_of)
from .selectors import iep_get_for, recommendation_get_for


class NoticeOut(serializers.ModelSerializer):
    class IssuerOut(serializers.Serializer):
        id = serializers.IntegerField()
        full_name = serializers.CharField()

    issued_by = IssuerOut()
    contact = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = PriorWrittenNotice
        fields = ["id", "iep", "recommendation", "recommendation_version", "recommendation_title", "action",
                  "reasons", "data_used", "options_considered", "other_factors", "safeguards_url", "contact",
                  "language", "issued_by", "created_at", "url", "pdf_url"]

    def get_contact(self, notice) -> str:
        return notice.contact or str(DEFAULT_CONTACT)

    def get_url(self, notice) -> str:
        return notice_url(notice)

    def get_pdf_url(self, notice) -> str:
        return notice_pdf_url(notice)


class NoticeIssueApi(APIView):
    throttle_classes = [WriteThrottle]

    class NoticeIn(InputSerializer):
        action = serializers.ChoiceField(choices=PriorWrittenNotice.Action.choices)
        reasons = TextField(max_length=TEXT_LIMIT)
        data_used = TextField(max_length=TEXT_LIMIT)
        options_considered = TextField(max_length=TEXT_LIMIT)
        other_factors = TextField(max_length=TEXT_LIMIT, required=False, allow_blank=True, default="")

    @extend_schema(request=NoticeIn, responses={201: NoticeOut})
    def post(self, request, recommendation_id):
        rec = recommendation_get_for(request.user, recommendation_id)
        data = self.NoticeIn(data=request.data)
        data.is_valid(raise_exception=True)
        notice = notice_issue(actor=request.user, recommendation=rec, **data.validated_data)
        return Response(NoticeOut(notice).data, status=201)


class IEPNoticesApi(APIView):
    @extend_schema(responses=NoticeOut(many=True))
    def get(self, request, iep_id):
        iep = iep_get_for(request.user, iep_id)
        return paginate(self, request, notices_of(iep, request.user), NoticeOut)


class PdfRenderer(BaseRenderer):
    """Lets a client that asks for application/pdf only get it (and its errors, as JSON bytes)."""

    media_type = "application/pdf"
    format = "pdf"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else JSONRenderer().render(data)


class NoticePdfApi(APIView):
    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, notice_id):
        return notice_pdf_response(request, notice_get_for(request.user, notice_id))
