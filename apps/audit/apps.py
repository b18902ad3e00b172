from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "apps.audit"
    label = "audit"

    def ready(self):
        from apps.students.models import Student

        from .recording import register_route_subject

        register_route_subject(
            "student_id", "student",
            lambda pk: Student.objects.filter(id=pk).values_list("id", "district_id").first())
