"""One settings module, switched by environment variables (see .env.example).

The defaults run on a laptop with nothing installed but Python: SQLite for the database and
kombu's filesystem transport for Celery. Production sets DATABASE_URL, CELERY_BROKER_URL,
SECRET_KEY, ALLOWED_HOSTS and DEBUG=0.
"""

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab

from responses.organisations import PUBLIC_MAILBOX_DOMAINS as PUBLIC_MAILBOX_DOMAINS_REQUIRED

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CSPI_VAR_DIR") or BASE_DIR / "var")


def env_str(name: str, default: str) -> str:
    """An environment variable, where an empty value counts as unset."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def local_secret_key() -> str:
    """A key generated once per checkout, so web and worker processes on one machine agree."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or local_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# The public address used in links we e-mail; empty means "the address the request came to".
SITE_URL = env_str("SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",  # the sign-in lockout (AXES_* below)
    # Our apps, from the floor up: each imports only those listed before it (see README).
    "responses",
    "benchmarks",
    "roadmaps",
    "reports",
    "teams",
    "consultants",
    "survey",
    "api",
    "cspi",
]

MIDDLEWARE = [
    # Answers /health/live and /health/ready before host checks and the HTTPS redirect.
    "cspi.health.HealthProbeMiddleware",
    "cspi.request_ids.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "cspi.content_security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the one chosen on the landing page (its cookie), else the browser's
    # preference; a respondent's pages then speak their response's language (responses.languages).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a sign-in refused by the lockout into its page (consultants.accounts); after auth.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cspi.urls"
WSGI_APPLICATION = "cspi.wsgi.application"

TEMPLATES = [
    {
        # Our pages (templates/): Jinja2, asked first.
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"autoescape": True, "environment": "cspi.jinja.environment"},
    },
    {
        # Django admin and crispy-forms bring their own Django templates.
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

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'cspi.sqlite3'}"),
        conn_max_age=int(env_str("DB_CONN_MAX_AGE", "60")),
        # A check costs a round trip on every request; without it, a connection the database
        # dropped fails one request and is then replaced.
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write to one file: WAL lets readers go on while one
    # writes, and IMMEDIATE transactions queue writers instead of failing with "locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Consultants sign in with their e-mail address and land in their workspace.
# The lockout's backend comes first: it refuses a paused sign-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "consultants.accounts.EmailBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace:campaigns"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The product speaks English, German, French and Spanish (docs/languages.md). English is the
# language every text is written in and the one a missing translation falls back to.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "cspi_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Reports are files that web and workers on different machines must share: set MEDIA_BUCKET
# (and the S3 variables of .env.example) to keep them in an S3-compatible bucket instead.
if env_str("MEDIA_BUCKET", ""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("MEDIA_BUCKET", ""),
            "endpoint_url": env_str("S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("S3_REGION", "") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY", "") or None,
            "default_acl": None,  # private: downloads go through our own access checks
            "querystring_auth": True,
            "file_overwrite": True,
            # An object read (a campaign's ZIP, a backup) spools to disk past this size rather
            # than wholly in memory, django-storages' default.
            "max_memory_size": 8 * 1024 * 1024,
        },
    }
MEDIA_URL = "/media/"

# Messages travel in a signed cookie, so showing a page never needs a session lookup.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CSPI Benchmark <noreply@localhost>")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "25"))
# Seconds before an unreachable mail server counts as down (the e-mail is then tried again).
EMAIL_TIMEOUT = int(env_str("EMAIL_TIMEOUT", "10"))

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Served over HTTPS only: redirect plain HTTP and send HSTS (`check --deploy` asks for both).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Behind a proxy that terminates HTTPS and says so in X-Forwarded-Proto (set only then: anyone
# could send the header straight to the app).
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("PROXY_SETS_X_FORWARDED_PROTO", False) else None
)
CSRF_FAILURE_VIEW = "survey.views.csrf_failure"
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

# How long an unfinished response stays resumable before it is purged.
SURVEY_DRAFT_DAYS = int(env_str("SURVEY_DRAFT_DAYS", "30"))

# Peer benchmarks: a group with fewer than BENCHMARK_K peers shows nothing. Demo responses
# (seed_demo) count only when BENCHMARK_INCLUDE_DEMO is on: the quick start turns it on.
BENCHMARK_K = int(env_str("BENCHMARK_K", "5"))
BENCHMARK_INCLUDE_DEMO = env_bool("BENCHMARK_INCLUDE_DEMO", False)
# Only responses completed within the last BENCHMARK_WINDOW_MONTHS count as peers (0: all); a
# nightly task, and any comparison made first, takes the ones that age out of the pool.
BENCHMARK_WINDOW_MONTHS = int(env_str("BENCHMARK_WINDOW_MONTHS", "24"))
# Completed responses older than RESPONSE_RETENTION_MONTHS are erased by a nightly task, with
# every copy of them (responses.erasure); unset or 0 keeps them.
RESPONSE_RETENTION_MONTHS = int(env_str("RESPONSE_RETENTION_MONTHS", "0") or "0")
# Peers are organisations (SCORING.md §4): an e-mail's domain, except on these public mailbox
# domains, where the whole address is an organisation of one. PUBLIC_MAILBOX_DOMAINS_EXTRA adds
# more (comma-separated); the pool is rebuilt when the list changes.
PUBLIC_MAILBOX_DOMAINS = sorted(
    PUBLIC_MAILBOX_DOMAINS_REQUIRED | set(env_list("PUBLIC_MAILBOX_DOMAINS_EXTRA", ""))
)
# The pool's snapshot (outcome lens, peers' choices) is computed by a worker after a pool change,
# at most once per OUTCOME_SNAPSHOT_MIN_SECONDS; beat asks for one every few minutes too.
OUTCOME_SNAPSHOT_MIN_SECONDS = float(env_str("OUTCOME_SNAPSHOT_MIN_SECONDS", "60"))

