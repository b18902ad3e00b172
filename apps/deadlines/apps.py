from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "apps.deadlines"
    label = "deadlines"

    def ready(self):
        from apps.ieps import lifecycle
        from apps.notifications import views as notification_views

        from .listeners import on_iep_lifecycle
        from .views import calendar_panel

        lifecycle.register(on_iep_lifecycle)
        if calendar_panel not in notification_views.CALENDAR_PANEL:
            notification_views.CALENDAR_PANEL.append(calendar_panel)
