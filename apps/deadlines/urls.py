from django.urls import path

from . import views

app_name = "deadlines"

urlpatterns = [
    path("calendar/<str:secret>.ics", views.calendar_feed, name="feed"),
]
