from django.urls import path

from . import views

app_name = "deadlines"

urlpatterns = [
    path("calendar/<str:secret>.ics", views.calendar_feed, name="feed"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("deadlines/district/", views.compliance, name="compliance"),
    path("deadlines/school-calendar/", views.school_calendar, name="school_calendar"),
    path("deadlines/settings/", views.deadline_settings, name="settings"),
    path("deadlines/<int:deadline_id>/", views.deadline_page, name="detail"),
    path("deadlines/<int:deadline_id>/close/", views.deadline_close, name="close"),
]