# PDF reports: a render gets REPORT_SOFT_TIME_LIMIT seconds (then the hard limit kills it),
# REPORT_MAX_ATTEMPTS tries with backoff, and holds its report for the hard limit plus a margin;
# past that the reconciler queues it again. All well below the broker's visibility timeout.
REPORT_SOFT_TIME_LIMIT = int(env_str("REPORT_SOFT_TIME_LIMIT", "120"))
REPORT_TIME_LIMIT = int(env_str("REPORT_TIME_LIMIT", "150"))
REPORT_LEASE_SECONDS = int(env_str("REPORT_LEASE_SECONDS", str(REPORT_TIME_LIMIT + 30)))
REPORT_MAX_ATTEMPTS = int(env_str("REPORT_MAX_ATTEMPTS", "3"))
REPORT_QUEUE_GRACE_SECONDS = int(env_str("REPORT_QUEUE_GRACE_SECONDS", "120"))
# A campaign's ZIP whose build has put no PDF in for this long has lost its worker: it fails,
# and "download all" starts a new one.
ARCHIVE_STALL_SECONDS = int(env_str("ARCHIVE_STALL_SECONDS", "300"))
# A campaign's ZIP is deleted (file and row) this many hours after it was built.
ARCHIVE_KEEP_HOURS = int(env_str("ARCHIVE_KEEP_HOURS", "72"))

