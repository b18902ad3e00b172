from django.apps import AppConfig


class IepsConfig(AppConfig):
    name = "apps.ieps"
    label = "ieps"
