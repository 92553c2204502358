"""Settings come from the environment (CONTRACT §8); every default runs on a bare machine."""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ORDERLY_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _persistent_secret(name: str, make) -> str:
    """A secret from the environment, else one generated once and kept under var/.

    Lets a fresh clone run with no configuration while never shipping a fixed key.
    """
    if os.environ.get(name):
        return os.environ[name]
    path = VAR_DIR / name.lower()
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _fernet_key() -> str:
    import base64

    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


DEBUG = env_bool("DEBUG")
SECRET_KEY = _persistent_secret("SECRET_KEY", lambda: secrets.token_urlsafe(50))
ORDERLY_ENCRYPTION_KEY = _persistent_secret("ORDERLY_ENCRYPTION_KEY", _fernet_key)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # The kernel: infrastructure and identity. It imports no app below it.
    "orderly.accounts",
    "orderly.events",
    "orderly.idempotency",
    "orderly.dashboard",
    # One app per domain.
    "orders",
    "bridges",
    "embed",
    "actions",
    "alerts",
    "webhooks",
    "tracking",
    "operations",
]

MIDDLEWARE = [
    "orderly.api.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "orderly.security_headers.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "orderly.api.middleware.ApiRequestMiddleware",
    "orderly.api.request_guard.RequestGuardMiddleware",
    "embed.cors.EmbedCorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "orderly.urls"
WSGI_APPLICATION = "orderly.wsgi.application"
APPEND_SLASH = False

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
                "orderly.dashboard.context.dashboard",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'orderly.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and scheduler share the file: wait for locks instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
if IS_POSTGRES:
    # Seconds a process keeps its connection; 0 behind a pooler that already keeps them (docs/deploy.md).
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
    # A transaction-mode pooler (PgBouncer) hands each transaction any server connection: a
    # server-side cursor would not survive between its fetches.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DATABASE_POOLER_TRANSACTION_MODE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Every process (gunicorn workers, Celery) must see the same throttle counters and origin map;
    # without Redis the one thing they all share is the database (orderly/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "orderly.cache.DatabaseCache",
            "LOCATION": os.environ.get("ORDERLY_CACHE_TABLE", "orderly_cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 4},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "dashboard:login"
LOGIN_REDIRECT_URL = "dashboard:overview"
LOGOUT_REDIRECT_URL = "dashboard:login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# The languages customer-facing pages (tracking, lookup, their e-mails) are offered in; the
# dashboard and the API stay English (no LocaleMiddleware), so API error messages never change.
LANGUAGES = [("en", "English"), ("sv", "Svenska")]
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every start when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Bodies past this are refused with 413 before any parsing.
ORDERLY_MAX_BODY_BYTES = int(os.environ.get("ORDERLY_MAX_BODY_BYTES", 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = ORDERLY_MAX_BODY_BYTES

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Transport security (docs/security.md). Each is on by default unless DEBUG, and each can be set
# from the environment: behind a TLS-terminating proxy the defaults are right; for plain-http
# local runs set DEBUG=1 (or the variables one by one).
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# "HTTP_X_FORWARDED_PROTO,https" (the default unless DEBUG): trust the proxy's header saying the
# client used https. Set it to "" when nothing strips that header from clients.
_proxy_ssl_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "" if DEBUG else "HTTP_X_FORWARDED_PROTO,https")
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header.split(",", 1)) if _proxy_ssl_header else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# The policy every HTML page gets unless its view sets its own (orderly/security_headers.py).
ORDERLY_CONTENT_SECURITY_POLICY = os.environ.get("ORDERLY_CONTENT_SECURITY_POLICY", "")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["orderly.api.auth.BearerAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["orderly.api.permissions.Required"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["orderly.api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "orderly.api.schema.EnvelopeAutoSchema",
    "EXCEPTION_HANDLER": "orderly.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "auto_session": os.environ.get("ORDERLY_THROTTLE_AUTO_SESSION", "30/min"),
        "public": os.environ.get("ORDERLY_THROTTLE_PUBLIC", "300/min"),
        # Customer pages: order lookup per client and per order number, notify-me sign-ups per client.
        "tracking_lookup": os.environ.get("ORDERLY_THROTTLE_TRACKING_LOOKUP", "10/min"),
        "tracking_lookup_order": os.environ.get("ORDERLY_THROTTLE_TRACKING_LOOKUP_ORDER", "10/h"),
        "tracking_subscribe": os.environ.get("ORDERLY_THROTTLE_TRACKING_SUBSCRIBE", "10/h"),
    },
    "UNAUTHENTICATED_USER": None,
    "NUM_PROXIES": int(os.environ.get("ORDERLY_NUM_PROXIES", "0")),
    "COERCE_DECIMAL_TO_STRING": False,
    # Document `<uuid:pk>` routes as `{pk}`, the name the URLconf (and the schema test) uses.
    "SCHEMA_COERCE_PATH_PK": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Orderly API",
    "DESCRIPTION": "Embeddable order operations for 3PLs. See docs/ for the contract.",
    "VERSION": "1.0.0",
    # 3.1: JSON Schema 2020-12, the dialect of the event catalogue, and a standard `webhooks` section.
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "CONTACT": {"name": "Orderly"},
    "LICENSE": {"name": "Proprietary", "identifier": "LicenseRef-Proprietary"},
    # Relative: the document describes the server it is served from (./bin/run: http://127.0.0.1:8000).
    "SERVERS": [{"url": "/", "description": "This Orderly server"}],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["orderly.api.schema.only_canonical_paths"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "orderly.api.schema.publish_event_webhooks",
        "orderly.api.schema_examples.attach_examples",
        "orderly.api.schema_links.add_resource_links",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    # A PATCH body says which fields it requires itself (e.g. `status` on resolve).
    "COMPONENT_SPLIT_PATCH": False,
    # Several models have a `status`; name each enum after its domain instead of a hash.
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.models.OrderStatus",
        "ShipmentStatusEnum": "orders.models.ShipmentStatus",
        "FulfillmentStatusEnum": "orders.models.FulfillmentStatus",
        "PaymentStatusEnum": "orders.models.PaymentStatus",
        "BridgeStatusEnum": "bridges.models.Bridge.Status",
        "SyncRunStatusEnum": "bridges.models.SyncRun.Status",
        "SyncRunTriggerEnum": "bridges.models.SyncRun.Trigger",
        "ActionRequestStatusEnum": "actions.models.ActionStatus",
        "OperationStatusEnum": "operations.models.OperationStatus",
        "EventTypeEnum": "webhooks.topics.SUBSCRIBABLE_TOPICS",
        "WeightUnitEnum": ["lb", "oz", "kg", "g"],
        "DimensionsUnitEnum": ["in", "cm"],
        "SessionScopeEnum": "orderly.features.SESSION_SCOPES",
        "FeatureEnum": "orderly.features.FEATURES",
        "BridgeTypeEnum": "bridges.registry.BRIDGE_TYPE_IDS",
    },
}

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport (no server process).
# The filesystem transport ignores the host; naming one keeps kombu from warning "No hostname was
# supplied" in every process that publishes (lines that scrolled bin/run's summary away).
CELERY_BROKER_URL = REDIS_URL or "filesystem://localhost//"
if not REDIS_URL:
    _broker_dir = VAR_DIR / "broker"
    for sub in ("queue", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "UTC"
# Each app registers its periodic tasks here; all run at least once a minute (CONTRACT §8).
CELERY_BEAT_SCHEDULE: dict = {
    "orders-process-pending-ingests": {"task": "orderly.orders.tasks.order_ingests_sweep", "schedule": 30.0},
    "actions-expire-overdue": {"task": "actions.tasks.action_requests_expire", "schedule": 30.0},
    "webhooks-dispatch-due": {"task": "webhooks.tasks.deliveries_dispatch_due", "schedule": 10.0},
    "operations-resume-stalled": {"task": "operations.tasks.operations_resume_stalled", "schedule": 60.0},
    # Starts the bridges' due syncs (every ORDERLY_BRIDGE_SYNC_MINUTES) and re-queues stalled runs.
    "bridges-sync-due": {
        "task": "bridges.tasks.bridge_syncs_due",
        "schedule": float(os.environ.get("ORDERLY_BRIDGE_SYNC_SWEEP_SECONDS", "60")),
    },
    "tracking-purge-subscriptions": {"task": "tracking.tasks.tracking_subscriptions_purge", "schedule": 300.0},
    "idempotency-purge-expired": {
        "task": "orderly.idempotency.tasks.idempotency_records_purge_expired",
        "schedule": 60.0,
    },
}
# Drills and tests run the whole schedule faster (0.1: every interval a tenth as long).
ORDERLY_BEAT_INTERVAL_SCALE = float(os.environ.get("ORDERLY_BEAT_INTERVAL_SCALE", "1"))
for _entry in CELERY_BEAT_SCHEDULE.values():
    _entry["schedule"] *= ORDERLY_BEAT_INTERVAL_SCALE

# Product settings.
ORDERLY_WEBHOOKS_ALLOW_PRIVATE = env_bool("ORDERLY_WEBHOOKS_ALLOW_PRIVATE")
ORDERLY_BRIDGE_SERVICE_URL = os.environ.get("ORDERLY_BRIDGE_SERVICE_URL", "https://bridge-{type}.orderly.invalid")
ORDERLY_BRIDGE_TIMEOUT = (5, 15)
ORDERLY_OAUTH_STATE_TTL_SECONDS = 600

# Bridge sync (docs/bridges.md).
ORDERLY_BRIDGE_SYNC_MINUTES = int(os.environ.get("ORDERLY_BRIDGE_SYNC_MINUTES", "15"))
ORDERLY_BRIDGE_SYNC_PAGE_SIZE = int(os.environ.get("ORDERLY_BRIDGE_SYNC_PAGE_SIZE", "100"))
# A page that answers 429, 5xx or times out is tried again this many times, waiting the service's
# Retry-After (at most ORDERLY_BRIDGE_SYNC_MAX_WAIT_SECONDS) or the next delay below.
ORDERLY_BRIDGE_SYNC_RETRIES = int(os.environ.get("ORDERLY_BRIDGE_SYNC_RETRIES", "4"))
ORDERLY_BRIDGE_SYNC_RETRY_DELAYS = [
    float(v) for v in os.environ.get("ORDERLY_BRIDGE_SYNC_RETRY_DELAYS", "2,10,30,60").split(",")
]
ORDERLY_BRIDGE_SYNC_MAX_WAIT_SECONDS = float(os.environ.get("ORDERLY_BRIDGE_SYNC_MAX_WAIT_SECONDS", "120"))
# How long a worker owns a running run without saving progress; past it, the run is claimed again.
ORDERLY_BRIDGE_SYNC_LEASE_SECONDS = int(os.environ.get("ORDERLY_BRIDGE_SYNC_LEASE_SECONDS", "120"))

# The built-in Shopify bridge: on when both credentials are set (otherwise `shopify` uses its
# bridge service like every other type). The Admin API version is pinned here and only here.
ORDERLY_SHOPIFY_CLIENT_ID = os.environ.get("ORDERLY_SHOPIFY_CLIENT_ID", "")
ORDERLY_SHOPIFY_CLIENT_SECRET = os.environ.get("ORDERLY_SHOPIFY_CLIENT_SECRET", "")
ORDERLY_SHOPIFY_API_VERSION = "2025-10"
ORDERLY_SHOPIFY_ADMIN_URL = os.environ.get("ORDERLY_SHOPIFY_ADMIN_URL", "https://{shop}")
ORDERLY_SHOPIFY_SCOPES = os.environ.get(
    "ORDERLY_SHOPIFY_SCOPES",
    "read_orders,read_customers,read_merchant_managed_fulfillment_orders,"
    "write_merchant_managed_fulfillment_orders,read_third_party_fulfillment_orders,"
    "write_third_party_fulfillment_orders",
)
# Where Shopify sends the merchant back; default: this platform's own callback URL as requested.
ORDERLY_SHOPIFY_REDIRECT_URI = os.environ.get("ORDERLY_SHOPIFY_REDIRECT_URI", "")
ORDERLY_SHOPIFY_TIMEOUT = (5, 30)
# Orders per GraphQL page: with 25 line items and 10 fulfillments each, a query stays within
# Shopify's 1,000-point cost limit per query.
ORDERLY_SHOPIFY_PAGE_SIZE = 8
ORDERLY_SESSION_DEFAULT_TTL = 3600
ORDERLY_AUTO_SESSION_MAX_TTL = 3600
ORDERLY_API_KEY_TOUCH_SECONDS = 60
ORDERLY_ACTION_REQUEST_TTL_DAYS = 7
ORDERLY_TRACKING_PAGE_TTL_DAYS = int(os.environ.get("ORDERLY_TRACKING_PAGE_TTL_DAYS", "30"))
# Where customers reach this deployment: the links in e-mails (no request to take a host from).
ORDERLY_PUBLIC_URL = os.environ.get("ORDERLY_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
ORDERLY_TRACKING_SUBSCRIPTIONS_PER_PAGE = int(os.environ.get("ORDERLY_TRACKING_SUBSCRIPTIONS_PER_PAGE", "20"))
ORDERLY_TRACKING_CONFIRM_DAYS = 3

# E-mail (docs/tracking.md): ORDERLY_EMAIL_URL (or EMAIL_URL), e.g. smtp://user:pass@host:587;
# unset, mails are written as files under var/mail/ so a local run needs no mail server.
from orderly.email_config import email_settings_from_url  # noqa: E402 - settings helpers, not an app

globals().update(
    email_settings_from_url(
        os.environ.get("ORDERLY_EMAIL_URL") or os.environ.get("EMAIL_URL", ""), default_dir=VAR_DIR / "mail"
    )
)
DEFAULT_FROM_EMAIL = os.environ.get("ORDERLY_EMAIL_FROM", "Orderly <no-reply@orderly.local>")
# Lists count their rows exactly up to this many; past it `total` is the planner's estimate
# (orderly/api/pagination.py), so a count never reads more than this many index entries.
ORDERLY_PAGINATION_EXACT_COUNT = int(os.environ.get("ORDERLY_PAGINATION_EXACT_COUNT", "10000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "orderly.api.context.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Webhooks (docs/webhooks.md). Delays between attempts, in seconds: 8 attempts in all.
ORDERLY_WEBHOOK_RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 36000]
ORDERLY_WEBHOOK_JITTER = float(os.environ.get("ORDERLY_WEBHOOK_JITTER", "0.2"))
ORDERLY_WEBHOOK_TIMEOUT = (5, 15)
ORDERLY_WEBHOOK_LEASE_SECONDS = int(os.environ.get("ORDERLY_WEBHOOK_LEASE_SECONDS", "60"))
# Deliveries per worker task, POSTed this many at a time. Two rounds of the timeout above stay
# within the lease, so a batch of slow endpoints is not re-claimed while still being sent.
ORDERLY_WEBHOOK_BATCH = int(os.environ.get("ORDERLY_WEBHOOK_BATCH", "50"))
ORDERLY_WEBHOOK_SEND_CONCURRENCY = int(os.environ.get("ORDERLY_WEBHOOK_SEND_CONCURRENCY", "25"))
ORDERLY_WEBHOOK_DISABLE_AFTER_FAILURES = int(os.environ.get("ORDERLY_WEBHOOK_DISABLE_AFTER_FAILURES", "10"))
ORDERLY_WEBHOOK_DISABLE_AFTER_SECONDS = int(os.environ.get("ORDERLY_WEBHOOK_DISABLE_AFTER_SECONDS", str(24 * 3600)))
ORDERLY_WEBHOOK_ROTATION_GRACE_SECONDS = 24 * 3600
# Dashboard and admin log-in lockout (orderly/dashboard/login.py).
ORDERLY_LOGIN_MAX_FAILURES_PER_ACCOUNT = int(os.environ.get("ORDERLY_LOGIN_MAX_FAILURES_PER_ACCOUNT", "5"))
ORDERLY_LOGIN_MAX_FAILURES_PER_IP = int(os.environ.get("ORDERLY_LOGIN_MAX_FAILURES_PER_IP", "20"))
ORDERLY_LOGIN_LOCKOUT_SECONDS = int(os.environ.get("ORDERLY_LOGIN_LOCKOUT_SECONDS", "900"))

# Idempotency-Key (CONTRACT §3 rev. 2): answers kept 24 h; a request holding its key longer than
# the lease is taken to have died (gunicorn's worker timeout is far shorter).
ORDERLY_IDEMPOTENCY_TTL_SECONDS = 24 * 3600
ORDERLY_IDEMPOTENCY_LEASE_SECONDS = int(os.environ.get("ORDERLY_IDEMPOTENCY_LEASE_SECONDS", "120"))
# Previous secrets still inside their grace period, at most: bounds the signature headers' size.
ORDERLY_WEBHOOK_MAX_PREVIOUS_SECRETS = 10
ORDERLY_WEBHOOKS_PER_END_USER = 5
ORDERLY_WEBHOOKS_PER_ORGANIZATION = 20
