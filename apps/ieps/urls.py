from django.urls import path

from . import views

app_name = "ieps"

urlpatterns = [
    path("", views.home, name="home"),
    path("students/<int:student_id>/", views.student_page, name="student"),
    path("ieps/<int:iep_id>/", views.iep_page, name="iep"),
    path("recommendations/<int:recommendation_id>/", views.recommendation_page, name="recommendation"),
    path("recommendations/<int:recommendation_id>/card/", views.recommendation_card, name="recommendation_card"),
]
