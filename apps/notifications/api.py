from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import InputSerializer, WriteThrottle, paginate

from .models import Notification
from .preferences import all_settings, preference_of
from .selectors import notifications_of
from .services import notification_mark_read, notification_preferences_update


class NotificationOut(serializers.ModelSerializer):
    deadline = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "text", "url", "created_at", "read_at", "deadline"]

    def get_deadline(self, notification) -> int | None:
        return notification.about_id if notification.about_kind == "deadline" else None


class NotificationListApi(APIView):
    @extend_schema(responses=NotificationOut(many=True))
    def get(self, request):
        rows = notifications_of(request.user)
        if request.query_params.get("unread") in ("1", "true"):
            rows = rows.filter(read_at__isnull=True)
        return paginate(self, request, rows, NotificationOut)


class NotificationReadApi(APIView):
    @extend_schema(request=None, responses=NotificationOut)
    def post(self, request, notification_id):
        return Response(NotificationOut(notification_mark_read(actor=request.user, notification_id=notification_id)).data)


class PreferencesOut(serializers.Serializer):
    timezone = serializers.CharField()
    digest_hour = serializers.IntegerField()
    calendar_full_names = serializers.BooleanField()
    kinds = serializers.DictField(child=serializers.DictField())


def _preferences_data(user) -> dict:
    row = preference_of(user)
    return {"timezone": row.timezone, "digest_hour": row.digest_hour, "calendar_full_names": row.calendar_full_names,
            "kinds": all_settings(row)}


class NotificationPreferencesApi(APIView):
    throttle_classes = [WriteThrottle]

    class PreferencesIn(InputSerializer):
        timezone = serializers.CharField(required=False, allow_blank=True, max_length=64)
        digest_hour = serializers.IntegerField(required=False, min_value=0, max_value=23)
        calendar_full_names = serializers.BooleanField(required=False)
        kinds = serializers.DictField(child=serializers.JSONField(), required=False)

    @extend_schema(responses=PreferencesOut)
    def get(self, request):
        return Response(_preferences_data(request.user))

    @extend_schema(request=PreferencesIn, responses=PreferencesOut)
    def put(self, request):
        data = self.PreferencesIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        notification_preferences_update(actor=request.user, timezone_name=values.get("timezone"),
                                        digest_hour=values.get("digest_hour"), kinds=values.get("kinds"),
                                        calendar_full_names=values.get("calendar_full_names"))
        return Response(_preferences_data(request.user))
