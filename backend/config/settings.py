"""Settings, all from the environment, with embedded defaults (SQLite, in-process cache)."""

import os
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = BASE_DIR.parent
if str(REPO_ROOT) not in sys.path:  # graphql_schema/ sits at the repository root
    sys.path.insert(1, str(REPO_ROOT))


def webhook_retry_delays(value: str) -> tuple[float, ...]:
    """WEBHOOK_RETRY_DELAYS: "60,300,..." -> (60.0, 300.0, ...); refused when malformed."""
    try:
        delays = tuple(float(part) for part in value.split(","))
    except ValueError:
        raise ValueError(
            f"WEBHOOK_RETRY_DELAYS must be comma-separated seconds: {value!r}"
        ) from None
    if not 1 <= len(delays) <= 20 or not all(0 < d <= 7 * 86400 for d in delays):
        raise ValueError(f"WEBHOOK_RETRY_DELAYS: 1..20 delays of 0 to 604800 s, got {value!r}")
    return delays


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or "insecure-dev-key-change-me"
if not DEBUG and SECRET_KEY == "insecure-dev-key-change-me":
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "people",
    "calendars",
    "changes",
    "projects",
    "demand",
    "assignments",
    "accounts",
    "api",
    "exports",
    "webhooks",
]

MIDDLEWARE = [
    # First: every later step (rate limits, login throttling, logs) reads the client address
    # it settles, and a database outage anywhere below becomes a JSON 503.
    "api.edge.TrustedProxyMiddleware",
    "api.edge.EdgeErrorsMiddleware",
    # Django's own, with their hooks run in the event loop instead of a thread hop each
    # (api/middleware.py: InlineHooks)
    "api.middleware.SecurityMiddleware",
    "api.staticfiles.StaticFilesMiddleware",  # WhiteNoise, async (api/staticfiles.py)
    "api.middleware.SessionMiddleware",
    "api.middleware.CommonMiddleware",
    "api.middleware.ApiCsrfViewMiddleware",
    "api.middleware.AuthenticationMiddleware",
    "api.middleware.MessageMiddleware",
    "api.middleware.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# Database: SQLite file by default; DATABASE_URL (postgres://...) in production and CI.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    default_db = dj_database_url.parse(DATABASE_URL)
    if default_db["ENGINE"] == "django.db.backends.postgresql":
        from core.database import GuardedPgConnection

        # Persistent connections leak under ASGI; psycopg's pool hands them out instead.
        default_db["CONN_MAX_AGE"] = 0
        default_db.setdefault("OPTIONS", {})["options"] = (
            f"-c statement_timeout={int(os.environ.get('DB_STATEMENT_TIMEOUT_MS', '10000'))}"
        )
        default_db["OPTIONS"]["pool"] = {
            # reports each connection attempt to the database breaker (core/outage.py)
            "connection_class": GuardedPgConnection,
            "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", "2")),
            "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", "10")),
            "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "10")),
        }
else:
    default_db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SQLITE_PATH", str(REPO_ROOT / "capgraph.sqlite3")),
        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
    }
