"""/api/v1/ suggested changes (API.md "Positions, suggested changes, consent and notices"), and the
history of positions. Thin: validate, call one service or selector, shape the answer."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import InputSerializer, TextField, WriteThrottle, paginate

from . import suggestions as services
from .api import TEXT_LIMIT
from .models import SUGGESTABLE_FIELDS
from .representations import PositionRecordOut, SuggestionOut
from .selectors import position_history_of, recommendation_get_for, suggestion_get_for, suggestions_of, versions_of


class PositionHistoryApi(APIView):
    """Every position ever recorded on the recommendation, oldest first."""

    @extend_schema(responses=PositionRecordOut(many=True))
    def get(self, request, recommendation_id):
        rec = recommendation_get_for(request.user, recommendation_id)
        return paginate(self, request, position_history_of(rec), PositionRecordOut)


class ChangesIn(InputSerializer):
    title = TextField(max_length=200, required=False)
    description = TextField(max_length=TEXT_LIMIT, required=False, allow_blank=True)
    rationale = TextField(max_length=TEXT_LIMIT, required=False)
    minutes_per_week = serializers.IntegerField(min_value=0, max_value=3000, required=False, allow_null=True)
    setting = TextField(max_length=200, required=False, allow_blank=True)

    def to_internal_value(self, data):
        # Any key but these five is a mistake to say out loud, not to drop in silence.
        if isinstance(data, dict):
            unknown = sorted(str(key)[:50] for key in data if key not in SUGGESTABLE_FIELDS)
            if unknown:
                raise serializers.ValidationError(
                    {key: [_("Not something a suggestion can change: only %s.") % ", ".join(SUGGESTABLE_FIELDS)]
                     for key in unknown})
            if not data:
                raise serializers.ValidationError([_("Give at least one of: %s.") % ", ".join(SUGGESTABLE_FIELDS)])
        return super().to_internal_value(data)


class SuggestionIn(InputSerializer):
    changes = ChangesIn()
    reason = TextField(max_length=TEXT_LIMIT)
    base_version = serializers.IntegerField(min_value=1)


class DeclineIn(InputSerializer):
    note = TextField(max_length=TEXT_LIMIT)


def _versions(rec) -> dict:
    return {v.version: v for v in versions_of(rec)}


class SuggestionListApi(APIView):
    throttle_classes = [WriteThrottle]

    @extend_schema(responses=SuggestionOut(many=True))
    def get(self, request, recommendation_id):
        rec = recommendation_get_for(request.user, recommendation_id)
        return paginate(self, request, suggestions_of(rec), SuggestionOut, context={"versions": _versions(rec)})

    @extend_schema(request=SuggestionIn, responses={201: SuggestionOut})
    def post(self, request, recommendation_id):
        rec = recommendation_get_for(request.user, recommendation_id)
        data = SuggestionIn(data=request.data)
        data.is_valid(raise_exception=True)
        suggestion = services.suggestion_create(actor=request.user, recommendation=rec, **data.validated_data)
        return Response(SuggestionOut(suggestion).data, status=201)


# One step on a suggestion (API.md: accept, decline, withdraw): load it through the selector (404
# when not visible), call this step's service with the body's validated fields, answer the
# suggestion as it is now; the service decides who may and when. (A comment, not a docstring: the
# schema would show a docstring as each step's description.)
class _SuggestionStepApi(APIView):
    throttle_classes = [WriteThrottle]
    service = None  # staticmethod(services.suggestion_<step>)
    body = None  # the step's InputSerializer, when it takes one

    @extend_schema(request=None, responses=SuggestionOut)
    def post(self, request, suggestion_id):
        suggestion = suggestion_get_for(request.user, suggestion_id)
        fields = {}
        if self.body is not None:
            data = self.body(data=request.data)
            data.is_valid(raise_exception=True)
            fields = data.validated_data
        return Response(SuggestionOut(self.service(actor=request.user, suggestion=suggestion, **fields)).data)


class SuggestionAcceptApi(_SuggestionStepApi):
    service = staticmethod(services.suggestion_accept)


@extend_schema_view(post=extend_schema(request=DeclineIn))
class SuggestionDeclineApi(_SuggestionStepApi):
    service = staticmethod(services.suggestion_decline)
    body = DeclineIn


class SuggestionWithdrawApi(_SuggestionStepApi):
    service = staticmethod(services.suggestion_withdraw)
