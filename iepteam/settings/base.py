"""Settings shared by every environment. Environment variables choose the real services."""
import os
from datetime import timedelta
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
    "iepteam.admin_apps.OperatorAdminConfig",  # the Django admin, for operators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
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
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Outside CSRF: under /api/ even its failure page answers in the contract's JSON shape.
    "apps.core.middleware.ApiBoundary",
    # Live messages leave after the answer (a comment's POST does not wait on its own fan-out).
    "apps.core.live.HoldLiveMessagesUntilAnswered",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.core.middleware.PreferredLanguage",
    "apps.core.middleware.PersonTimeZone",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.core.middleware.ApplicationErrorPages",
    "apps.audit.recording.AccessRecordMiddleware",
    # Last: it turns a lockout flagged during sign-in into the lockout answer (apps.accounts.lockout).
    "axes.middleware.AxesMiddleware",
]

# Content security policy (django-csp), in every environment so tests and development run under
# it too: scripts, styles and everything else only from this site's own files; no inline script,
# no inline event handler, no inline style (templates put them in static/js and static/css).
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Swagger UI (/api/docs/) draws some icons from data: URLs.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        # Same origin, including the live channel's ws:/wss: (CSP 3 lets 'self' match them).
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

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
                "iepteam.context_processors.person",
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
# PostgreSQL: a pool of open connections per process (Django's psycopg pool), so a request borrows
# one instead of connecting (a TCP + auth round trip, ~2-4 ms here, on every request before).
# DB_POOL_SIZE is the most connections one process holds (uvicorn worker or Celery child): size it
# so processes x DB_POOL_SIZE stays under the server's max_connections. 0 turns the pool off
# (e.g. behind PgBouncer); a pool and DB_CONN_MAX_AGE exclude each other (Django refuses both).
DB_POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "10"))
if DATABASES["default"]["ENGINE"].endswith("postgresql") and DB_POOL_SIZE > 0:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(2, DB_POOL_SIZE),
        "max_size": DB_POOL_SIZE,
        # A request that finds every connection busy waits this long, then fails (a 500) rather
        # than hanging the worker for good.
        "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "10")),
    }
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default serves web requests and the Celery worker from one file at once. WAL:
    # readers never wait for the writer. IMMEDIATE: a transaction takes the write lock when it
    # begins, so two never both read and then both ask to write (a deadlock SQLite resolves by
    # failing one at once, whatever the timeout: the "database is locked" 500). The busy timeout:
    # a writer waits this long for the one before it.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "transaction_mode": "IMMEDIATE",
        "timeout": float(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    })
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: a locked-out account and address is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Where the Django admin lives (operators only; iepteam/admin_site.py). Naming it per deployment
# keeps it off the paths scanners try first.
ADMIN_URL_PATH = (os.environ.get("DJANGO_ADMIN_PATH") or "django-admin").strip("/") + "/"
# A failed CSRF check is the product's own page (or the API's JSON error), in the person's language.
CSRF_FAILURE_VIEW = "apps.core.views.csrf_failure"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "ieps:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# A session ends after this much inactivity (a shared computer in a school office, a family tablet):
# every request renews it, and pages warn a few minutes before it ends (static/js/session.js).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRY_WARNING_SECONDS = int(os.environ.get("SESSION_EXPIRY_WARNING_SECONDS", "300"))

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
        "apps.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "apps.core.bounds.BoundedJSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "EXCEPTION_HANDLER": "apps.core.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "token": os.environ.get("API_TOKEN_RATE", "20/min"),
        "writes": os.environ.get("API_WRITE_RATE", "120/min"),
        "sign_in": os.environ.get("SIGN_IN_RATE", "20/min"),
        "password_reset": os.environ.get("PASSWORD_RESET_RATE", "5/hour"),
    },
    # DRF's own address rule (anonymous throttles) takes the same trusted proxies as ours.
    "NUM_PROXIES": int(os.environ.get("TRUSTED_PROXY_COUNT") or 0),
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
# Before Django reads a body (iepteam/body_limit.py, in front of the ASGI application): every body
# is capped at this, except the report upload for the evaluator allowed to make it; a body that
# stops arriving for this many seconds is answered 408.
REQUEST_BODY_MAX_BYTES = int(os.environ.get("REQUEST_BODY_MAX_BYTES", str(1024 * 1024)))
REQUEST_BODY_READ_TIMEOUT = float(os.environ.get("REQUEST_BODY_READ_TIMEOUT", "30"))

