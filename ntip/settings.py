"""NTIP settings, read from the environment (see .env.example).

With nothing set, NTIP runs on an SQLite file with Celery tasks run inline, so a
newcomer can clone, migrate and run. Production sets DATABASE_URL (PostgreSQL),
CELERY_BROKER_URL (Redis), SECRET_KEY, ALLOWED_HOSTS and the HTTPS settings.
"""

import datetime
from pathlib import Path

import dj_database_url
import fontpkg
import fontpkg_noto_sans_khmer
import plotly
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from xstatic.pkg import bootstrap as xstatic_bootstrap

from ntip.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)

# A fixed development key keeps sessions valid across restarts of `make run`.
# The deploy check in plans/checks.py refuses it, so production must set its own.
DEV_SECRET_KEY = "django-insecure-ntip-development-only-do-not-use-in-production"  # noqa: S105
SECRET_KEY = envstr("SECRET_KEY", "") or DEV_SECRET_KEY

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "plans.apps.NtipAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "simple_history",
    # Failed sign-ins and lockouts (AccessAttempt), in the database so that every
    # gunicorn worker sees the same count.
    "axes",
    "csp",
    # The exchange layer: resources for the plan workbook and the exports, the
    # admin's import and export buttons (indicators/imports/, reports/exports/).
    "import_export",
    "django_filters",
    # OpenAPI 3 at /api/schema/, Swagger UI at /api/docs/ from the sidecar's files.
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "plans",
    "strategies",
    "indicators",
    "reports",
]

MIDDLEWARE = [
    # First: the request id (X-Request-ID) and one log line per request, for
    # every answer, the other middleware's refusals too (ntip/request_log.py).
    "ntip.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, above the headers below: they keep their
    # own caching and need no page policy.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Cache-Control: no-store on everything a view answers (ntip/middleware.py).
    "ntip.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's language and digits, over the cookie's (plans/languages.py).
    "plans.languages.UserLanguageMiddleware",
    # A body larger than its path allows is refused before anything reads it
    # (the CSRF check reads a form's body), with the user and the language set
    # for the page that says so.
    "ntip.middleware.RequestSizeLimitMiddleware",
    # Every page needs a login unless its view is marked @login_not_required
    # (the login page, the language switch, public plan summaries).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends a session idle too long or open too long; after the messages, to say why.
    "ntip.middleware.SessionLimitsMiddleware",
    # A control character in the path or the query string: 404 or 400 before any view.
    "ntip.middleware.BadInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change to a figure's history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns django-axes's lockout of a sign-in into the lockout page; axes wants it last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ntip.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "plans.context_processors.access",
            ],
            # The formatter's filters on every page, without a {% load %}.
            "builtins": ["plans.templatetags.formatting"],
        },
    },
]

