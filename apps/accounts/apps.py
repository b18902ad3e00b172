from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from .signals import on_locked_out, on_sign_in_failed, on_signed_in

        user_logged_in.connect(on_signed_in, dispatch_uid="accounts.on_signed_in")
        user_login_failed.connect(on_sign_in_failed, dispatch_uid="accounts.on_sign_in_failed")
        user_locked_out.connect(on_locked_out, dispatch_uid="accounts.on_locked_out")
