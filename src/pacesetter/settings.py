"""Settings for Pacesetter, read from the environment (one file for every deployment)."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: str, *, minimum: int | None = None) -> int:
    value = os.getenv(name, default)
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.getenv("PACESETTER_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("PACESETTER_DEBUG", "false")
SECRET_KEY = os.getenv("PACESETTER_SECRET_KEY", "")
if not SECRET_KEY:
    # A local try-out must run with nothing configured; a deployment sets its own key.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        from django.utils.crypto import get_random_string

        key_file.write_text(get_random_string(50))
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = [
    h.strip() for h in os.getenv("PACESETTER_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.getenv("PACESETTER_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
CSRF_FAILURE_VIEW = "pacesetter.web.csrf.csrf_failure"
# The public address printed on ballot slips; empty: the address the clerk's request came in at.
SITE_URL = os.getenv("PACESETTER_SITE_URL", "")
# How many reverse proxies stand in front of the app, each appending to X-Forwarded-For. With 0 the header
# is ignored: a client can write anything into it, and per-address limits must not trust that.
TRUSTED_PROXIES = envint("PACESETTER_TRUSTED_PROXIES", "0", minimum=0)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "pacesetter.core",
    "pacesetter.orgs",
    "pacesetter.notifications",
    "pacesetter.campaigns",
    "pacesetter.plans",
    "pacesetter.records",
    "pacesetter.commitments",
    "pacesetter.evaluations",
    "pacesetter.supervision",
    "pacesetter.complaints",
    "pacesetter.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pacesetter.core.middleware.TokenAuthenticationMiddleware",
    "pacesetter.core.middleware.JsonNulGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pacesetter.core.middleware.RequestContextMiddleware",
    "pacesetter.policy.PolicyMiddleware",
]

ROOT_URLCONF = "pacesetter.urls"
WSGI_APPLICATION = "pacesetter.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pacesetter.web.context.navigation",
            ],
            # A typo in a template must fail loudly in tests, not render an empty cell.
            "string_if_invalid": os.getenv("PACESETTER_TEMPLATE_INVALID", ""),
        },
    }
]

DATABASE_URL = os.getenv("PACESETTER_DATABASE_URL", f"sqlite:///{DATA_DIR / 'pacesetter.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("PACESETTER_CONN_MAX_AGE", "0"))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so
        # two writers queue instead of failing half-way with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.getenv("PACESETTER_TEST_SQLITE", "")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "web" / "assets"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

EMAIL_BACKEND = os.getenv("PACESETTER_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
if os.getenv("PACESETTER_SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["PACESETTER_SMTP_HOST"]
    EMAIL_PORT = envint("PACESETTER_SMTP_PORT", "587")
    EMAIL_HOST_USER = os.getenv("PACESETTER_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = os.getenv("PACESETTER_SMTP_PASSWORD", "")
    EMAIL_USE_TLS = envbool("PACESETTER_SMTP_TLS", "true")
DEFAULT_FROM_EMAIL = os.getenv("PACESETTER_FROM_EMAIL", "pacesetter@localhost")

# Background work: the database is the queue. Tests may run tasks inline.
TASKS_INLINE = envbool("PACESETTER_TASKS_INLINE", "false")
# An import larger than this many rows is validated by the worker, with a progress bar.
IMPORT_INLINE_MAX_ROWS = envint("PACESETTER_IMPORT_INLINE_MAX_ROWS", "2000")

# Commitments: owners are reminded this many days before a deadline; public ratings per address per hour.
# 领导点评: each liaison organisation at least every half year; "due" shows this many days ahead.
REVIEW_INTERVAL_DAYS = envint("PACESETTER_REVIEW_INTERVAL_DAYS", "182")
REVIEW_DUE_SOON_DAYS = envint("PACESETTER_REVIEW_DUE_SOON_DAYS", "30")
COMMITMENT_REMIND_DAYS = envint("PACESETTER_COMMITMENT_REMIND_DAYS", "7")
COMMITMENT_PUBLIC_RATINGS_PER_HOUR = envint("PACESETTER_COMMITMENT_PUBLIC_RATINGS_PER_HOUR", "20")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("PACESETTER_LOG_LEVEL", "WARNING")},
}
