"""Settings shared by every environment. Environment variables choose the real services."""
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("IEPTEAM_VAR_DIR") or BASE_DIR / "var")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "insecure-development-key-change-me"
DEFAULT_SECRET_KEY = "insecure-development-key-change-me"
DEBUG = False
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
IS_PRODUCTION = False

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "channels",
    "rules.apps.AutodiscoverRulesConfig",
    "apps.core",
    "apps.accounts",
    "apps.notifications",
    "apps.students",
    "apps.audit",
    "apps.ieps",
    "apps.deadlines",
    "apps.discussions",
    "apps.evaluations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.core.middleware.ApplicationErrorPages",
]

ROOT_URLCONF = "iepteam.urls"
WSGI_APPLICATION = "iepteam.wsgi.application"
ASGI_APPLICATION = "iepteam.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "apps.core.context_processors.person",
            ],
        },
    },
]

# PostgreSQL when DATABASE_URL is given, an SQLite file otherwise (an empty value counts as unset).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'iepteam.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "ieps:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

REDIS_URL = os.environ.get("REDIS_URL") or ""

if REDIS_URL:
    # Pub/sub: a group send is one PUBLISH, and each ASGI process fans it out to its own sockets
    # in memory; the list-based layer ("core") does one Redis write and one read per socket. At
    # 500 sockets both met the fan-out target in bench/fanout.py (README, Performance); pub/sub's
    # Redis work stays constant as sockets grow. It keeps nothing for a process that is not
    # listening, which the design already allows for: clients resync from the event log.
    _layers = {"pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer", "core": "channels_redis.core.RedisChannelLayer"}
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": _layers[os.environ.get("CHANNEL_LAYER", "pubsub")],
            # redis-py 8 reads with a 5 s socket timeout by default; channels_redis blocks 5 s in
            # BZPOPMIN, so an idle socket's receive loop would fail with TimeoutError. No timeout.
            # The prefix keeps two deployments (or two test runs) on one Redis apart: pub/sub
            # channels are shared by every database number.
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
                "prefix": os.environ.get("CHANNEL_LAYER_PREFIX") or "asgi",
            },
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # The embedded broker: the worker polls a folder, no server needed.
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
    for _folder in (_broker_dir, VAR_DIR / "celery" / "processed", VAR_DIR / "celery" / "control"):
        _folder.mkdir(parents=True, exist_ok=True)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_BEAT_SCHEDULE = {}
# Reminders by sweep, not by ETA (DESIGN.md): one beat task a minute claims what is due.
CELERY_BEAT_SCHEDULE["sweep-reminders"] = {"task": "apps.deadlines.tasks.sweep_reminders",
                                           "schedule": float(os.environ.get("DEADLINE_SWEEP_SECONDS", "60"))}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# For the file-based backend (API.md: e-mail reads EMAIL_BACKEND and EMAIL_FILE_PATH).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH") or str(VAR_DIR / "mail")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "IEP Team Workspace <no-reply@localhost>")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

REST_FRAMEWORK = {
    # Token first: its scheme is what a 401 names in WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "EXCEPTION_HANDLER": "apps.core.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "token": os.environ.get("API_TOKEN_RATE", "20/min"),
        "writes": os.environ.get("API_WRITE_RATE", "120/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IEP Team Workspace API",
    "VERSION": "1.0.0",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from our own static files: the docs work on a closed network.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI would otherwise load a badge from validator.swagger.io, telling it our schema URL.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {
        "IEPStatusEnum": "apps.ieps.models.IEP.Status",
        "RecommendationStatusEnum": "apps.ieps.models.Recommendation.Status",
    },
}

# A whole request body larger than this is refused with 413 before any parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

INVITATION_VALID_DAYS = 14

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The IEP live channel (/ws/ieps/<id>/).
WEBSOCKET_MAX_FRAME_BYTES = 64 * 1024
WEBSOCKET_MAX_FRAMES_PER_MINUTE = 100
WEBSOCKET_HEARTBEAT_SECONDS = 25
# How often an open socket re-checks its person's access (besides the moment a membership
# expires, and the messages sent when one is revoked or the person signs out).
WEBSOCKET_ACCESS_CHECK_SECONDS = 300

# Deadlines and reminders (apps.deadlines; API.md "Deadlines, reminders and notifications").
DEADLINE_ESCALATE_AFTER_DAYS = int(os.environ.get("DEADLINE_ESCALATE_AFTER_DAYS", "2"))
CONSENT_RESPONSE_DAYS = int(os.environ.get("CONSENT_RESPONSE_DAYS", "10"))
DEADLINE_REMINDER_DAYS_BEFORE = (14, 7, 1)
# Per kind, when a kind needs other offsets than the default above.
DEADLINE_REMINDER_DAYS_BEFORE_BY_KIND = {}
DEADLINE_REMINDER_HOUR = 8
DEADLINE_DEFAULT_TIMEZONE = "America/New_York"
DEADLINE_SWEEP_BATCH_SIZE = int(os.environ.get("DEADLINE_SWEEP_BATCH_SIZE", "100"))
# An e-mail whose task was lost (a worker killed between commit and enqueue) is queued again by
# the sweep after this long; the e-mail task itself never sends one twice.
NOTIFICATION_EMAIL_RETRY_AFTER_SECONDS = int(os.environ.get("NOTIFICATION_EMAIL_RETRY_AFTER_SECONDS", "300"))

# Third-party evaluation (apps.evaluations; 34 CFR 300.502).
# The district decides "without unnecessary delay": 10 school days, counted as 14 calendar days.
EVALUATION_DECISION_DAYS = int(os.environ.get("EVALUATION_DECISION_DAYS", "14"))
# The report due date when the approval gives none.
EVALUATION_REPORT_DAYS = int(os.environ.get("EVALUATION_REPORT_DAYS", "60"))
# The evaluator's access to the case lasts until the report due date plus this many days, unless
# the engagement closes or is revoked first.
EVALUATION_ACCESS_GRACE_DAYS = 30
# The largest report file accepted. Django applies DATA_UPLOAD_MAX_MEMORY_SIZE (above) only to the
# non-file fields of a multipart body, so it need not grow for this; the upload view streams the
# file to a temporary file and stops as soon as it passes this size. A proxy in front should
# allow bodies of this size plus 64 KB.
EVALUATION_UPLOAD_MAX_BYTES = int(os.environ.get("EVALUATION_UPLOAD_MAX_BYTES", str(25 * 1024 * 1024)))
# Optional virus scan of uploads through clamd's INSTREAM command: a Unix socket path
# (/run/clamav/clamd.ctl) or tcp://host:3310. Unset: no scan.
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET") or None
CLAMD_TIMEOUT = float(os.environ.get("CLAMD_TIMEOUT", "30"))
# Report files live in the default storage under evaluations/, which no URL serves: MEDIA_URL is
# not routed, and downloads go through the authorised API view. In production, private S3 through
# django-storages (the package must be installed: pip install "django-storages[s3]").
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "location": os.environ.get("AWS_LOCATION", ""),
        },
    }
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update({
    # A report file's kind next to a recommendation's: each keeps a name of its own.
    "KindEnum": "apps.ieps.models.Recommendation.Kind",
    "EvaluationFileKindEnum": "apps.evaluations.models.ReportFile.Kind",
    "EvaluationRequestStatusEnum": "apps.evaluations.models.EvaluationRequest.Status",
    "DeadlineKindEnum": "apps.deadlines.models.Kind",
    "ReminderKindEnum": "apps.deadlines.models.Reminder.Kind",
})