DATABASES = {"default": default_db}
# A PostgreSQL read replica for reports (core/routing.py); same pool and timeout options.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
DATABASE_ROUTERS: list[str] = []
if DATABASE_REPLICA_URL and default_db["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["replica"] = {
        **dj_database_url.parse(DATABASE_REPLICA_URL),
        "CONN_MAX_AGE": 0,
        "OPTIONS": default_db["OPTIONS"],
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["core.routing.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: in-process by default; Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
# A Redis that accepts connections and never answers must not hold requests: each call
# gives up after this many ms (at most 250), and after REDIS_BREAKER_FAILURES consecutive
# failures Redis is skipped for REDIS_BREAKER_SECONDS (requests run uncached meanwhile).
REDIS_TIMEOUT_MS = min(250, int(os.environ.get("REDIS_TIMEOUT_MS", "250")))
REDIS_BREAKER_FAILURES = int(os.environ.get("REDIS_BREAKER_FAILURES", "3"))
REDIS_BREAKER_SECONDS = float(os.environ.get("REDIS_BREAKER_SECONDS", "30"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.SharedPoolRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "capgraph",
            # Every call gives up after REDIS_TIMEOUT_MS, without retrying (core/cache.py).
            "OPTIONS": {
                "socket_timeout": REDIS_TIMEOUT_MS / 1000,
                "socket_connect_timeout": REDIS_TIMEOUT_MS / 1000,
                "retry_on_timeout": False,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

# Static files: WhiteNoise (api/staticfiles.py). In DEBUG the admin's files are found where
# the apps keep them (no collectstatic needed); otherwise from STATIC_ROOT, which
# `collectstatic` fills with hashed, compressed copies (the Docker image runs it).
STATIC_URL = "static/"
STATIC_ROOT = REPO_ROOT / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "api.staticfiles.StaticFilesStorage"},
}
# The built web app (frontend/dist): its files at the site root (/assets/..., /favicon.ico,
# /robots.txt); its own routes get index.html (api/webapp.py). In DEBUG a build made while the
# server runs is found too.
WEB_APP_DIST = REPO_ROOT / "frontend" / "dist"
WHITENOISE_ROOT = str(WEB_APP_DIST) if DEBUG or WEB_APP_DIST.is_dir() else None
# Names that carry a hash of the content are cached for a year: Vite's build output
# (<name>-<8 characters>.<ext>) and collectstatic's copies (<name>.<12 hex digits>.<ext>).
WHITENOISE_IMMUTABLE_FILE_TEST = (
    r"^/assets/.+-[0-9A-Za-z_-]{8}\.\w+(\.map)?$|^/static/.+\.[0-9a-f]{12}\.\w+$"
)

# Origins (scheme://host[:port]) whose cookie-authenticated POSTs are accepted besides this
# site's own, comma-separated. With DEBUG on, the Vite dev server's (`cd frontend && npm run
# dev`, which proxies the API) are trusted as well.
VITE_DEV_ORIGINS = ["http://localhost:5173", "http://127.0.0.1:5173"]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
] + (VITE_DEV_ORIGINS if DEBUG else [])
CSRF_COOKIE_HTTPONLY = False  # the web app reads it to send X-CSRFToken
CSRF_FAILURE_VIEW = "api.middleware.csrf_failure"
# Larger request bodies are refused with 413 (a 500-item bulk edit is well under 1 MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("MAX_REQUEST_BYTES", str(2 * 1024 * 1024)))
# PostgreSQL stops any statement running longer than this (ms); the client gets TIMEOUT.
DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "10000"))
# /readyz answers 503 once the connection pool has had no free connection (or requests
# waiting for one) for longer than this many seconds, at every probe in between.
READY_POOL_EXHAUSTED_SECONDS = float(os.environ.get("READY_POOL_EXHAUSTED_SECONDS", "10"))
SESSION_COOKIE_HTTPONLY = True
# Once the database has failed (a refused connection, a failed /readyz probe), every
# request answers JSON 503 SERVICE_UNAVAILABLE at once for this many seconds instead of
# each waiting DB_POOL_TIMEOUT for a connection; then requests try again.
DB_BREAKER_SECONDS = float(os.environ.get("DB_BREAKER_SECONDS", "5"))
# Addresses (IPs, networks like 10.0.0.0/8, or host names) of the reverse proxies whose
# X-Forwarded-For and X-Forwarded-Proto are believed; default none: the peer's address is
# the client's (rate limits and login throttling are keyed on it).
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]
# X-Forwarded-Proto from a trusted proxy says https (api.edge strips it from anyone else).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Failed logins (/auth/login and the admin's) per username and per client address: after
# LOGIN_MAX_FAILURES within LOGIN_FAILURE_WINDOW seconds, 429 RATE_LIMITED until the
# window ends; a successful login clears both counts (accounts/throttle.py).
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "10"))
LOGIN_FAILURE_WINDOW = int(os.environ.get("LOGIN_FAILURE_WINDOW", "900"))
AUTHENTICATION_BACKENDS = ["accounts.backends.ThrottledModelBackend"]

SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
SENTRY_TRACES_SAMPLE_RATE = float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0") or 0)
PERSISTED_QUERIES = os.environ.get("PERSISTED_QUERIES", "apq") or "apq"
if PERSISTED_QUERIES not in {"apq", "trusted", "off"}:
    raise RuntimeError("PERSISTED_QUERIES must be apq, trusted or off")
