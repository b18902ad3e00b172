"""/api/v1/ deadlines (API.md "Deadlines, reminders and notifications")."""
import re
from datetime import date

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.audit.recording import record_reads
from apps.core.api import InputSerializer, TextField, WriteThrottle, paginate, query_params
from apps.students.selectors import student_get_for

from . import services
from .models import Deadline, Kind, Reminder
from .presentation import deadline_url
from .selectors import deadline_get_for, deadlines_of, filter_status, student_deadlines_for

STATUSES = ("open", "overdue", "met", "cancelled")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class DeadlineOut(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    owners = serializers.SerializerMethodField()
    watchers = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = ["id", "kind", "subject", "due_at", "due_on", "all_day", "status", "student", "iep", "owners",
                  "watchers", "url"]

    def get_status(self, deadline) -> str:
        return deadline.shown_status

    def _people(self, deadline, role) -> list[int]:
        return sorted(p.user_id for p in deadline.participants.all() if p.role == role)

    def get_owners(self, deadline) -> list[int]:
        return self._people(deadline, "owner")

    def get_watchers(self, deadline) -> list[int]:
        return self._people(deadline, "watcher")

    def get_url(self, deadline) -> str:
        return deadline_url(deadline)


class ReminderOut(serializers.ModelSerializer):
    class Meta:
        model = Reminder
        fields = ["kind", "at", "sent_at"]


class DeadlineDetailOut(DeadlineOut):
    reminders = serializers.SerializerMethodField()

    class Meta(DeadlineOut.Meta):
        fields = [*DeadlineOut.Meta.fields, "reminders"]

    @extend_schema(responses=ReminderOut(many=True))
    def get_reminders(self, deadline) -> list[dict]:
        # What was and will be sent, not to whom: superseded ones were never sent on their own.
        rows = deadline.reminders.filter(superseded=False).order_by("at", "id")
        seen, out = set(), []
        for row in ReminderOut(rows, many=True).data:
            key = (row["kind"], row["at"], row["sent_at"] is not None)
            if key not in seen:
                seen.add(key)
                out.append(row)
        return out


@extend_schema_field(OpenApiTypes.STR)
class DueField(serializers.Field):
    """An ISO 8601 time (2027-03-01T15:00:00-05:00), or a date alone for an all-day deadline."""

    default_error_messages = {"invalid": "Give an ISO 8601 time, such as 2027-03-01T15:00:00-05:00, or a date."}

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid")
        if _DATE_ONLY.match(value):
            try:
                return {"due_on": date.fromisoformat(value)}
            except ValueError:
                self.fail("invalid")
        parsed = serializers.DateTimeField().to_internal_value(value)
        return {"due_at": parsed}

    def to_representation(self, value):
        return value


class DeadlineQueryIn(InputSerializer):
    """?status= and ?student=, bounded like every query parameter (apps.core.bounds)."""
    status = serializers.ChoiceField(choices=list(STATUSES), required=False)
    student = serializers.IntegerField(min_value=1, required=False)


def _status_param(request):
    return query_params(request, DeadlineQueryIn).get("status")


class DeadlineListApi(APIView):
    @extend_schema(responses=DeadlineOut(many=True), parameters=[
        OpenApiParameter("status", str, enum=list(STATUSES)), OpenApiParameter("student", int)])
    def get(self, request):
        query = query_params(request, DeadlineQueryIn)
        qs = filter_status(deadlines_of(request.user), query.get("status"))
        if "student" in query:
            qs = qs.filter(student_id=query["student"])
        return paginate(self, request, qs, DeadlineOut,
                        on_page=lambda page: record_reads(request, [d.student for d in page]))


class StudentDeadlinesApi(APIView):
    throttle_classes = [WriteThrottle]

    class DeadlineIn(InputSerializer):
        kind = serializers.ChoiceField(choices=Kind.choices)
        subject = TextField(max_length=200)
        due_at = DueField()
        owners = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=50)

    @extend_schema(responses=DeadlineOut(many=True))
    def get(self, request, student_id):
        return paginate(self, request, filter_status(student_deadlines_for(request.user, student_id),
                                                     _status_param(request)), DeadlineOut)

    @extend_schema(request=DeadlineIn, responses={201: DeadlineOut})
    def post(self, request, student_id):
        student = student_get_for(request.user, student_id)
        data = self.DeadlineIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        deadline = services.deadline_create(actor=request.user, student=student, kind=values["kind"],
                                            subject=values["subject"], owners=values.get("owners"),
                                            **values["due_at"])
        return Response(DeadlineOut(deadline_get_for(request.user, deadline.id)).data, status=201)


class DeadlineDetailApi(APIView):
    @extend_schema(responses=DeadlineDetailOut)
    def get(self, request, deadline_id):
        return Response(DeadlineDetailOut(deadline_get_for(request.user, deadline_id)).data)


class _CloseApi(APIView):
    throttle_classes = [WriteThrottle]
    met = True

    @extend_schema(request=None, responses=DeadlineOut)
    def post(self, request, deadline_id):
        deadline = deadline_get_for(request.user, deadline_id)
        services.deadline_close(actor=request.user, deadline=deadline, met=self.met)
        return Response(DeadlineOut(deadline_get_for(request.user, deadline_id)).data)


class DeadlineMetApi(_CloseApi):
    met = True


class DeadlineCancelApi(_CloseApi):
    met = False


class CalendarOut(serializers.Serializer):
    url = serializers.CharField()


class CalendarApi(APIView):
    @extend_schema(responses=CalendarOut)
    def get(self, request):
        from .feed import feed_of, feed_url

        return Response({"url": feed_url(feed_of(request.user))})


class CalendarResetApi(APIView):
    throttle_classes = [WriteThrottle]

    @extend_schema(request=None, responses=CalendarOut)
    def post(self, request):
        from .feed import calendar_feed_reset, feed_url

        return Response({"url": feed_url(calendar_feed_reset(actor=request.user))})


class PeriodOut(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    unit = serializers.CharField()
    default_count = serializers.IntegerField()
    default_unit = serializers.CharField()
    is_default = serializers.BooleanField()


class DeadlineSettingsOut(serializers.Serializer):
    district = serializers.IntegerField()
    timezone = serializers.CharField()
    periods = PeriodOut(many=True)


class DeadlineSettingsApi(APIView):
    """The district administrator's deadline settings: the district's time zone and, per kind
    counted from a start, its period (unit and length; the federal default when not set)."""

    throttle_classes = [WriteThrottle]

    class SettingsIn(InputSerializer):
        timezone = serializers.CharField(required=False, max_length=64)
        periods = serializers.DictField(child=serializers.JSONField(), required=False)

    @extend_schema(responses=DeadlineSettingsOut)
    def get(self, request):
        from .calendar_services import deadline_settings_of
        from .views import admin_district

        return Response(DeadlineSettingsOut(deadline_settings_of(admin_district(request.user).id)).data)

    @extend_schema(request=SettingsIn, responses=DeadlineSettingsOut)
    def put(self, request):
        from .calendar_services import deadline_settings_of, deadline_settings_update
        from .views import admin_district

        district = admin_district(request.user)
        data = self.SettingsIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        deadline_settings_update(actor=request.user, district_id=district.id, timezone=values.get("timezone"),
                                 periods=values.get("periods"))
        return Response(DeadlineSettingsOut(deadline_settings_of(district.id)).data)
