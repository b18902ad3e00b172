from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "apps.discussions"
    label = "discussions"
