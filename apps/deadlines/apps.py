from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "apps.deadlines"
    label = "deadlines"

    def ready(self):
        from apps.ieps import lifecycle
        from apps.notifications import views as notification_views

        from .listeners import on_iep_lifecycle
        from .panels import register
        from .views import calendar_panel

        lifecycle.register(on_iep_lifecycle)
        register()  # what the home, student and IEP pages show of deadlines

        # A route naming a deadline reads that child's record (apps.audit.recording).
        from apps.audit.recording import register_route_subject

        from .models import Deadline

        register_route_subject("deadline_id", "deadline", lambda pk: Deadline.objects.filter(id=pk).values_list(
            "student_id", "student__district_id").first())
        if calendar_panel not in notification_views.CALENDAR_PANEL:
            notification_views.CALENDAR_PANEL.append(calendar_panel)
