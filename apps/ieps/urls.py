from django.urls import path

from . import consent_views, form_views, views

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
]
