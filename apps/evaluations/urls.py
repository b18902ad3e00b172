from django.urls import path

from . import views

app_name = "evaluations"

urlpatterns = [
    # The family and the team
    path("ieps/<int:iep_id>/evaluations/", views.iep_evaluations, name="iep_evaluations"),
    path("ieps/<int:iep_id>/evaluations/panel/", views.iep_panel, name="iep_panel"),
    path("ieps/<int:iep_id>/evaluations/new/", views.request_new, name="request_new"),
    path("evaluations/<int:request_id>/", views.detail, name="detail"),
    path("evaluations/<int:request_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("evaluations/<int:request_id>/withdraw/", views.withdraw, name="withdraw"),
    path("evaluations/<int:request_id>/questions/", views.question_post, name="question_post"),
    # District administrators
    path("evaluations/queue/", views.queue, name="queue"),
    path("evaluations/<int:request_id>/decision/", views.decide, name="decide"),
    path("evaluations/<int:request_id>/assign/", views.assign, name="assign"),
    # The independent evaluator
    path("evaluations/mine/", views.mine, name="mine"),
    path("evaluations/<int:request_id>/work/", views.workspace, name="workspace"),
    path("evaluations/<int:request_id>/work/files/", views.workspace_files, name="workspace_files"),
    path("evaluations/<int:request_id>/attestation/", views.attest, name="attest"),
    path("evaluations/<int:request_id>/upload/", views.upload, name="upload"),
    path("evaluations/<int:request_id>/files/<int:file_id>/delete/", views.file_delete, name="file_delete"),
    path("evaluations/<int:request_id>/findings/", views.findings_save, name="findings"),
]
