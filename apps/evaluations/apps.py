from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "apps.evaluations"
    label = "evaluations"

    def ready(self):
        # ieps sits below evaluations and never imports it: it is told what to check instead.
        from apps.ieps.services import register_activation_check

        from .panels import register
        from .services import unconsidered_evaluation_reason

        register_activation_check(unconsidered_evaluation_reason)
        # ... and what its IEP page shows.
        register()
        # ... and what a prior written notice's draft and the parent's guidance take from evaluations.
        from . import notice_sources

        notice_sources.register()

        # ... and the decision's date moves on the request when its deadline moves.
        from apps.deadlines.services import on_deadline_moved

        from .services.deadlines import decision_deadline_moved

        on_deadline_moved("evaluation_request", decision_deadline_moved)

        # A route naming an evaluation request reads that child's record (apps.audit.recording).
        from apps.audit.recording import register_route_subject

        from .models import EvaluationRequest

        register_route_subject("request_id", "evaluationrequest", lambda pk: EvaluationRequest.objects.filter(
            id=pk).values_list("iep__student_id", "iep__student__district_id").first())
