from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import InputSerializer, WriteThrottle, paginate_rows
from apps.ieps.selectors import iep_get_for, recommendation_and_standing_for, recommendation_get_for
from apps.students.standing import note_standing

from . import services
from .representations import CommentOut, comment_row
from .selectors import comment_get_for, comments_listed, thread_of, unread_counts_for


class CommentIn(InputSerializer):
    # The service trims and re-checks the length; the limit here answers oversized input early.
    body = serializers.CharField(max_length=services.BODY_MAX, trim_whitespace=True)
    parent = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    mentions = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=50)


class CommentEditIn(InputSerializer):
    body = serializers.CharField(max_length=services.BODY_MAX, trim_whitespace=True)


class ThreadOut(serializers.Serializer):
    id = serializers.IntegerField()
    recommendation = serializers.IntegerField(source="recommendation_id")
    status = serializers.CharField()
    resolved_at = serializers.DateTimeField(allow_null=True)


class CommentListApi(APIView):
    throttle_classes = [WriteThrottle]

    @extend_schema(responses=CommentOut(many=True))
    def get(self, request, recommendation_id):
        rec, standing = recommendation_and_standing_for(request.user, recommendation_id)
        note_standing(request, standing)
        return paginate_rows(self, request, comments_listed(thread_of(rec)),
                             lambda comment: comment_row(comment, recommendation_id=rec.id))

    @extend_schema(request=CommentIn, responses={201: CommentOut})
    def post(self, request, recommendation_id):
        # The author's standing on the child is worked out once, here, for every check below.
        rec, standing = recommendation_and_standing_for(request.user, recommendation_id)
        data = CommentIn(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_create(
            actor=request.user, thread=thread_of(rec), body=data.validated_data["body"],
            parent_id=data.validated_data.get("parent"), mentions=data.validated_data.get("mentions"),
            standing=standing,
        )
        return Response(CommentOut(comment).data, status=201)


class CommentDetailApi(APIView):
    throttle_classes = [WriteThrottle]

    @extend_schema(responses=CommentOut)
    def get(self, request, comment_id):
        return Response(CommentOut(comment_get_for(request.user, comment_id)).data)

    @extend_schema(request=CommentEditIn, responses=CommentOut)
    def patch(self, request, comment_id):
        comment = comment_get_for(request.user, comment_id)
        data = CommentEditIn(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_edit(actor=request.user, comment=comment, body=data.validated_data["body"])
        return Response(CommentOut(comment).data)

    @extend_schema(responses=CommentOut)
    def delete(self, request, comment_id):
        comment = comment_get_for(request.user, comment_id)
        return Response(CommentOut(services.comment_delete(actor=request.user, comment=comment)).data)


class ThreadResolveApi(APIView):
    throttle_classes = [WriteThrottle]

    @extend_schema(request=None, responses=ThreadOut)
    def post(self, request, recommendation_id):
        rec = recommendation_get_for(request.user, recommendation_id)
        return Response(ThreadOut(services.thread_resolve(actor=request.user, thread=thread_of(rec))).data)


class ThreadReopenApi(APIView):
    throttle_classes = [WriteThrottle]

    @extend_schema(request=None, responses=ThreadOut)
    def post(self, request, recommendation_id):
        rec = recommendation_get_for(request.user, recommendation_id)
        return Response(ThreadOut(services.thread_reopen(actor=request.user, thread=thread_of(rec))).data)


class ThreadReadApi(APIView):
    """Marks the recommendation's discussion read up to its newest comment."""

    @extend_schema(request=None, responses={200: {"type": "object"}})
    def post(self, request, recommendation_id):
        rec = recommendation_get_for(request.user, recommendation_id)
        marker = services.thread_mark_read(actor=request.user, thread=thread_of(rec))
        return Response({"recommendation": rec.id, "last_read_comment": marker.last_read_comment_id, "unread": 0})


class UnreadApi(APIView):
    """Unread comments on an IEP for the caller: in all, and per recommendation."""

    @extend_schema(responses={200: {"type": "object"}})
    def get(self, request, iep_id):
        iep = iep_get_for(request.user, iep_id)
        counts = unread_counts_for(request.user, iep)
        return Response({"iep": iep.id, "total": sum(counts.values()),
                         "recommendations": {str(k): v for k, v in counts.items()}})
