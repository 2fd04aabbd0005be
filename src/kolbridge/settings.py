"""Kolbridge settings, read from environment variables with safe development defaults.

Production (``KOLBRIDGE_DEBUG`` off) refuses to start without ``KOLBRIDGE_SECRET_KEY``.
The database is SQLite under ``var/`` unless ``DATABASE_URL`` names another one.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("KOLBRIDGE_HOME", BASE_DIR.parent.parent))
VAR_DIR = Path(os.environ.get("KOLBRIDGE_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("KOLBRIDGE_DEBUG", False)

SECRET_KEY = os.environ.get("KOLBRIDGE_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "KOLBRIDGE_SECRET_KEY is not set and KOLBRIDGE_DEBUG is off. Set KOLBRIDGE_SECRET_KEY "
            "to a long random value (make run writes one to var/secret_key), or set "
            "KOLBRIDGE_DEBUG=1 for local development."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

ALLOWED_HOSTS = env_list("KOLBRIDGE_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("KOLBRIDGE_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "kolbridge.core",
    "kolbridge.kols",
    "kolbridge.engagements",
    "kolbridge.content",
    "kolbridge.insights",
    "kolbridge.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kolbridge.core.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "kolbridge.urls"
WSGI_APPLICATION = "kolbridge.wsgi.application"

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
                "kolbridge.core.context_processors.navigation",
            ],
        },
    },
]

SQLITE_PATH = VAR_DIR / "kolbridge.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{SQLITE_PATH}",
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at
            # BEGIN so two writers queue instead of failing half-way through a transaction.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lock-out: this many failures in a row lock the account for the given minutes.
LOGIN_FAILURE_LIMIT = int(os.environ.get("KOLBRIDGE_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("KOLBRIDGE_LOGIN_LOCKOUT_MINUTES", "15"))

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "KOLBRIDGE_STATICFILES_BACKEND",
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# Background work (content expiry, notices) runs through the django-tasks API on the database
# backend; `kolbridge db_worker` executes it. No broker for the default install.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("KOLBRIDGE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Share e-mails go through Django's e-mail framework; the console backend until a real SMTP
# relay is configured.
EMAIL_BACKEND = os.environ.get(
    "KOLBRIDGE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("KOLBRIDGE_FROM_EMAIL", "medical-affairs@kolbridge.local")
# Public address used in share e-mails (the viewer link).
SITE_URL = os.environ.get("KOLBRIDGE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Content library uploads larger than this are refused (bytes).
CONTENT_MAX_UPLOAD_BYTES = int(os.environ.get("KOLBRIDGE_CONTENT_MAX_UPLOAD_BYTES", 100 * 2**20))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 2**20
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**20
# Share links expire after this many days unless the MSL picks another expiry.
SHARE_LINK_DEFAULT_DAYS = 30
SHARE_LINK_MAX_DAYS = 365
# Whom the public viewer names when material is no longer available.
MEDICAL_INFORMATION_CONTACT = os.environ.get(
    "KOLBRIDGE_MEDICAL_INFORMATION_CONTACT",
    "Medical Information, medinfo@kolbridge.local, +1 800 555 0100",
)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
CSRF_COOKIE_HTTPONLY = False
# Secure cookies by default; `make run` turns them off only because it serves plain HTTP on
# the loopback address.
SESSION_COOKIE_SECURE = env_bool("KOLBRIDGE_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KOLBRIDGE_LOG_LEVEL", "WARNING")},
}

# Page size of lists in the web UI and the API's default limit.
KOLBRIDGE_PAGE_SIZE = 25
KOLBRIDGE_API_MAX_LIMIT = 200

# Engagements: a completed interaction is locked after this many days (then only amended with
# a reason); inquiries are due within these many business days.
KOLBRIDGE_INTERACTION_LOCK_DAYS = int(os.environ.get("KOLBRIDGE_INTERACTION_LOCK_DAYS", "7"))
KOLBRIDGE_INQUIRY_SLA_DAYS = int(os.environ.get("KOLBRIDGE_INQUIRY_SLA_DAYS", "5"))
KOLBRIDGE_INQUIRY_SLA_URGENT_DAYS = int(os.environ.get("KOLBRIDGE_INQUIRY_SLA_URGENT_DAYS", "1"))