WSGI_APPLICATION = "ntip.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database out of reach (not just refusing) answers 503 after this many
    # seconds instead of holding a worker (docs/operations.md, "When the database
    # restarts"); ?connect_timeout= in DATABASE_URL wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", envint("DB_CONNECT_TIMEOUT", 5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "plans.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a sign-in while its account is locked out from that address.
    "axes.backends.AxesStandaloneBackend",
    "plans.backends.UserWithOrganisationBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        # At least 12 characters (issue 14): a short phrase, not a word and a digit.
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: English and Khmer throughout. Plan content carries both names.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("km", _("Khmer"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Numbers and dates as plans/formatting.py writes them, for Django's own
# filters and the admin too: "1,362", "51.3", "15 មករា 2027" (ntip/formats/km).
FORMAT_MODULE_PATH = ["ntip.formats"]
# Not on: Django would then group every number a template shows, years
# ("2,026") and ids included; figures are grouped by the formatter instead.
USE_THOUSAND_SEPARATOR = False
TIME_ZONE = "Asia/Phnom_Penh"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / envstr("STATIC_ROOT", "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap comes from the xstatic-bootstrap package, never from a CDN:
    # ministries' networks are slow and sometimes offline.
    ("bootstrap", xstatic_bootstrap.BASE_DIR),
    # plotly.min.js, from the plotly package, for the dashboards' charts.
    ("plotly", Path(plotly.__file__).parent / "package_data"),
]
# Single files from packages, under names a URL carries plainly (ntip/staticfiles.py).
# Noto Sans Khmer (OFL, with its licence): pages and charts draw Khmer with it
# on machines that have no Khmer font of their own (docs/languages.md).
STATIC_PACKAGE_FILES = {
    "fonts/NotoSansKhmer.ttf": fontpkg.path("Noto Sans Khmer"),
    "fonts/NotoSansKhmer-OFL.txt": fontpkg_noto_sans_khmer.ROOT / "LICENSE",
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "ntip.staticfiles.PackageFileFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Production runs collectstatic and serves hashed, compressed files with
        # far-future caching (STATIC_MANIFEST=1); elsewhere files are found as they are.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("STATIC_MANIFEST", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Without collectstatic (tests, `make run`), WhiteNoise finds files where they lie.
WHITENOISE_USE_FINDERS = not envbool("STATIC_MANIFEST", False)
# WhiteNoise's own list of types lacks .ttf (it would say application/octet-stream).
WHITENOISE_MIMETYPES = {".ttf": "font/ttf"}
MEDIA_ROOT = BASE_DIR / envstr("MEDIA_ROOT", "media")
MEDIA_URL = "media/"
# Evidence files: what a focal point may attach to a report.
EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
EVIDENCE_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
# Values files (docs/imports.md, "Limits"): the largest file, the most rows it
# may hold (checked as the rows are read, memory stays flat), and from how many
# rows a file uploaded on a page is imported in the background with a job page.
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 50_000)
IMPORT_BACKGROUND_ROWS = envint("IMPORT_BACKGROUND_ROWS", 2_000)
# An uploaded values file is deleted this many days after its import finished
# (at the uploader's next upload): it holds victims' and survivors' figures.
IMPORT_FILES_KEPT_DAYS = envint("IMPORT_FILES_KEPT_DAYS", 7)
# Exports (docs/exports.md): one of more rows than this is written by a worker
# (the API answers 202, the page shows its progress); with tasks inline every
# export is answered at once. Each user keeps their newest exports for a while.
EXPORTS_BACKGROUND_ROWS = envint("EXPORTS_BACKGROUND_ROWS", 50_000)
EXPORTS_KEPT_PER_USER = envint("EXPORTS_KEPT_PER_USER", 10)
EXPORTS_KEPT_DAYS = envint("EXPORTS_KEPT_DAYS", 30)
# The largest request body, checked on its Content-Length before anything reads
# it (ntip/middleware.py RequestSizeLimitMiddleware answers 413). The quarterly
# report's page takes an evidence file: room for one at its largest and the form
# around it. Everything else (forms, the API's JSON) stays small.
REQUEST_MAX_BYTES = envint("REQUEST_MAX_BYTES", 5 * 1024 * 1024)
REQUEST_MAX_BYTES_UPLOAD = envint("REQUEST_MAX_BYTES_UPLOAD", EVIDENCE_MAX_BYTES + 1024 * 1024)
REQUEST_UPLOAD_PATH_PREFIXES = ("/reports/", "/imports/")
# Django's own limits, below those: the fields of a form, files aside (a larger
# one is a 400); files over FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file
# while they are read, which only a body under the limits above ever reaches.
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440  # Django's default, 2.5 MiB
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# HTTPS and cookies: on whenever DEBUG is off, so that a production server is
# secure without copying .env.example right; `make run` (DEBUG=1) serves plain
# HTTP on localhost. Each can be turned off on its own (.env.example says when).
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
BEHIND_TLS_PROXY = envbool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Sessions end after SESSION_IDLE_MINUTES without a request and, whatever the
# activity, SESSION_HOURS after signing in (ntip/middleware.py SessionLimitsMiddleware).
SESSION_IDLE_SECONDS = 60 * envint("SESSION_IDLE_MINUTES", 30)
SESSION_ABSOLUTE_SECONDS = 60 * 60 * envint("SESSION_HOURS", 12)
# The stored session (and its cookie) lives as long as the idle limit; it is
# saved again at most once a minute while in use, which moves that on.
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS

# Pages may load scripts, styles, images and fonts from NTIP itself only: no
# inline script or style, so markup injected into a page cannot run. data: is for
# Bootstrap's form icons (in its CSS) and the empty favicon.
# plotly.min.js adds two <style> elements as it loads: an empty one whose sheet it
# fills through the CSSOM (which CSP does not govern), and the map library's
# stylesheet. Their hashes allow exactly those two contents; a plotly upgrade that
# changes them fails tests/test_headers.py.
PLOTLY_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # the empty <style>
    "'sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o='",  # maplibre-gl's CSS
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, *PLOTLY_STYLE_HASHES],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Nothing in NTIP uses these browser features; a page (or a script injected into
# one) may not ask for them.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

# Brute force (django-axes): LOGIN_FAILURE_LIMIT wrong passwords for one account
# from one address lock that account out there for LOGIN_COOLOFF_MINUTES, on the
# login page, the admin's and the API token endpoint. Account and address
# together: a wrong-typing colleague behind the same office address does not lock
# the whole ministry out, and nobody can lock the administrator out from afar.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("LOGIN_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "plans.auth_lockout.lockout_response"
# Behind the TLS proxy every request comes from the proxy's address; the client's
# is the last one the proxy added to X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "plans.auth_lockout.client_ip"
# Sign-ins, failures and lockouts are in NTIP's own audit trail (plans/audit/);
# axes's admin pages would not follow the administrator's role.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
# The log line of a failure or lockout names the account and the address, as the
# audit trail does (axes would mask both); no start-up banner, which would break
# the deploy check's clean output.
AXES_SENSITIVE_PARAMETERS = []
AXES_VERBOSE = False

# API tokens expire this many days after they were issued (plans/tokens.py).
API_TOKEN_DAYS = envint("API_TOKEN_DAYS", 90)
# Requests to the token endpoint per client address (DRF's rate: N/second,
# minute, hour or day), besides the lockout above.
API_TOKEN_THROTTLE = envstr("API_TOKEN_THROTTLE", "10/minute") or None

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "NTIP <ntip@localhost>")
# Where e-mails (report reminders) link to: the site as its users reach it.
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")

# Celery: with no broker configured, tasks run inline in the calling process,
# so the embedded default needs no Redis.
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# A request that enqueues a task must not hang when the broker is down:
# give up publishing after about a second; periodic reconcile picks up the work.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.4,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    # A task's message is acked when it is done (acks late): one whose worker
    # was killed is handed out again this many seconds after it was taken.
    # Longer than any task runs, and than the scores' lease below, so the
    # recompute it restarts finds the dead worker's lease run out.
    "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 1800),
}
# How long a worker recomputing a plan's scores holds it (reports/scores/recompute.py):
# longer than the largest plan's recompute; a killed worker holds it this long at most.
SCORES_LEASE_SECONDS = envint("SCORES_LEASE_SECONDS", 600)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that a request without credentials gets 401 with a
        # WWW-Authenticate header rather than a bare 403.
        # DRF's token, with an expiry (plans/tokens.py).
        "plans.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON with a depth limit and no NUL (ntip/parsers.py); forms for the token endpoint.
    "DEFAULT_PARSER_CLASSES": [
        "ntip.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Behind the TLS proxy, the client's address for throttling is the proxy's last
    # X-Forwarded-For entry (as for the lockout above).
    "NUM_PROXIES": 1 if BEHIND_TLS_PROXY else None,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "PAGE_SIZE": 100,
    # API refusals (403) go to the audit trail like the pages' (plans/audit/views.py).
    "EXCEPTION_HANDLER": "plans.audit.views.api_exception_handler",
}

