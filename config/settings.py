"""Settings for the council digital maturity self-assessment service.

Everything that differs between a laptop and production comes from environment variables.
Production fails closed: with DEBUG off there is no default secret key and no default database.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random string "
            "(for example the output of `python -c 'import secrets; print(secrets.token_urlsafe(50))'`), "
            "or set DEBUG=true for local development only."
        )
    # Local development only: a fixed, clearly non-secret key so sessions survive restarts.
    SECRET_KEY = "local-development-only-not-a-secret"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "assessment",
]

# Background tasks (rendering reports ahead): Django's tasks framework with django-tasks-db's queue in the
# database, run by `manage.py db_worker` processes on any number of machines. TASKS_INLINE=true runs each task
# in the request that enqueues it instead, with no worker: the embedded default (`make run`) and the tests.
TASKS_INLINE = env.bool("TASKS_INLINE", default=DEBUG)
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if TASKS_INLINE
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "assessment.middleware.NulCharactersRefusedMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "assessment.middleware.SessionLimitsMiddleware",
    "assessment.middleware.TwoFactorMiddleware",
    "assessment.middleware.PrivatePagesMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "assessment.context_processors.service",
            ],
            # {% url %} as Django's, with each URL kept once reversed: see assessment/templatetags/kept_urls.py.
            "builtins": ["assessment.templatetags.kept_urls"],
        },
    },
]

# Databases: SQLite is the default only for local runs; production must say where PostgreSQL is.
if DEBUG:
    DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
else:
    if "DATABASE_URL" not in env:
        raise ImproperlyConfigured(
            "DATABASE_URL is not set. Set it to the PostgreSQL database, for example "
            "postgres://user:password@host:5432/maturity."
        )
    DATABASES = {"default": env.db("DATABASE_URL")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Local SQLite: writers queue for the lock (BEGIN IMMEDIATE, 20 s busy timeout) instead of failing when
    # two requests save at once, and WAL lets pages read while a save is written.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# A shared cache (Redis) in production where several processes run: CACHE_URL=redis://host:6379/0.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
CACHE_IS_REDIS = "redis" in CACHES["default"]["BACKEND"].lower()
if CACHE_IS_REDIS:
    # A Redis that is reached but does not answer (a network fault, a hung server) must not hold every page for
    # redis-py's five seconds a call: give up after half a second and go on without the cache, as when it refuses.
    CACHES["default"].setdefault("OPTIONS", {}).update({"socket_connect_timeout": 0.5, "socket_timeout": 0.5})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "assessment.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out account or address is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Passwords: at least 12 characters, not common, not like the person's own details, and not guessable by
# pattern (zxcvbn's estimate). Every path that sets a password passes the user, so their details are checked.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "django_zxcvbn_password_validator.ZxcvbnPasswordValidator"},
]
PASSWORD_MINIMAL_STRENGTH = 3  # zxcvbn's score from 0 to 4: 3 is "safely unguessable"

# Throttling. Failed sign-ins lock an account (whether or not it exists, so the page reveals nothing) for a
# while; sign-in attempts and password-reset requests are also limited per address and per client. Both use
# the database and the cache shared by every app server (set CACHE_URL to Redis when there is more than one).
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIGN_IN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form's field (axes would otherwise look for "email")
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
SIGN_IN_RATE_PER_ADDRESS = env.str("SIGN_IN_RATE_PER_ADDRESS", default="30/15m")
PASSWORD_RESET_RATE_PER_ADDRESS = env.str("PASSWORD_RESET_RATE_PER_ADDRESS", default="10/h")
PASSWORD_RESET_RATE_PER_EMAIL = env.str("PASSWORD_RESET_RATE_PER_EMAIL", default="3/h")
RATELIMIT_VIEW = "assessment.views.errors.rate_limited"
# django-ratelimit prefers django-redis; Django's own Redis cache (CACHE_URL=redis://…) increments atomically
# too, and the in-process cache is right for a single local process.
# django-axes locks per account only: a whole council's office behind one address must not be locked out by
# a few people's typos. Attempts per address are limited by django-ratelimit (SIGN_IN_RATE_PER_ADDRESS).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001", "axes.W006"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # GOV.UK Frontend from npm: served under /static/govuk/, which is where our compiled CSS expects its assets.
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Locally, WhiteNoise serves straight from the source folders; in production from collectstatic's output.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Email: printed to the console locally; EMAIL_URL (for example smtp+tls://user:pass@host:587) in production.
MAILERS: dict[str, dict[str, Any]]
if DEBUG and "EMAIL_URL" not in env:
    MAILERS = {"default": {"BACKEND": "assessment.email_backends.ReadableConsoleBackend"}}
elif env.str("EMAIL_URL", default="").startswith("notify://"):
    # GOV.UK Notify: one email template with ((subject)) and ((body)); see assessment/email_backends.py.
    MAILERS = {
        "default": {
            "BACKEND": "assessment.email_backends.NotifyEmailBackend",
            # Both required: a service that cannot send its invitations should not start.
            "OPTIONS": {
                "api_key": env.str("NOTIFY_API_KEY"),
                "template_id": env.str("NOTIFY_TEMPLATE_ID"),
            }
            # Notify's own address unless told otherwise (assessment/email_backends.py holds it).
            | ({"base_url": env.str("NOTIFY_BASE_URL")} if "NOTIFY_BASE_URL" in env else {}),
        }
    }
else:
    _email = env.email_url("EMAIL_URL", default="smtp://localhost:25")
    # Only the SMTP backend takes a host and credentials (consolemail:// and the like take none).
    _smtp = _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    MAILERS = {
        "default": {
            "BACKEND": _email["EMAIL_BACKEND"],
            "OPTIONS": {}
            if not _smtp
            else {
                "host": _email.get("EMAIL_HOST", "localhost"),
                "port": _email.get("EMAIL_PORT", 25),
                "username": _email.get("EMAIL_HOST_USER", ""),
                "password": _email.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": _email.get("EMAIL_USE_TLS", False),
                "use_ssl": _email.get("EMAIL_USE_SSL", False),
                "timeout": 10,
            },
        }
    }
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Digital maturity assessment <no-reply@localhost>")

# Security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER_ENABLED=true.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("SECURE_PROXY_SSL_HEADER_ENABLED", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sessions end after SESSION_IDLE_MINUTES without activity (every request extends them) and after
# SESSION_MAX_HOURS in all. Two minutes before the idle limit, pages warn and offer "Stay signed in".
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_MAX_SECONDS = env.int("SESSION_MAX_HOURS", default=12) * 60 * 60
SESSION_WARNING_SECONDS = min(120, SESSION_IDLE_SECONDS // 2)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
# Activity renews a signed-in session at most once a minute (SessionLimitsMiddleware), not on every request, so
# that reading a page does not write to the database each time; the idle limit is kept to within that minute.
SESSION_SAVE_EVERY_REQUEST = False
# Sessions are kept in the database and read through the cache (for at most a minute, and from the database
# when the cache is down: assessment/sessions.py) when every process shares the cache: Redis
# (CACHE_URL=redis://…), or the in-process cache of a local run (DEBUG), which is one process. Several processes
# without a shared cache would each keep their own copy, so there sessions are read from the database.
SESSION_ENGINE = "assessment.sessions" if DEBUG or CACHE_IS_REDIS else "django.contrib.sessions.backends.db"

# Browsers may use these features on our pages: none of them.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

# A strict Content Security Policy: no inline script or style anywhere in the service.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint reports every rendering step at INFO; only its warnings are worth a log line.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# The service's own settings.
SERVICE_NAME = "Council digital maturity self-assessment"
DEFAULT_QUESTION_BANK = "council-digital-maturity"

# A missing or stale CSRF token gets a plain-English page with a 400, not Django's debug text.
CSRF_FAILURE_VIEW = "assessment.views.errors.csrf_failure"
PEER_GROUP_MINIMUM = max(5, env.int("PEER_GROUP_MINIMUM", default=5))  # never below 5: see docs/benchmarks.md
