from django.apps import AppConfig


class IepsConfig(AppConfig):
    name = "apps.ieps"
    label = "ieps"

    def ready(self):
        # A route naming an IEP or a recommendation reads that child's record (apps.audit.recording).
        from apps.audit.recording import register_route_subject

        from apps.students.standing import register_scope_reader

        from .models import IEP, EvaluatorScope, Recommendation

        register_scope_reader(lambda membership_id: frozenset(
            EvaluatorScope.objects.filter(membership_id=membership_id).values_list("recommendation_id", flat=True)))

        register_route_subject("iep_id", "iep", lambda pk: IEP.objects.filter(id=pk).values_list(
            "student_id", "student__district_id").first())
        register_route_subject("recommendation_id", "recommendation", lambda pk: Recommendation.objects.filter(
            id=pk).values_list("iep__student_id", "iep__student__district_id").first())
