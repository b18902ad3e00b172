from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.selectors import admin_district_ids
from apps.core.api import WriteThrottle, paginate

from .models import Discipline, Role, Student
from .selectors import memberships_of, student_get_for, team_for
from .services import invitation_create


class MeApi(APIView):
    class MembershipOut(serializers.Serializer):
        student = serializers.IntegerField(source="student_id")
        role = serializers.CharField()
        discipline = serializers.CharField()

    class MeOut(serializers.Serializer):
        id = serializers.IntegerField()
        email = serializers.EmailField()
        full_name = serializers.CharField()

    @extend_schema(responses=MeOut)
    def get(self, request):
        user = request.user
        data = dict(self.MeOut(user).data)
        data["memberships"] = self.MembershipOut(memberships_of(user), many=True).data
        data["district_admin_of"] = admin_district_ids(user)
        return Response(data)


class StudentOut(serializers.ModelSerializer):
    class Meta:
        model = Student
        fields = ["id", "first_name", "last_name", "date_of_birth", "school", "district"]


class TeamMemberOut(serializers.Serializer):
    class UserOut(serializers.Serializer):
        id = serializers.IntegerField()
        full_name = serializers.CharField()
        email = serializers.EmailField()

    user = UserOut()
    role = serializers.CharField()
    discipline = serializers.CharField()


class TeamApi(APIView):
    throttle_classes = [WriteThrottle]

    class InviteIn(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        role = serializers.ChoiceField(choices=[Role.PARENT, Role.CASE_MANAGER, Role.CLINICIAN])
        discipline = serializers.ChoiceField(choices=Discipline.choices, required=False, allow_blank=True)

    class InvitationOut(serializers.Serializer):
        id = serializers.IntegerField()
        student = serializers.IntegerField(source="student_id")
        email = serializers.EmailField()
        role = serializers.CharField()
        discipline = serializers.CharField()
        expires_at = serializers.DateTimeField()

    @extend_schema(responses=TeamMemberOut(many=True))
    def get(self, request, student_id):
        student = student_get_for(request.user, student_id)
        return paginate(self, request, team_for(student), TeamMemberOut)

    @extend_schema(request=InviteIn, responses={201: InvitationOut})
    def post(self, request, student_id):
        student = student_get_for(request.user, student_id)
        data = self.InviteIn(data=request.data)
        data.is_valid(raise_exception=True)
        invitation, _token = invitation_create(actor=request.user, student=student, **data.validated_data)
        return Response(self.InvitationOut(invitation).data, status=201)
