from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("students/<int:student_id>/access-record/", views.access_record_page, name="access_record"),
    path("students/<int:student_id>/access-record.csv", views.access_record_csv, name="access_record_csv"),
]
