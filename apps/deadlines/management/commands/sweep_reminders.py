"""One reminder sweep by hand, as if the clock read --at (operators catching up, and tests)."""
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.deadlines.reminders import sweep


class Command(BaseCommand):
    help = "Send every reminder whose moment has come (by now, or by --at) and print how many were sent."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="An ISO 8601 time, e.g. 2027-03-01T08:00:00-05:00 (UTC when no offset).")

    def handle(self, *args, at=None, **options):
        now = timezone.now()
        if at:
            try:
                now = parse_datetime(at)
            except ValueError:
                now = None
            if now is None:
                raise CommandError(f"--at {at!r} is not an ISO 8601 time.")
            if timezone.is_naive(now):
                now = timezone.make_aware(now, timezone.utc)
        sent = sweep(now)
        self.stdout.write(f"{sent}")
