"""Tests: the same services as CI when DATABASE_URL / REDIS_URL are set, embedded otherwise."""
import os

from .base import *  # noqa: F401,F403
from .base import DATABASES, VAR_DIR

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A test that runs a real worker process points it at files instead (EMAIL_BACKEND, EMAIL_FILE_PATH).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "test-mail"))
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
(VAR_DIR / "staticfiles").mkdir(parents=True, exist_ok=True)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A live server (browser tests) cannot share an in-memory SQLite database: name a file.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# Tasks run inline unless a test starts a real worker (and turns this off on the app).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

# Heartbeats come at random moments; tests that are about them ask for them (override_settings).
WEBSOCKET_HEARTBEAT_SECONDS = 600

# The test process makes ORM calls from many short-lived threads and event loops (async consumer
# tests, requests at the same moment) whose connections are never handed back the way a server's
# request or a Celery task hands them back; over the whole suite a pool of 10 ran dry ("couldn't
# get a connection after 10 s"). Tests connect per use, as before the pool, unless DB_POOL_SIZE asks
# for one (bench/db_pool.py measures the pool under uvicorn).
if "DB_POOL_SIZE" not in os.environ:
    DATABASES["default"].get("OPTIONS", {}).pop("pool", None)
