from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from apps.core.api import paginate
from apps.students.selectors import student_and_standing_for
from apps.students.standing import note_standing

from .selectors import access_log_for


class AccessLogApi(APIView):
    class AccessLogEntryOut(serializers.Serializer):
        class AccessLogWhoOut(serializers.Serializer):
            id = serializers.IntegerField()
            full_name = serializers.CharField()
            email = serializers.EmailField()

        who = AccessLogWhoOut(source="user")
        role = serializers.CharField()
        at = serializers.DateTimeField()
        action = serializers.CharField()
        purpose = serializers.CharField()
        object = serializers.SerializerMethodField()

        def get_object(self, entry) -> dict:
            return {"type": entry.object_type, "id": entry.object_id}

    @extend_schema(responses=AccessLogEntryOut(many=True))
    def get(self, request, student_id):
        student, standing = student_and_standing_for(request.user, student_id)
        note_standing(request, standing)
        return paginate(self, request, access_log_for(user=standing, student=student), self.AccessLogEntryOut)
