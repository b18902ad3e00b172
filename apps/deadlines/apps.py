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
        from apps.notifications.services import ZONE_LISTENERS

        from .reminders import reminders_replan_for

        if reminders_replan_for not in ZONE_LISTENERS:
            ZONE_LISTENERS.append(reminders_replan_for)  # reminders at 08:00 in the person's new zone
        from apps.notifications.tasks import DISTRICT_ZONE_SOURCES

        from .days import person_district_zone

        if person_district_zone not in DISTRICT_ZONE_SOURCES:
            DISTRICT_ZONE_SOURCES.append(person_district_zone)  # a digest at the hour where their district is
        register()  # what the home, student and IEP pages show of deadlines

        # A route naming a deadline reads that child's record (apps.audit.recording).
        from apps.audit.recording import register_route_subject

        from .models import Deadline

        register_route_subject("deadline_id", "deadline", lambda pk: Deadline.objects.filter(id=pk).values_list(
            "student_id", "student__district_id").first())
        if calendar_panel not in notification_views.CALENDAR_PANEL:
            notification_views.CALENDAR_PANEL.append(calendar_panel)
