from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.selectors import admin_district_ids
from apps.core.api import InputSerializer, WriteThrottle, paginate
from apps.core.errors import Forbidden

from .models import Discipline, Role, Student
from .policy import may_manage_invitations
from .selectors import (
    invitation_get_for,
    invitations_pending_for,
    member_get_for,
    memberships_of,
    student_and_standing_for,
    student_get_for,
    team_for,
)
from .services import invitation_cancel, invitation_create, invitation_resend, membership_remove
from .standing import note_standing


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


class InvitationOut(serializers.Serializer):
    id = serializers.IntegerField()
    student = serializers.IntegerField(source="student_id")
    email = serializers.EmailField()
    role = serializers.CharField()
    discipline = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()


class TeamApi(APIView):
    throttle_classes = [WriteThrottle]

    class InviteIn(InputSerializer):
        email = serializers.EmailField(max_length=254)
        role = serializers.ChoiceField(choices=[Role.PARENT, Role.CASE_MANAGER, Role.CLINICIAN])
        discipline = serializers.ChoiceField(choices=Discipline.choices, required=False, allow_blank=True)

    @extend_schema(responses=TeamMemberOut(many=True))
    def get(self, request, student_id):
        student, standing = student_and_standing_for(request.user, student_id)
        note_standing(request, standing)
        return paginate(self, request, team_for(student), TeamMemberOut)

    @extend_schema(request=InviteIn, responses={201: InvitationOut})
    def post(self, request, student_id):
        student = student_get_for(request.user, student_id)
        data = self.InviteIn(data=request.data)
        data.is_valid(raise_exception=True)
        invitation, _token = invitation_create(actor=request.user, student=student, **data.validated_data)
        return Response(InvitationOut(invitation).data, status=201)


class TeamMemberApi(APIView):
    """DELETE takes a member off the team (case manager, district admin; not oneself, never the last parent)."""
    throttle_classes = [WriteThrottle]

    @extend_schema(responses={204: None})
    def delete(self, request, student_id, user_id):
        student = student_get_for(request.user, student_id)
        membership = member_get_for(request.user, student, user_id)
        membership_remove(actor=request.user, student=student, user=membership.user)
        return Response(status=204)


class InvitationListApi(APIView):
    @extend_schema(responses=InvitationOut(many=True))
    def get(self, request, student_id):
        student = student_get_for(request.user, student_id)
        if not may_manage_invitations(request.user, student):
            raise Forbidden(_("Only the case manager or a district administrator may see pending invitations."))
        return paginate(self, request, invitations_pending_for(request.user, student), InvitationOut)


class InvitationResendApi(APIView):
    throttle_classes = [WriteThrottle]

    @extend_schema(request=None, responses=InvitationOut)
    def post(self, request, invitation_id):
        invitation, _token = invitation_resend(actor=request.user,
                                               invitation=invitation_get_for(request.user, invitation_id))
        return Response(InvitationOut(invitation).data)


class InvitationCancelApi(APIView):
    throttle_classes = [WriteThrottle]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, invitation_id):
        invitation_cancel(actor=request.user, invitation=invitation_get_for(request.user, invitation_id))
        return Response(status=204)
