"""Production: refuses to start on development defaults."""
import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import ALLOWED_HOSTS, DATABASES, DEFAULT_SECRET_KEY, REDIS_URL, SECRET_KEY

IS_PRODUCTION = True
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"

if DEBUG:
    raise ImproperlyConfigured("Production settings refuse DEBUG on.")
if not SECRET_KEY or SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a long random value (50+ characters).")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS (comma-separated host names).")
# The embedded defaults serve one process on one machine: an SQLite file is not shared by several
# application servers, and the in-memory channel layer delivers an event only to the sockets of the
# process that committed it, so production would silently lose live updates between processes.
if not os.environ.get("DATABASE_URL") or "postgresql" not in DATABASES["default"]["ENGINE"]:
    raise ImproperlyConfigured("Set DATABASE_URL to a PostgreSQL database (postgres://user:pw@host:5432/name).")
if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("Set REDIS_URL (redis://host:6379/0): the channel layer, broker and cache need it.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS]
