from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "apps.discussions"
    label = "discussions"

    def ready(self):
        # The IEP page (in ieps, below us) shows each recommendation's thread through a panel.
        from .panels import register

        register()