# One JSON line per record (ntip/logging.py), with the request id; LOG_FORMAT=plain
# gives readable lines, the default with DEBUG (make run).
LOG_FORMAT = envstr("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ntip.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "ntip.logging.JsonFormatter"},
        "plain": {"()": "ntip.logging.PlainFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # runserver's own line per request; ntip.request already logs each one.
    "loggers": {"django.server": {"level": "WARNING"}},
}

CELERY_BEAT_SCHEDULE = {
    "reconcile-stale-scores": {
        "task": "reports.tasks.reconcile_stale_scores",
        "schedule": envint("SCORES_RECONCILE_SECONDS", 300),
    },
    "recompute-all-scores-nightly": {
        "task": "reports.tasks.recompute_all_scores",
        "schedule": crontab(hour=1, minute=30),
    },
    # Early in the working day in Phnom Penh (CELERY_TIMEZONE).
    "send-report-reminders-daily": {
        "task": "indicators.tasks.send_report_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
}

# /api/schema/ and /api/docs/ (drf-spectacular): Swagger UI's files come from
# drf_spectacular_sidecar, served by WhiteNoise like every other asset.
SPECTACULAR_SETTINGS = {
    "TITLE": "NTIP API",
    "DESCRIPTION": "The read API for partners and the quarterly report API for ministries (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Tags and operation ids from the path after /api/v1/ (plans_list, values_list …).
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Separate request and response components, so that read-only fields are not
    # asked for in a body, and a body's required fields are.
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets named after what they are, where two fields share a name ("state").
    "ENUM_NAME_OVERRIDES": {
        "ReportStateEnum": "indicators.models.ReportState",
        "ActivityStatusEnum": "indicators.models.ActivityStatus",
        "ScoreStatusEnum": "reports.models.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        # Every paginated list answers 404 to a page past the last (plans/api_schema.py).
        "plans.api_schema.paginated_lists_answer_404",
        # Every body of a media type the parsers do not read is a 415 (plans/api_schema.py).
        "plans.api_schema.bodies_answer_415",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