# Celery: the filesystem transport needs no server; production points this at Redis.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = (
    {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    # Longer than any render may take (REPORT_TIME_LIMIT), or Redis would hand a running task
    # to a second worker.
    else {"visibility_timeout": 3600}
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ANNOTATIONS = {
    "reports.tasks.render_report": {
        "soft_time_limit": REPORT_SOFT_TIME_LIMIT,
        "time_limit": REPORT_TIME_LIMIT,
        "max_retries": REPORT_MAX_ATTEMPTS,
    },
    "teams.tasks.render_team_report": {
        "soft_time_limit": REPORT_SOFT_TIME_LIMIT,
        "time_limit": REPORT_TIME_LIMIT,
    },
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a long render holds no other report hostage
# WeasyPrint's native libraries keep about 0.4 MB per render (measured in perf/report_bench.py),
# so a pool process is replaced after this many tasks, or once it holds this many KiB.
CELERY_WORKER_MAX_TASKS_PER_CHILD = int(env_str("CELERY_WORKER_MAX_TASKS_PER_CHILD", "200"))
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(env_str("CELERY_WORKER_MAX_MEMORY_PER_CHILD", "400000"))
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# How often beat asks for the reconcilers: reports and resume links a lost queue or a mail
# outage left behind.
RECONCILE_EVERY_SECONDS = float(env_str("RECONCILE_EVERY_SECONDS", "60"))
CELERY_BEAT_SCHEDULE = {
    "purge-expired-drafts": {"task": "responses.tasks.purge_expired_drafts", "schedule": 3600.0},
    "prune-pool-history": {"task": "benchmarks.tasks.prune_pool_history", "schedule": 3600.0},
    # Just after midnight UTC, when the window's start moves on by a day.
    "age-out-pool": {
        "task": "benchmarks.tasks.age_out_pool",
        "schedule": crontab(hour=0, minute=5),
    },
    "refresh-pool-snapshot": {
        "task": "benchmarks.tasks.refresh_pool_snapshot",
        "schedule": 300.0,
        "options": {"expires": 300},
    },
    "purge-idempotent-replies": {"task": "api.tasks.purge_idempotent_replies", "schedule": 3600.0},
    "erase-past-retention": {
        "task": "responses.tasks.erase_past_retention",
        "schedule": crontab(hour=0, minute=20),
    },
    "remove-erased-files": {"task": "responses.tasks.remove_erased_files", "schedule": 600.0},
    "reconcile-reports": {
        "task": "reports.tasks.reconcile_reports",
        "schedule": RECONCILE_EVERY_SECONDS,
    },
    "reconcile-resume-links": {
        "task": "survey.tasks.reconcile_resume_links",
        "schedule": RECONCILE_EVERY_SECONDS,
    },
    "reconcile-invitations": {
        "task": "consultants.tasks.reconcile_invitations",
        "schedule": RECONCILE_EVERY_SECONDS,
    },
    "reconcile-team-reports": {
        "task": "teams.tasks.reconcile_team_reports",
        "schedule": RECONCILE_EVERY_SECONDS,
    },
    # Read by /health/ready (cspi/health.py). A heartbeat no worker took within 5 minutes says
    # nothing new: it expires rather than pile up while the workers are down.
    "record-worker-heartbeat": {
        "task": "cspi.tasks.record_worker_heartbeat",
        "schedule": 30.0,
        "options": {"expires": 300},
    },
}
# Health probes (cspi/health.py): each check of /health/ready gets HEALTH_CHECK_TIMEOUT seconds;
# readiness fails once no worker has run beat's heartbeat for HEALTH_WORKER_STALE_SECONDS (0: the
# web processes stay ready whatever the workers do).
HEALTH_CHECK_TIMEOUT = float(env_str("HEALTH_CHECK_TIMEOUT", "2"))
HEALTH_WORKER_STALE_SECONDS = int(env_str("HEALTH_WORKER_STALE_SECONDS", "300"))

# One line per record, JSON by default (LOG_FORMAT=text for reading on a terminal), each with
# the id of the request it belongs to, in the web process and in the tasks that request queued.
LOG_FORMAT = env_str("LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cspi.request_ids.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT if LOG_FORMAT in {"json", "text"} else "json",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every step of every render at INFO; its warnings still show.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# The JSON API (cspi/api.py). Its rate limits count in this cache: per process in memory by
# default; set CACHE_URL (redis://…) so that every web process shares one count.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_str("CACHE_URL", ""),
            # An unreachable Redis fails fast; the API then counts its limits per process.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if env_str("CACHE_URL", "")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
API_RATE_LIMIT_TOKEN = env_str("API_RATE_LIMIT_TOKEN", "120/min")
API_RATE_LIMIT_ANONYMOUS = env_str("API_RATE_LIMIT_ANONYMOUS", "30/min")
# How many proxies of ours sit in front of the app and append to X-Forwarded-For. 0: the client
# address is REMOTE_ADDR and X-Forwarded-For (which anyone can write) is ignored.
TRUSTED_PROXY_COUNT = int(env_str("TRUSTED_PROXY_COUNT", "0"))
# Replies to POST /api/v1/responses made with an Idempotency-Key are kept this many hours
# (API v1 promises at least 24), then purged by beat.
API_IDEMPOTENCY_HOURS = max(24, int(env_str("API_IDEMPOTENCY_HOURS", "24")))
# Swagger UI for /api/v1/docs comes from django-ninja's static files, not a CDN.
INSTALLED_APPS += ["ninja"]

# Optional error reporting (cspi/error_reports.py): on only when SENTRY_DSN is set.
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    from cspi.error_reports import error_reports_start

    error_reports_start(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(env_str("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )

# Abuse limits of the pages, counted per client address (responses/client_address.py, the
# same address as the API's limits; docs/consultants.md, docs/survey.md).
# Sign-in, here and in Django admin (django-axes): SIGN_IN_FAILURE_LIMIT wrong passwords for one
# account name from one client address pause that pair for SIGN_IN_LOCKOUT_MINUTES, counted
# from the failure that started the pause; a successful sign-in clears the count.
AXES_FAILURE_LIMIT = int(env_str("SIGN_IN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env_str("SIGN_IN_LOCKOUT_MINUTES", "15")) / 60  # axes reads hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # no cache needed, none to lose
AXES_CLIENT_IP_CALLABLE = "responses.client_address.client_address"
AXES_USERNAME_CALLABLE = "consultants.accounts.sign_in_name"
AXES_LOCKOUT_CALLABLE = "consultants.accounts.sign_in_locked_out"
AXES_DISABLE_ACCESS_LOG = True  # failures are kept for the cool-off; successes are not logged
AXES_VERBOSE = False  # no banner on every command; failures are still logged
# Password links (django-ratelimit, counted in CACHES): at most this many per e-mail address and
# per client address; over either, the page answers as usual and sends nothing. New surveys:
# at most this many from one client address on the landing page and through campaign links;
# over it the respondent is asked to wait (429). A rate is a count per s, min, hour or day.
RATELIMIT_IP_META_KEY = "responses.client_address.client_address"
RATELIMIT_FAIL_OPEN = True  # a count the cache cannot keep never stops anyone
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_str("PASSWORD_RESET_LIMIT_PER_ADDRESS", "3/hour")
PASSWORD_RESET_LIMIT_PER_CLIENT = env_str("PASSWORD_RESET_LIMIT_PER_CLIENT", "10/hour")
SURVEY_START_LIMIT = env_str("SURVEY_START_LIMIT", "20/hour")
# Comparisons made again through one private link (the results page's "Compare with today's peers").
SURVEY_COMPARE_AGAIN_LIMIT = env_str("SURVEY_COMPARE_AGAIN_LIMIT", "10/hour")
SURVEY_CAMPAIGN_START_LIMIT = env_str("SURVEY_CAMPAIGN_START_LIMIT", "60/hour")
