from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "apps.deadlines"
    label = "deadlines"

    def ready(self):
        from apps.ieps import lifecycle

        from .listeners import on_iep_lifecycle

        lifecycle.register(on_iep_lifecycle)
