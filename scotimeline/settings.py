"""Settings, all from the environment, with safe defaults for the embedded mode (SQLite, eager tasks)."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    "embedded-mode-only-insecure-key" if DEBUG or not os.environ.get("DATABASE_URL") else ""
)
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DATABASE_URL points at a production database")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc served by the app, not a CDN
    "events",
    "ingest",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # the app serves its static files, DEBUG or not
    "events.replicas.PublicReads",  # public GETs may read the replica (DATABASE_REPLICA_URL)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "scotimeline.urls"
WSGI_APPLICATION = "scotimeline.wsgi.application"
ASGI_APPLICATION = "scotimeline.asgi.application"

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
            ],
        },
    },
]

# Server-side binding lets psycopg prepare a query it has run a few times on a connection, so
# PostgreSQL stops re-planning the hot reads (planning the state's interval query took longer
# than running it). Behind a transaction-mode pooler that cannot keep prepared statements, set
# PG_PREPARE_THRESHOLD=off.
PG_PREPARE_THRESHOLD = os.environ.get("PG_PREPARE_THRESHOLD", "5").strip().lower()


def database(url: str) -> dict:
    """One database's settings from its URL, with the options this project runs its engine with."""
    found = dj_database_url.parse(url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")))
    if found["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE takes the write lock at BEGIN, so appends serialise instead of failing on upgrade.
        found["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif found["ENGINE"] == "django.db.backends.postgresql" and PG_PREPARE_THRESHOLD != "off":
        if not PG_PREPARE_THRESHOLD.isdigit():
            raise RuntimeError(f"PG_PREPARE_THRESHOLD must be a whole number or 'off', not {PG_PREPARE_THRESHOLD!r}")
        found["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": int(PG_PREPARE_THRESHOLD)}
    return found


DATABASES = {"default": database(os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}
# A streaming replica of the primary serves public read-only requests (README "Read replicas";
# events.replicas routes, and holds the lag rule). In tests it is the test database as the
# replica sees it: the test runner creates that database on the primary only, which replicates it.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {**database(os.environ["DATABASE_REPLICA_URL"]), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["events.replicas.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves STATIC_ROOT (filled by `collectstatic`, as `make run` does, compressed) and
# also finds files where they are, so a server started without collecting still has its styles.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

SEEDS_DIR = Path(os.environ.get("SEEDS_DIR", BASE_DIR / "seeds"))

# Celery: without a broker, tasks run eagerly in-process (the embedded mode).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

REST_FRAMEWORK = {
    # Token first: an anonymous write is answered 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["events.api.permissions.ReadOrPermittedWrite"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "events.api.pagination.KeysetPagination",
    "DEFAULT_RENDERER_CLASSES": ["events.api.renderers.FastJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["events.api.throttling.AnonymousThrottle"],
    # Counted per process in the default cache: give gunicorn workers a shared cache (Redis) to make it global.
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "120/minute") or None},
    "EXCEPTION_HANDLER": "events.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "events.api.schema.ApiSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "scotimeline API",
    "DESCRIPTION": "The SCO's history as immutable, sourced events; its state on any date, derived by replay. "
    "Reads are open (anonymous clients are throttled); appending, correcting and retracting need a token "
    "and the events.add_event, events.correct_event or events.retract_event permission. "
    "Every error has one shape: {status, code, detail, errors}.",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs pages load Swagger UI and ReDoc from this app (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"EntityTypeEnum": "events.models.Entity.Type", "SourceKindEnum": "events.models.Source.Kind"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

if not DEBUG and os.environ.get("DATABASE_URL"):
    # Production mode: `manage.py check --deploy` is clean with these.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Signs the ledger's checkpoints and export heads (events.integrity). A key of its own: rotating or
# leaking SECRET_KEY (sessions, CSRF) must neither invalidate the checkpoints nor let anyone forge one.
# Without it, one is derived from SECRET_KEY (embedded mode); set it in production and keep it. To rotate it,
# list the keys it replaces in LEDGER_KEY_FALLBACKS: heads signed with them still verify, new ones use LEDGER_KEY.
LEDGER_KEY = os.environ.get("LEDGER_KEY") or "ledger:" + hashlib.sha256(f"ledger\n{SECRET_KEY}".encode()).hexdigest()
LEDGER_KEY_FALLBACKS = env_list("LEDGER_KEY_FALLBACKS", "")
