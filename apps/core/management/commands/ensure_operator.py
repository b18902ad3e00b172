"""An operator account for the Django admin (a superuser on no team): created or reset. `make run`
prints it apart from the demo logins, because it is not one of the product's people."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create (or reset the password of) an operator account for the Django admin."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--site-url", default=settings.SITE_URL, help="Printed in the admin's address.")

    def handle(self, *args, email, password, site_url, **options):
        if getattr(settings, "IS_PRODUCTION", False):
            raise CommandError("ensure_operator refuses production settings: use `manage.py createsuperuser`.")
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(email=email.lower(), defaults={"full_name": "Operator"})
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        address = f"{site_url.rstrip('/')}/{settings.ADMIN_URL_PATH}"
        self.stdout.write(f"Operator account for the Django admin ({address}), not a demo persona:")
        self.stdout.write(f"  {user.email:<28} {password}")
