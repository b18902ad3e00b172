from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import paginate

from .models import Notification
from .selectors import notifications_of
from .services import notification_mark_read


class NotificationOut(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "text", "url", "created_at", "read_at"]


class NotificationListApi(APIView):
    @extend_schema(responses=NotificationOut(many=True))
    def get(self, request):
        return paginate(self, request, notifications_of(request.user), NotificationOut)


class NotificationReadApi(APIView):
    @extend_schema(request=None, responses=NotificationOut)
    def post(self, request, notification_id):
        return Response(NotificationOut(notification_mark_read(actor=request.user, notification_id=notification_id)).data)
