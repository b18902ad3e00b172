from django.urls import path

from . import views

app_name = "discussions"

urlpatterns = [
    path("recommendations/<int:recommendation_id>/discussion/", views.discussion, name="discussion"),
    path("recommendations/<int:recommendation_id>/thread/", views.thread, name="thread"),
    path("recommendations/<int:recommendation_id>/thread/comments/", views.comment_create, name="create"),
    path("recommendations/<int:recommendation_id>/thread/resolve/", views.thread_resolve, name="resolve"),
    path("recommendations/<int:recommendation_id>/thread/reopen/", views.thread_reopen, name="reopen"),
    path("recommendations/<int:recommendation_id>/thread/read/", views.thread_read, name="read"),
    path("comments/<int:comment_id>/reply/", views.comment_reply_form, name="reply"),
    path("comments/<int:comment_id>/edit/", views.comment_edit, name="edit"),
    path("comments/<int:comment_id>/delete/", views.comment_delete, name="delete"),
]
