from django.conf import settings
from django.db import models
from django.db.models import Q


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=50)
    subject = models.CharField(max_length=200)
    text = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set by the e-mail task once sent: a retried or duplicated task sends nothing twice.
    emailed_at = models.DateTimeField(null=True, blank=True)
    # What it is about, as a kind and an id: notifications never points at a higher app's table.
    about_kind = models.CharField(max_length=40, blank=True)
    about_id = models.BigIntegerField(null=True, blank=True)
    # A sender that must never notify twice for one cause (a reminder) names it here: the unique
    # constraint refuses a second row even if two workers got that far.
    delivery_key = models.CharField(max_length=80, null=True, blank=True)
    # As the person's preferences said when it was made: shown in the app or not, and e-mailed at
    # once, in the daily digest, or not at all.
    in_app = models.BooleanField(default=True)
    email_mode = models.CharField(max_length=10, default="immediate")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["email_mode", "emailed_at"], condition=Q(email_mode="digest", emailed_at__isnull=True),
                         name="notification_digest_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "delivery_key"], condition=Q(delivery_key__isnull=False),
                                    name="notification_delivered_once"),
        ]


class NotificationPreference(models.Model):
    """A person's choices. No row means the defaults, which a parent never has to touch."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_preference")
    # Blank: the district's time zone.
    timezone = models.CharField(max_length=64, blank=True)
    digest_hour = models.PositiveSmallIntegerField(default=7)
    # {kind: {"email": "immediate"|"digest"|"off", "in_app": bool}}, only the kinds changed.
    kinds = models.JSONField(default=dict, blank=True)
    # The calendar feed names children in full only when the person asks for it.
    calendar_full_names = models.BooleanField(default=False)
    last_digest_on = models.DateField(null=True, blank=True)