# The trusted-documents manifest. Default: the web app's, written by GraphQL Code Generator
# (frontend/src/gql/persisted-documents.json); PERSISTED_DOCUMENTS names another, empty: none.
WEB_APP_MANIFEST = REPO_ROOT / "frontend" / "src" / "gql" / "persisted-documents.json"
PERSISTED_DOCUMENTS = os.environ.get(
    "PERSISTED_DOCUMENTS", str(WEB_APP_MANIFEST) if WEB_APP_MANIFEST.exists() else ""
)
RESPONSE_CACHE_TTL = int(os.environ.get("RESPONSE_CACHE_TTL", "30"))
# Known query documents run by their compiled plan (api.compiled; docs/design.md, "Compiled
# execution"); false: graphql-core runs every request.
COMPILED_QUERIES = env_bool("COMPILED_QUERIES", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) printed each of its warnings a second
        # time (a CSRF refusal, a 404): Django's records reach the root handler alone.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
    },
}
# Seconds an APQ registration lives in the cache (Apollo APQ).
APQ_TTL = int(os.environ.get("APQ_TTL", "86400"))
# APQ registrations by anonymous callers (off: only authenticated callers register hashes;
# anyone may still run a registered one), and how many registrations are kept (the least
# recently used are evicted beyond it).
APQ_ANONYMOUS_REGISTRATION = env_bool("APQ_ANONYMOUS_REGISTRATION", False)
APQ_MAX_DOCUMENTS = int(os.environ.get("APQ_MAX_DOCUMENTS", "2000"))

# Document limits, checked before execution (QUERY_TOO_COMPLEX); see api/limits.py.
QUERY_LIMITS = {
    "depth": int(os.environ.get("QUERY_MAX_DEPTH", "10")),
    "aliases": int(os.environ.get("QUERY_MAX_ALIASES", "15")),
    "directives": int(os.environ.get("QUERY_MAX_DIRECTIVES", "50")),
    "tokens": int(os.environ.get("QUERY_MAX_TOKENS", "2000")),
    "characters": int(os.environ.get("QUERY_MAX_CHARACTERS", "15000")),
    "nodes": int(os.environ.get("QUERY_MAX_NODES", "50000")),
    # fields once fragments are expanded, and fields with one response name at one place
    "fields": int(os.environ.get("QUERY_MAX_FIELDS", "2000")),
    "same_field": int(os.environ.get("QUERY_MAX_SAME_FIELD", "10")),
}
# No larger answer is sent or cached: REQUEST_TOO_LARGE instead.
MAX_RESPONSE_BYTES = int(os.environ.get("MAX_RESPONSE_BYTES", str(16 * 1024 * 1024)))
# Points per identity (token, user or IP) per hour; a query costs max(1, nodes / 100).
RATE_LIMIT_POINTS = int(os.environ.get("RATE_LIMIT_POINTS", "5000"))
RATE_LIMIT_MUTATION_COST = int(os.environ.get("RATE_LIMIT_MUTATION_COST", "5"))
# What an operation refused before it runs (invalid, too complex, too large) costs.
RATE_LIMIT_REFUSED_COST = max(1, int(os.environ.get("RATE_LIMIT_REFUSED_COST", "1")))
# Operations slower than this are logged at WARNING with their SQL count.
SLOW_OPERATION_MS = int(os.environ.get("SLOW_OPERATION_MS", "500"))

