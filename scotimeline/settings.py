"""Settings, all from the environment, with safe defaults for the embedded mode (SQLite, eager tasks)."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import dj_database_url
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Keys written in this repository (settings, Makefile, CI, benchmarks): known to everyone, so never a secret.
REPOSITORY_KEYS = frozenset({"embedded-mode-only-insecure-key", "test-only", "ci-schemathesis", "benchmark-only"})


def secret_key_weakness(key: str) -> str | None:
    """Why `key` cannot sign sessions and CSRF tokens in production, or None; Django's own bar (check --deploy)."""
    if not key:
        return "is not set"
    if key in REPOSITORY_KEYS:
        return "is one written in the repository"
    if len(key) < SECRET_KEY_MIN_LENGTH or key.startswith(SECRET_KEY_INSECURE_PREFIX):
        return f"is shorter than {SECRET_KEY_MIN_LENGTH} characters (or a django-insecure- key)"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return f"has fewer than {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different characters"
    return None


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or ("embedded-mode-only-insecure-key" if DEBUG else "")
if not DEBUG and (weakness := secret_key_weakness(SECRET_KEY)):
    raise ImproperlyConfigured(
        f"SECRET_KEY {weakness}. With DEBUG off it signs sessions and CSRF tokens and must be a strong secret: "
        "set SECRET_KEY to a random value, e.g. the output of "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))' (or set DEBUG=1 to develop)."
    )
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
    "axes",  # admin login lockout (see "Login and token throttling" below)
    "events",
    "ingest",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # the app serves its static files, DEBUG or not
    "scotimeline.middleware.RequestGuard",  # 400 for NUL bytes, 413 for oversized bodies, 503 on a database outage
    "events.replicas.PublicReads",  # public GETs may read the replica (DATABASE_REPLICA_URL)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: answers a locked-out login with 429
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

# Request limits (scotimeline.middleware): JSON and form bodies, then multipart uploads (ingest takes
# documents up to 10 MB; the slack lets its form say so rather than a bare 413).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440))
REQUEST_MAX_UPLOAD_SIZE = int(os.environ.get("REQUEST_MAX_UPLOAD_SIZE", 16 * 1024 * 1024))
DATABASE_OUTAGE_RETRY_AFTER = 30  # seconds, in the 503's Retry-After while the database is unreachable

SEEDS_DIR = Path(os.environ.get("SEEDS_DIR", BASE_DIR / "seeds"))

# Celery: without a broker, tasks run eagerly in-process (the embedded mode).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

# Shared counters. With REDIS_URL, throttles and login lockouts count in Redis, so every gunicorn worker
# (and every machine) sees the same counts; without it the API's throttles count per process (the
# embedded mode runs one) and login failures are kept in the database.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    CACHES["shared"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "scotimeline"}
THROTTLE_CACHE = "shared" if REDIS_URL else "default"

# Login and token throttling: django-axes locks a client out of the admin login after
# AXES_FAILURE_LIMIT failures in a row, for AXES_COOLOFF_TIME hours (a success resets the count).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = ["ip_address", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler" if REDIS_URL else "axes.handlers.database.AxesDatabaseHandler"
AXES_CACHE = THROTTLE_CACHE

REST_FRAMEWORK = {
    # Token first: an anonymous write is answered 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "events.api.authentication.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["events.api.permissions.ReadOrPermittedWrite"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "events.api.pagination.KeysetPagination",
    "DEFAULT_RENDERER_CLASSES": ["events.api.renderers.FastJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["events.api.parsers.StrictJSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["events.api.throttling.AnonymousThrottle"],
    # Counted in THROTTLE_CACHE: per process, or shared by every worker when REDIS_URL is set. "failed_token"
    # bounds wrong tokens per client address (events.api.authentication).
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "120/minute") or None,
        "failed_token": os.environ.get("API_FAILED_TOKEN_RATE", "10/minute") or None,
    },
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
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "events.api.schema.describe_references"],
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
