from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from .live import on_signed_out

        user_logged_out.connect(on_signed_out, dispatch_uid="core.live.on_signed_out")