# Background grid exports (exports/). Without a broker they run in the web process, in a
# bounded thread pool; with one, in Celery workers (config/celery.py).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_IGNORE_RESULT = True  # a job's state lives in its ExportJob row
CELERY_TASK_ACKS_LATE = True  # a worker lost mid-export hands the job to another one
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Queuing an export is a Redis call inside a request: bounded like the cache's (a broker that
# never answers cost the mutation its whole socket wait), and not retried; a job that
# cannot be queued is marked FAILED at once (exports/dispatch.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": REDIS_TIMEOUT_MS / 1000,
    "socket_connect_timeout": REDIS_TIMEOUT_MS / 1000,
    "max_retries": 0,  # publishing: one connection attempt (workers retry on their own)
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TIMEZONE = TIME_ZONE
# Webhooks (webhooks/, docs/webhooks.md): the beat's dispatch is the safety net behind the
# one each committed write queues; without a broker the web process's delivery thread wakes
# this often. Retries come due on this clock too.
WEBHOOK_POLL_SECONDS = float(os.environ.get("WEBHOOK_POLL_SECONDS", "5"))
# Webhook URLs resolving to loopback, private, link-local... addresses are refused (SSRF);
# turn this on to receive on this machine or your network (development, tests).
WEBHOOK_ALLOW_PRIVATE_URLS = env_bool("WEBHOOK_ALLOW_PRIVATE_URLS", False)
# Seconds to wait after failed attempt 1, 2, ... before the next one (each +-10 % jitter);
# one attempt more than there are delays, then the subscription is disabled. The default is
# 1 min .. 12 h: 8 attempts over about 22 h. Comma-separated, 1..20 positive numbers; tests
# shorten it (tests/webhooks/test_live.py) so a receiver's retries take seconds.
WEBHOOK_RETRY_DELAYS = webhook_retry_delays(
    os.environ.get("WEBHOOK_RETRY_DELAYS", "60,300,900,3600,10800,21600,43200")
)
# A worker holds a subscription's lease this long (renewed before an attempt once a quarter
# of it has run; an attempt takes at most about three 10 s timeouts): when a worker dies,
# its deliveries wait this long. Keep it at 40 s or more.
WEBHOOK_LEASE_SECONDS = float(os.environ.get("WEBHOOK_LEASE_SECONDS", "60"))
CELERY_BEAT_SCHEDULE = {
    "cleanup-exports": {"task": "exports.cleanup_exports", "schedule": 600.0},
    "dispatch-webhooks": {"task": "webhooks.dispatch", "schedule": WEBHOOK_POLL_SECONDS},
    "prune-changes": {"task": "changes.prune_changes", "schedule": 3600.0},
}
# Live subscriptions (graphql-transport-ws and SSE on /graphql; docs/api.md). Each API process
# runs one listener over the committed change log, woken by a Redis pub/sub notice (or, without
# REDIS_URL, in process) and reading the log again every SUBSCRIPTION_POLL_SECONDS anyway, so a
# lost notice delays a change by at most that long and loses nothing.
SUBSCRIPTION_POLL_SECONDS = float(os.environ.get("SUBSCRIPTION_POLL_SECONDS", "5"))
# Open subscriptions per WebSocket connection, and per token (or user) over every connection
# and every API process; changes queued for one subscriber before it is closed as too slow.
SUBSCRIPTIONS_PER_CONNECTION = int(os.environ.get("SUBSCRIPTIONS_PER_CONNECTION", "10"))
SUBSCRIPTIONS_PER_TOKEN = int(os.environ.get("SUBSCRIPTIONS_PER_TOKEN", "20"))
SUBSCRIPTION_QUEUE = int(os.environ.get("SUBSCRIPTION_QUEUE", "1000"))
# A WebSocket must send connection_init this soon after it opens, or it is closed (4408).
SUBSCRIPTION_INIT_SECONDS = float(os.environ.get("SUBSCRIPTION_INIT_SECONDS", "10"))
# Seconds between SSE keep-alive comments (": ping"; Strawberry's SSE transport).
SUBSCRIPTION_HEARTBEAT_SECONDS = float(os.environ.get("SUBSCRIPTION_HEARTBEAT_SECONDS", "15"))
# Days the change log keeps its rows (the change feed's history): older rows are deleted
# by the beat schedule's hourly `changes.prune_changes`.
CHANGE_LOG_RETENTION_DAYS = int(os.environ.get("CHANGE_LOG_RETENTION_DAYS", "30"))
# Relative to the repository root (the worker runs in backend/, the web process anywhere).
EXPORT_DIR = REPO_ROOT / (os.environ.get("EXPORT_DIR") or "var/exports")
EXPORT_TTL_SECONDS = int(os.environ.get("EXPORT_TTL_SECONDS", "3600"))
EXPORT_TASK_TIME_LIMIT = int(os.environ.get("EXPORT_TASK_TIME_LIMIT", "300"))
EXPORT_LOCAL_WORKERS = int(os.environ.get("EXPORT_LOCAL_WORKERS", "2"))

if SENTRY_DSN:
    from .observability import init_sentry

    init_sentry(SENTRY_DSN, SENTRY_TRACES_SAMPLE_RATE)
