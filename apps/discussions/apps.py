from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "apps.discussions"
    label = "discussions"

    def ready(self):
        # The IEP page (in ieps, below us) shows each recommendation's thread through a panel.
        from .panels import register

        register()
        # A prior written notice's draft and the guidance for a parent who disagrees draw on the discussion.
        from . import notice_sources

        notice_sources.register()

        # A route naming a comment reads that child's record (apps.audit.recording).
        from apps.audit.recording import register_route_subject

        from .models import Comment

        register_route_subject("comment_id", "comment", lambda pk: Comment.objects.filter(id=pk).values_list(
            "thread__iep__student_id", "thread__iep__student__district_id").first())
