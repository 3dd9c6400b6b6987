"""Settings for IOM Hub, all from the environment.

IOMHUB_ENV chooses the posture:
- ``production`` (the default, when IOMHUB_ENV is unset): fails fast when a secret is missing or
  DEBUG is on; secure cookies, HSTS, TOTP required for everyone. Safe by default (ADR 0012).
- ``dev``: embedded SQLite under var/; ``make run`` sets it with IOMHUB_DEMO=1, which lets the
  synthetic demo users (and only them) sign in without a second factor.
- ``test``: as dev, but fast password hashing and every outside integration inert.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

from iomhub.crypto.keys import DEVELOPMENT_KEY, check_key

BASE_DIR = Path(__file__).resolve().parent.parent  # src/iomhub
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("IOMHUB_VAR_DIR", PROJECT_DIR / "var"))

ENV = os.environ.get("IOMHUB_ENV", "production")
if ENV not in {"dev", "test", "production"}:
    raise ImproperlyConfigured(f"IOMHUB_ENV must be dev, test or production, not {ENV!r}")
PRODUCTION = ENV == "production"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set when IOMHUB_ENV=production (the default when IOMHUB_ENV is unset; a development machine sets IOMHUB_ENV=dev)"
        )
    return value


if PRODUCTION:
    SECRET_KEY = _required("SECRET_KEY")
    DATABASE_URL = _required("DATABASE_URL")
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-not-for-production-use-0123456789")
    DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'iomhub.sqlite3'}")

DEBUG = _env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must not be on when IOMHUB_ENV=production: it shows settings and personal data in error pages")
# Demo mode lets the synthetic demo users (``User.demo_account``, set by the demo loader) sign in
# without a second factor; every other account still needs one. Never in production; off unless
# asked for (``make run`` asks).
if PRODUCTION and _env_bool("IOMHUB_DEMO", False):
    raise ImproperlyConfigured("IOMHUB_DEMO must not be on when IOMHUB_ENV=production")
DEMO_MODE = False if PRODUCTION else _env_bool("IOMHUB_DEMO", False)

# Field-level encryption of special-category data (ADR 0039): the newest key seals, every listed key
# opens. Production refuses to start without a key; elsewhere a published, clearly fake key is used.
_field_key = os.environ.get("IOMHUB_FIELD_KEY", "").strip() or (_required("IOMHUB_FIELD_KEY") if PRODUCTION else DEVELOPMENT_KEY)
_previous_field_keys = [k for k in os.environ.get("IOMHUB_FIELD_PREVIOUS_KEYS", "").split(",") if k.strip()]
try:
    FIELD_ENCRYPTION_KEYS = [check_key(_field_key, "IOMHUB_FIELD_KEY")] + [
        check_key(k, "IOMHUB_FIELD_PREVIOUS_KEYS") for k in _previous_field_keys
    ]
except ValueError as _bad_key:
    raise ImproperlyConfigured(str(_bad_key)) from None
if PRODUCTION and DEVELOPMENT_KEY in FIELD_ENCRYPTION_KEYS[:1]:
    raise ImproperlyConfigured("IOMHUB_FIELD_KEY is the published development key: make a key of your own (rotate_keys --new-key)")

# Forwarded headers (X-Forwarded-For) are believed only from these proxies (addresses or networks,
# comma-separated); the client is the right-most hop that is not one of them (ADR 0012).
IOMHUB_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("IOMHUB_TRUSTED_PROXIES", "").split(",") if p.strip()]
# API tokens: how long a new token lasts, and how recent the second factor must be to create one.
IOMHUB_TOKEN_DAYS = int(os.environ.get("IOMHUB_TOKEN_DAYS", "90"))
IOMHUB_STEP_UP_SECONDS = int(os.environ.get("IOMHUB_STEP_UP_SECONDS", str(15 * 60)))
# One-time links an administrator issues for a user's first authenticator app.
IOMHUB_ENROLMENT_LINK_HOURS = int(os.environ.get("IOMHUB_ENROLMENT_LINK_HOURS", "72"))

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_rq",  # the RQ worker and scheduler commands, when IOMHUB_TASKS=redis (ADR 0019)
    "iomhub.access",
    "iomhub.people",
    "iomhub.casework",
    "iomhub.referrals",
    "iomhub.cohort",
    "iomhub.justice",
    "iomhub.meetings",
    "iomhub.feeds",
    "iomhub.reporting",
    "iomhub.interventions",
    "iomhub.documents",
    "iomhub.web",
    "iomhub.shell",
    "iomhub.operations",
    "iomhub.assessments",
    "iomhub.notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "iomhub.access.api_problems.ApiProblemMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "iomhub.access.middleware.RequestContextMiddleware",
    "iomhub.access.middleware.SignInRequiredMiddleware",
    "iomhub.access.middleware.NoStoreMiddleware",
    # Nothing stored twice on a double submission: the API's Idempotency-Key on POST, and a page
    # form's once-only token (ADR: once-only submissions; docs/api.md, "Retrying a POST").
    "iomhub.access.idempotency.IdempotencyKeyMiddleware",
    "iomhub.web.once.OnceTokenMiddleware",
]
# A page's token or an API Idempotency-Key is remembered this long (iomhub.web.once_store.forget_expired
# deletes older ones); a key still "being saved" after ONCE_IN_FLIGHT_STALE_SECONDS belonged to a request
# that died and is taken over; a form posted again while the first is being saved waits ONCE_WAIT_SECONDS.
ONCE_KEY_EXPIRY_HOURS = 24
ONCE_IN_FLIGHT_STALE_SECONDS = 60
ONCE_WAIT_SECONDS = 5

ROOT_URLCONF = "iomhub.config.urls"
WSGI_APPLICATION = "iomhub.config.wsgi.application"

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
                "csp.context_processors.nonce",
                "iomhub.shell.context_processors.service",
            ],
            # The date filter and url tag, quicker for what the pages use; the same text (ADR 0040); the
            # once-only token every POST form carries beside {% csrf_token %} (iomhub.web.once).
            "builtins": ["iomhub.web.templatetags.dates", "iomhub.web.templatetags.urls", "iomhub.web.templatetags.once"],
        },
    }
]
# Every form renders as GOV.UK Design System markup through Django's own form templates.
FORM_RENDERER = "iomhub.web.forms.GovukFormRenderer"

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")))}
# A kept connection is checked before each request reuses it, so one the database dropped (a restart,
# a failover, pg_terminate_backend) is replaced instead of failing the next request (issue 13 §7b).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "access.User"
AUTHENTICATION_BACKENDS = ["iomhub.access.backends.SignedInBackend"]  # ModelBackend, the organisation and team in one query
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "access:sign-in"
LOGIN_REDIRECT_URL = "home"

# Sign-in hardening (issue 2 §7, issue 9 §7; ADR 0012): three limits on failed sign-ins, and an
# idle timeout. A username from one address is locked after IOMHUB_LOCKOUT_FAILURES failures in
# 30 minutes (a good sign-in of that pair starts it again); a username from anywhere after
# IOMHUB_LOCKOUT_USER_FAILURES in 24 hours; an address for every username after
# IOMHUB_LOCKOUT_ADDRESS_FAILURES in an hour. Good sign-ins never reset the last two.
IOMHUB_LOCKOUT = _env_bool("IOMHUB_LOCKOUT", True)
IOMHUB_LOCKOUT_FAILURES = int(os.environ.get("IOMHUB_LOCKOUT_FAILURES", "5"))
IOMHUB_LOCKOUT_USER_FAILURES = int(os.environ.get("IOMHUB_LOCKOUT_USER_FAILURES", "20"))
IOMHUB_LOCKOUT_ADDRESS_FAILURES = int(os.environ.get("IOMHUB_LOCKOUT_ADDRESS_FAILURES", "50"))
SESSION_COOKIE_AGE = int(os.environ.get("IOMHUB_IDLE_TIMEOUT_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True  # the cookie age is an idle timeout, renewed by activity
# An unchanged session is written again only when its expiry is over a minute old (ADR 0040).
SESSION_ENGINE = "iomhub.web.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
OTP_TOTP_ISSUER = "IOM Hub"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    # A load balancer's probes reach the app directly over HTTP: liveness and readiness answer
    # them rather than redirect (they carry no personal data).
    SECURE_REDIRECT_EXEMPT = [r"^health$", r"^ready$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d %m %Y"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Documents on people's records (issue 12 §7; ADR 0020): a directory of their own with no public
    # URL; they are served only by the guarded download view.
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(Path(os.environ.get("IOMHUB_DOCUMENTS_DIR", VAR_DIR / "documents"))), "base_url": "/no-public-url/"},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# The largest document an upload may be (bytes); a larger one is refused and nothing stored.
DOCUMENT_MAX_BYTES = int(os.environ.get("IOMHUB_DOCUMENT_MAX_BYTES", str(10 * 1024 * 1024)))
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from the finders; keep it quiet

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "iomhub.access.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["iomhub.access.api_permissions.PolicyGate"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "iomhub.access.api_pagination.StrictLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "iomhub.access.api_errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["iomhub.access.api_parsers.BoundedJSONParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IOM Hub API",
    "DESCRIPTION": "The JSON API of IOM Hub. Every call is authorised by the same access policy as the pages and audited.",
    "VERSION": "1.10.0",  # docs/api.md: the changelog of the schema
    # OpenAPI 3.1 (JSON Schema 2020-12): a nullable field is "type": [..., "null"] or a oneOf with
    # null, which 3.0's allOf + nullable could not say (issue 17, ADR 0030).
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "APPEND_COMPONENTS": {"securitySchemes": {"ApiToken": {"type": "http", "scheme": "bearer", "description": "Per-user API token"}}},
    # Casework's choice sets (issue 6) by name, so they do not collide with other apps' "kind"/"outcome"/"status".
    "ENUM_NAME_OVERRIDES": {
        "TimelineKindEnum": "iomhub.casework.models.EntryKind.choices",
        "TimelineOutcomeEnum": "iomhub.casework.models.EntryOutcome.choices",
        "SubstanceEnum": "iomhub.casework.models.Substance.choices",
        "PathwayRagEnum": "iomhub.casework.models.PathwayRag.choices",
        "PlanActionStatusEnum": "iomhub.casework.models.ActionStatus.choices",
        "RagLevelEnum": "iomhub.referrals.models.RagLevel.choices",
        "TransferKindEnum": "iomhub.cohort.models.TransferKind.choices",
        "ReviewOutcomeEnum": "iomhub.cohort.models.ReviewOutcome.choices",
        "RecallKindEnum": "iomhub.justice.models.RecallKind.choices",
        "BreachOutcomeEnum": "iomhub.justice.models.BreachOutcome.choices",
        "ReferralDecisionOutcomeEnum": "iomhub.referrals.models.DecisionOutcome.choices",
        "SubjectAccessStatusEnum": "iomhub.operations.models.SarStatus.choices",
        "DocumentKindEnum": "iomhub.documents.models.DocumentKind.choices",
        "TreatmentOrderKindEnum": "iomhub.interventions.models.OrderKind.choices",
        "MeetingDecisionKindEnum": "iomhub.meetings.models.DecisionKind.choices",
        # The justice record's choice sets (issue 11 §4), named so "kind", "outcome" and "category" do not collide.
        "ArrestOutcomeEnum": "iomhub.justice.models.ArrestOutcome",
        "CourtDisposalEnum": "iomhub.justice.models.Disposal",
        "CourtRequirementEnum": "iomhub.justice.models.Requirement",
        "CustodyKindEnum": "iomhub.justice.models.CustodyEpisode.Kind",
        "WarrantKindEnum": "iomhub.justice.models.Warrant.Kind",
        "MappaCategoryEnum": "iomhub.justice.models.MappaCategory",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "iomhub.access.api_schema.document_problems",
        "iomhub.access.idempotency_schema.document_idempotency",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}


# Background work (ADR 0019): Django's task API (the django-tasks backport). Production queues
# tasks in the database and runs them in the worker (`python -m iomhub db_worker`), or on Redis
# with RQ (IOMHUB_TASKS=redis, REDIS_URL; `python -m iomhub rqworker default feeds reports
# notifications` and `python -m iomhub rqscheduler`, docs/operations.md); development and the tests
# run them in-process unless IOMHUB_TASKS asks for a queue.
_TASKS_QUEUE = os.environ.get("IOMHUB_TASKS", "database" if PRODUCTION else "immediate")
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_rq.RQBackend",
}
if _TASKS_QUEUE not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"IOMHUB_TASKS must be immediate, database or redis, not {_TASKS_QUEUE!r}")
TASK_QUEUES = ["default", "feeds", "reports", "notifications"]
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_TASKS_QUEUE], "QUEUES": TASK_QUEUES}}
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600} for name in TASK_QUEUES}
# A feed upload's import begun with no progress (a committed batch of 2,000 rows, seconds each) for
# this many seconds has stalled: its worker died, and the scheduler's `resume_imports` queues it
# again, at most FEED_IMPORT_ATTEMPTS workers in all (ADR 0041, docs/operations.md).
FEED_IMPORT_STALLED_AFTER = int(os.environ.get("FEED_IMPORT_STALLED_AFTER", str(5 * 60)))
FEED_IMPORT_ATTEMPTS = int(os.environ.get("FEED_IMPORT_ATTEMPTS", "3"))

# Who delivers notifications (ADR 0020): "log" (the default: written to the service log) or "notify",
# GOV.UK Notify through its Python client, with the service's API key and one e-mail and one text
# template, each of a single ((body)) placeholder (and ((subject)) for e-mail; docs/operations.md).
IOMHUB_NOTIFY_PROVIDER = os.environ.get("IOMHUB_NOTIFY_PROVIDER", "log")
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_EMAIL_TEMPLATE = os.environ.get("NOTIFY_EMAIL_TEMPLATE", "")
NOTIFY_SMS_TEMPLATE = os.environ.get("NOTIFY_SMS_TEMPLATE", "")
NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
if IOMHUB_NOTIFY_PROVIDER not in {"log", "notify"}:
    raise ImproperlyConfigured(f"IOMHUB_NOTIFY_PROVIDER must be log or notify, not {IOMHUB_NOTIFY_PROVIDER!r}")
if IOMHUB_NOTIFY_PROVIDER == "notify" and not (NOTIFY_API_KEY and NOTIFY_EMAIL_TEMPLATE and NOTIFY_SMS_TEMPLATE):
    raise ImproperlyConfigured("IOMHUB_NOTIFY_PROVIDER=notify needs NOTIFY_API_KEY, NOTIFY_EMAIL_TEMPLATE and NOTIFY_SMS_TEMPLATE")
