from django.urls import path

from . import consent_views, form_views, notice_views, suggestion_views, views

app_name = "ieps"

urlpatterns = [
    path("", views.home, name="home"),
    path("students/<int:student_id>/", views.student_page, name="student"),
    path("students/<int:student_id>/ieps/new/", form_views.iep_create, name="iep_create"),
    path("ieps/<int:iep_id>/", views.iep_page, name="iep"),
    path("ieps/<int:iep_id>/dates/", form_views.iep_dates, name="iep_dates"),
    path("ieps/<int:iep_id>/status/", form_views.iep_status, name="iep_status"),
    path("ieps/<int:iep_id>/consent/", consent_views.consent_page, name="consent"),
    path("ieps/<int:iep_id>/paper-consent/", consent_views.paper_consent_page, name="paper_consent"),
    path("ieps/<int:iep_id>/signatures/new/", consent_views.staff_signature, name="staff_signature"),
    path("ieps/<int:iep_id>/amendment/", consent_views.amendment_start, name="amendment"),
    path("ieps/<int:iep_id>/recommendations/new/", form_views.recommendation_create, name="recommendation_create"),
    path("recommendations/<int:recommendation_id>/", views.recommendation_page, name="recommendation"),
    path("recommendations/<int:recommendation_id>/card/", views.recommendation_card, name="recommendation_card"),
    path("recommendations/<int:recommendation_id>/item/", views.recommendation_item, name="recommendation_item"),
    path("recommendations/<int:recommendation_id>/revise/", form_views.recommendation_revise,
         name="recommendation_revise"),
    path("recommendations/<int:recommendation_id>/decision/", form_views.recommendation_decide,
         name="recommendation_decide"),
    path("recommendations/<int:recommendation_id>/withdraw/", form_views.recommendation_withdraw,
         name="recommendation_withdraw"),
    path("recommendations/<int:recommendation_id>/position/", form_views.position_record, name="position_record"),
    path("recommendations/<int:recommendation_id>/notice/", notice_views.notice_create, name="notice_create"),
    path("recommendations/<int:recommendation_id>/guidance/", notice_views.guidance_page, name="guidance"),
    path("notices/<int:notice_id>/", notice_views.notice_page, name="notice"),
    path("recommendations/<int:recommendation_id>/positions/", views.recommendation_positions,
         name="recommendation_positions"),
    path("recommendations/<int:recommendation_id>/suggestions/", views.recommendation_suggestions,
         name="recommendation_suggestions"),
    path("recommendations/<int:recommendation_id>/suggest/", suggestion_views.suggestion_create,
         name="suggestion_create"),
    path("suggestions/<int:suggestion_id>/accept/", suggestion_views.suggestion_accept, name="suggestion_accept"),
    path("suggestions/<int:suggestion_id>/decline/", suggestion_views.suggestion_decline, name="suggestion_decline"),
    path("suggestions/<int:suggestion_id>/withdraw/", suggestion_views.suggestion_withdraw,
         name="suggestion_withdraw"),
]
