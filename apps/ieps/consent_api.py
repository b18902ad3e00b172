"""Consent, signatures, paper consent, the signed PDF and amendments (API.md, "Positions,
suggested changes, consent and notices"). Thin: validate, call one service or selector."""
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.addresses import client_address
from apps.core.api import InputSerializer, TextField, WriteThrottle
from apps.core.errors import Conflict, Forbidden

from . import consent
from .models import ConsentDecision, IEP, Signature
from .policy import may_download_signed
from .representations import IEPDetailOut, SignatureOut
from .selectors import iep_get_for, signatures_of
from .signed_pdf import signed_iep_pdf

HASH = {"min_length": 64, "max_length": 64}


class DecisionIn(InputSerializer):
    recommendation = serializers.IntegerField()
    decision = serializers.ChoiceField(choices=ConsentDecision.Decision.choices)
    note = TextField(max_length=2000, required=False, allow_blank=True, default="")


class ESignatureIn(InputSerializer):
    full_name = TextField(max_length=200)
    consent_to_electronic_signature = serializers.BooleanField()

    def validate_consent_to_electronic_signature(self, value):
        if value is not True:
            raise serializers.ValidationError(_("Agree to sign electronically, or ask the case manager for paper."))
        return value


def _audit(request) -> dict:
    return {"ip_address": client_address(request), "user_agent": request.META.get("HTTP_USER_AGENT", "")}


class ConsentApi(APIView):
    throttle_classes = [WriteThrottle]

    class ConsentIn(InputSerializer):
        content_hash = serializers.CharField(**HASH)
        decisions = serializers.ListField(child=DecisionIn(), max_length=500)
        signature = ESignatureIn()

    @extend_schema(request=ConsentIn, responses=IEPDetailOut)
    def post(self, request, iep_id):
        """A parent's answer to the proposed IEP and their electronic signature."""
        iep = iep_get_for(request.user, iep_id)
        data = self.ConsentIn(data=request.data)
        if not consent.may_consent(request.user, iep.student):  # 403 before any detail of the body
            raise Forbidden(_("Only a parent of the child gives or declines consent."))
        data.is_valid(raise_exception=True)
        given = data.validated_data
        iep = consent.iep_consent_give(actor=request.user, iep=iep, content_hash=given["content_hash"],
                                       decisions=given["decisions"], **given["signature"], **_audit(request))
        return Response(IEPDetailOut(iep).data)


class PaperConsentApi(APIView):
    throttle_classes = [WriteThrottle]

    class PaperConsentIn(InputSerializer):
        parent = serializers.IntegerField()
        content_hash = serializers.CharField(**HASH)
        decisions = serializers.ListField(child=DecisionIn(), max_length=500)
        signed_on = serializers.DateField()

    @extend_schema(request=PaperConsentIn, responses=IEPDetailOut)
    def post(self, request, iep_id):
        """The case manager records a parent's consent given on paper."""
        iep = iep_get_for(request.user, iep_id)
        if not consent.may_record_paper_consent(request.user, iep.student):
            raise Forbidden(_("Only the case manager records a consent given on paper."))
        data = self.PaperConsentIn(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        iep = consent.iep_paper_consent_record(actor=request.user, iep=iep, parent_id=given["parent"],
                                               content_hash=given["content_hash"], decisions=given["decisions"],
                                               signed_on=given["signed_on"], **_audit(request))
        return Response(IEPDetailOut(iep).data)


class SignaturesApi(APIView):
    throttle_classes = [WriteThrottle]

    class StaffSignatureIn(InputSerializer):
        content_hash = serializers.CharField(**HASH)
        full_name = TextField(max_length=200)
        capacity = serializers.ChoiceField(choices=Signature.Capacity.choices)

    @extend_schema(responses=SignatureOut(many=True))
    def get(self, request, iep_id):
        iep = iep_get_for(request.user, iep_id)
        return Response(SignatureOut(signatures_of(iep, request.user), many=True).data)

    @extend_schema(request=StaffSignatureIn, responses={201: SignatureOut})
    def post(self, request, iep_id):
        """Staff on the team sign for attendance or agreement."""
        iep = iep_get_for(request.user, iep_id)
        if not consent.may_sign_as_staff(request.user, iep.student):
            raise Forbidden(_("Only school staff on the child's team sign here."))
        data = self.StaffSignatureIn(data=request.data)
        data.is_valid(raise_exception=True)
        signature = consent.iep_signature_add(actor=request.user, iep=iep, **data.validated_data, **_audit(request))
        signature.current = True
        signature.visible_decisions = []
        return Response(SignatureOut(signature).data, status=201)


class SignedPdfApi(APIView):
    def perform_content_negotiation(self, request, force=False):
        # The answer is a PDF whatever the Accept header asks for; errors stay JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY,
                                                                        description="The signed IEP.")})
    def get(self, request, iep_id):
        iep = iep_get_for(request.user, iep_id)
        if not may_download_signed(request.user, iep.student):
            raise Forbidden(_("The signed IEP holds every recommendation; an independent evaluator sees only "
                              "those in dispute."))
        if iep.status == IEP.Status.DRAFT:
            # A proposed IEP downloads too: the family's paper copy, with the signatures so far.
            raise Conflict(_("This IEP is a draft: it has not been proposed to the family yet."), code="not_proposed")
        answer = HttpResponse(signed_iep_pdf(iep), content_type="application/pdf")
        answer["Content-Disposition"] = f'attachment; filename="iep-{iep.id}-signed.pdf"'
        return answer


class AmendmentApi(APIView):
    throttle_classes = [WriteThrottle]

    @extend_schema(request=None, responses={201: IEPDetailOut})
    def post(self, request, iep_id):
        """The case manager starts an amendment: a new draft copying the active IEP."""
        iep = iep_get_for(request.user, iep_id)
        draft = consent.iep_amendment_start(actor=request.user, iep=iep)
        return Response(IEPDetailOut(draft).data, status=201)