INVITATION_VALID_DAYS = 14

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Security events (apps.core.security): one JSON line each, to standard error with the rest,
        # and to SECURITY_LOG_FILE as well when it is set.
        "iepteam.security": {"level": "INFO", "handlers": ["security_file"] if os.environ.get("SECURITY_LOG_FILE") else []},
        # Our lines say what axes would, without the e-mail address typed.
        "axes": {"level": "ERROR"},
    },
}
if os.environ.get("SECURITY_LOG_FILE"):
    LOGGING["handlers"]["security_file"] = {
        "class": "logging.handlers.WatchedFileHandler", "filename": os.environ["SECURITY_LOG_FILE"]}

# The IEP live channel (/ws/ieps/<id>/).
WEBSOCKET_MAX_FRAME_BYTES = 64 * 1024
WEBSOCKET_MAX_FRAMES_PER_MINUTE = 100
# Under the 60 s idle timeout of common proxies (nginx, load balancers), so a quiet socket stays
# open; a client that missed a live message sees the gap within this time. Each heartbeat is a
# write to every socket: at 10,000 sockets, 25 s cost about 3% of a core (bench/idle.py).
WEBSOCKET_HEARTBEAT_SECONDS = 40
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
# The latest report due date an approval may set, in days from today: later is a typo (a date in
# year 9999 was once accepted here and broke the evaluator's access arithmetic at attestation).
EVALUATION_REPORT_MAX_DAYS = int(os.environ.get("EVALUATION_REPORT_MAX_DAYS", "365"))
# The evaluator's access to the case lasts until the report due date plus this many days, unless
# the engagement closes or is revoked first.
EVALUATION_ACCESS_GRACE_DAYS = 30
# The largest report file accepted. Django applies DATA_UPLOAD_MAX_MEMORY_SIZE (above) only to the
# non-file fields of a multipart body, so it need not grow for this; the upload view streams the
# file to a temporary file and stops as soon as it passes this size. A proxy in front should
# allow bodies of this size plus 64 KB.
EVALUATION_UPLOAD_MAX_BYTES = int(os.environ.get("EVALUATION_UPLOAD_MAX_BYTES", str(25 * 1024 * 1024)))
# What the streams of one uploaded PDF may decode to, together, while it is checked (one stream
# at most 64 MiB): past it the file is refused as too complex, never inflated further.
EVALUATION_PDF_DECODED_MAX_BYTES = int(os.environ.get("EVALUATION_PDF_DECODED_MAX_BYTES", str(256 * 1024 * 1024)))
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
    # A parent's consent decision next to the district's decision on an evaluation request.
    "ConsentDecisionEnum": "apps.ieps.models.ConsentDecision.Decision",
    "EvaluationDecisionEnum": "apps.evaluations.models.EvaluationRequest.Decision",
})

# Sign-in, lockout and API tokens (apps.accounts).
# How many proxies in front of the site append to X-Forwarded-For. 0: the header is ignored and
# the client is the connecting address; anything a client writes there is never believed beyond
# the entries our own proxies added (apps.core.addresses).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT") or 0)
AXES_FAILURE_LIMIT = max(5, int(os.environ.get("SIGN_IN_FAILURE_LIMIT") or 5))  # the contract: not before 5
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SIGN_IN_LOCKOUT_MINUTES") or 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # "in a row": a correct password starts the count again
AXES_CLIENT_IP_CALLABLE = "apps.core.addresses.client_address"
AXES_USERNAME_CALLABLE = "apps.accounts.lockout.username_of"
AXES_LOCKOUT_CALLABLE = "apps.accounts.lockout.lockout_response"
AXES_VERBOSE = False
# Multi-factor sign-in (django-otp): the name authenticator apps show next to the code.
OTP_TOTP_ISSUER = "IEP Team Workspace"
# Tokens are kept as SHA-512 digests (django-rest-knox); the plain token is shown once.
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations would create its (swapped-out) table anyway; without them nothing is made.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=int(os.environ.get("API_TOKEN_DAYS") or 30)),
    "AUTH_HEADER_PREFIX": "Token",
}

# Prior written notice: where parents get a copy of their procedural safeguards when their district
# has not given its own address (ieps.NoticeContact). The U.S. Department of Education's IDEA site.
PROCEDURAL_SAFEGUARDS_URL = os.environ.get("PROCEDURAL_SAFEGUARDS_URL") or "https://sites.ed.gov/idea/"
