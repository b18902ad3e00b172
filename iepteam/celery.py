"""The Celery app: the broker comes from Django settings (Redis or the embedded file-system broker)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iepteam.settings.local")

app = Celery("iepteam")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
