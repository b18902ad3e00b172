from django.urls import path

from . import team_views, views

app_name = "students"

urlpatterns = [
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("students/<int:student_id>/team/", team_views.team_page, name="team"),
    path("students/<int:student_id>/team/invite/", team_views.invite, name="team_invite"),
    path("students/<int:student_id>/team/invitations/<int:invitation_id>/resend/", team_views.invitation_resend,
         name="invitation_resend"),
    path("students/<int:student_id>/team/invitations/<int:invitation_id>/cancel/", team_views.invitation_cancel,
         name="invitation_cancel"),
    path("students/<int:student_id>/team/members/<int:user_id>/remove/", team_views.member_remove,
         name="member_remove"),
]
