"""Settings for Pacesetter, read from the environment (one file for every deployment)."""

import datetime
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
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "pacesetter.core",
    "pacesetter.orgs",
    "pacesetter.massorgs",  # groups: 群团组织 (issue #19 part 4)
    "pacesetter.notifications",
    "pacesetter.campaigns",
    "pacesetter.plans",
    "pacesetter.records",
    "pacesetter.commitments",
    "pacesetter.evaluations",
    "pacesetter.supervision",
    "pacesetter.follows",
    "pacesetter.actions",  # loop: 规定动作 / 自选动作
    "pacesetter.complaints",
    "pacesetter.points",
    "pacesetter.publicity",
    "pacesetter.honours",
    "pacesetter.assessment",
    "pacesetter.progress",  # the dashboard's read model (no models): registers its lag rule with supervision
    "pacesetter.members",  # members (#19): mentoring, contact households, reminders
    "pacesetter.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pacesetter.core.middleware.TokenAuthenticationMiddleware",
    "pacesetter.core.middleware.JsonNulGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pacesetter.core.middleware.RequestContextMiddleware",
    "pacesetter.policy.SecondFactorMiddleware",
    "pacesetter.policy.PolicyMiddleware",
    # Last, as axes asks: it turns a login refused for a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
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
# Read replicas (PostgreSQL streaming replicas of the primary), comma-separated URLs: the reads of safe
# requests go there (core/db_router.py); a browser that wrote in the last REPLICA_STICKY_SECONDS reads the
# primary, so people see what they just did. Under the test runner each replica is a mirror of the primary.
REPLICA_URLS = [u.strip() for u in os.getenv("PACESETTER_REPLICA_URLS", "").split(",") if u.strip()]
REPLICA_STICKY_SECONDS = envint("PACESETTER_REPLICA_STICKY_SECONDS", "15", minimum=1)
# A replica that does not answer within REPLICA_CONNECT_TIMEOUT seconds is skipped (its reads go to another
# replica or the primary) and not tried again for REPLICA_RETRY_SECONDS.
REPLICA_CONNECT_TIMEOUT = envint("PACESETTER_REPLICA_CONNECT_TIMEOUT", "2", minimum=1)
REPLICA_RETRY_SECONDS = envint("PACESETTER_REPLICA_RETRY_SECONDS", "30", minimum=1)
REPLICA_ALIASES = [f"replica{i}" for i in range(1, len(REPLICA_URLS) + 1)]
for _alias, _url in zip(REPLICA_ALIASES, REPLICA_URLS, strict=True):
    DATABASES[_alias] = dj_database_url.parse(_url, conn_max_age=envint("PACESETTER_CONN_MAX_AGE", "0"))
    if DATABASES[_alias]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("PACESETTER_REPLICA_URLS must name replicas of PACESETTER_DATABASE_URL")
    DATABASES[_alias].setdefault("OPTIONS", {}).setdefault("connect_timeout", REPLICA_CONNECT_TIMEOUT)
    DATABASES[_alias]["TEST"] = {"MIRROR": "default"}
if REPLICA_ALIASES:
    DATABASE_ROUTERS = ["pacesetter.core.db_router.ReplicaRouter"]
    # Which database a request's reads may use; right after SecurityMiddleware, before anything reads.
    MIDDLEWARE.insert(1, "pacesetter.core.db_router.ReplicaReadMiddleware")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# django-axes first: it refuses a locked-out account or address before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "pacesetter.core.lockouts.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
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
# Collected (`make install`, `pacesetter serve`): hashed names that WhiteNoise serves compressed (gzip and
# Brotli) with a year-long cache lifetime. Without a collect (the tests, a bare `manage runserver`) the
# plain storage serves the source files under their own names.
STATIC_MANIFEST = envbool("PACESETTER_STATIC_MANIFEST", "true")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "pacesetter.core.storage.StaticFilesStorage"
        if STATIC_MANIFEST
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
# An S3-compatible object store (AWS S3, MinIO, Ceph RGW, a cloud's OSS/COS with an S3 API) for uploads
# instead of MEDIA_ROOT, through django-storages: several app hosts then share uploads without a shared
# directory. Objects stay private (no ACL, no public URL): every download is streamed by the app after
# its access check, as from the directory. Tested against a local S3 server (tests/deploy/test_s3.py).
S3_BUCKET = os.getenv("PACESETTER_S3_BUCKET", "")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.getenv("PACESETTER_S3_ENDPOINT_URL") or None,
            "region_name": os.getenv("PACESETTER_S3_REGION") or None,
            "access_key": os.getenv("PACESETTER_S3_ACCESS_KEY") or None,
            "secret_key": os.getenv("PACESETTER_S3_SECRET_KEY") or None,
            "location": os.getenv("PACESETTER_S3_PREFIX", "").strip("/"),
            # "path" suits MinIO and most self-hosted stores; "virtual" for stores that require it.
            "addressing_style": os.getenv("PACESETTER_S3_ADDRESSING_STYLE", "path"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG or not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded files go through Django's storage API (FileField), so several app hosts share them by mounting
# one directory (NFS, a shared volume) named here; the default is inside the data directory.
MEDIA_ROOT = Path(os.getenv("PACESETTER_MEDIA_ROOT", DATA_DIR / "media")).resolve()
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
# Text messages (短信): the console backend prints them. A provider's HTTP API:
# PACESETTER_SMS_BACKEND=pacesetter.notifications.sms.HttpJsonBackend with the URL, key and a JSON template
# whose strings may name {phone}, {text}, {key}.
PACESETTER_SMS_BACKEND = os.getenv("PACESETTER_SMS_BACKEND", "pacesetter.notifications.sms.ConsoleBackend")
PACESETTER_SMS_HTTP_URL = os.getenv("PACESETTER_SMS_HTTP_URL", "")
PACESETTER_SMS_HTTP_KEY = os.getenv("PACESETTER_SMS_HTTP_KEY", "")
PACESETTER_SMS_HTTP_TEMPLATE = os.getenv("PACESETTER_SMS_HTTP_TEMPLATE", "")
PACESETTER_SMS_HTTP_TIMEOUT = envint("PACESETTER_SMS_HTTP_TIMEOUT", "10", minimum=1)
# Where notifications find a user's phone (members' 联系电话 live in orgs, above notifications).
PACESETTER_NOTIFY_PHONE_LOOKUP = "pacesetter.follows.phones.member_phones"
# One person, one count: texts per phone and per client address per day; tries per code; code lifetime.
ONECOUNT_TEXTS_PER_PHONE_PER_DAY = envint("PACESETTER_ONECOUNT_TEXTS_PER_PHONE_PER_DAY", "5", minimum=1)
ONECOUNT_TEXTS_PER_ADDRESS_PER_DAY = envint("PACESETTER_ONECOUNT_TEXTS_PER_ADDRESS_PER_DAY", "10", minimum=1)
ONECOUNT_CODE_TRIES = envint("PACESETTER_ONECOUNT_CODE_TRIES", "5", minimum=1)
ONECOUNT_CODE_MINUTES = envint("PACESETTER_ONECOUNT_CODE_MINUTES", "10", minimum=1)
ONECOUNT_RESEND_SECONDS = envint("PACESETTER_ONECOUNT_RESEND_SECONDS", "60", minimum=0)

# Background work through Django's tasks API (the django-tasks backport of django.tasks). The database is
# the queue (django-tasks-db) unless PACESETTER_REDIS_URL names a Redis server: then RQ (django-tasks-rq).
# core/tasks.py adds what the database backend lacks: a lease renewed while a task runs (a task whose
# worker died is run again once the lease ends) and retries with exponential backoff. Tests may run
# tasks inline.
TASKS_INLINE = envbool("PACESETTER_TASKS_INLINE", "false")
REDIS_URL = os.getenv("PACESETTER_REDIS_URL", "")
TASK_LEASE_SECONDS = envint("PACESETTER_TASK_LEASE_SECONDS", "60", minimum=1)
TASK_MAX_ATTEMPTS = envint("PACESETTER_TASK_MAX_ATTEMPTS", "4", minimum=1)
TASK_RETRY_BACKOFF_SECONDS = envint("PACESETTER_TASK_RETRY_BACKOFF_SECONDS", "30", minimum=0)
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
if REDIS_URL:
    # RQ brings its own worker heartbeat and retries; core/rq.py gives each job the same attempts and
    # backoff as the database queue. Failed jobs are kept in RQ's failed-job registry.
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {
        "default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": envint("PACESETTER_TASK_TIMEOUT_SECONDS", "3600")}
    }
    TASKS = {"default": {"BACKEND": "pacesetter.core.rq.RetryingRQBackend", "QUEUES": ["default"]}}
if REDIS_URL:
    # Several app hosts: one cache and the sessions in Redis (a host that restarts loses no sign-in, and any
    # host answers any request). Rate limits and lockouts count stored rows in the database already.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.getenv("PACESETTER_CACHE_PREFIX", "pacesetter"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
# An import larger than this many rows is validated by the worker, with a progress bar.
IMPORT_INLINE_MAX_ROWS = envint("PACESETTER_IMPORT_INLINE_MAX_ROWS", "2000")

# Commitments: owners are reminded this many days before a deadline; public ratings per address per hour.
# 领导点评: each liaison organisation at least every half year; "due" shows this many days ahead.
REVIEW_INTERVAL_DAYS = envint("PACESETTER_REVIEW_INTERVAL_DAYS", "182")
REVIEW_DUE_SOON_DAYS = envint("PACESETTER_REVIEW_DUE_SOON_DAYS", "30")
COMMITMENT_REMIND_DAYS = envint("PACESETTER_COMMITMENT_REMIND_DAYS", "7")
COMMITMENT_PUBLIC_RATINGS_PER_HOUR = envint("PACESETTER_COMMITMENT_PUBLIC_RATINGS_PER_HOUR", "20")

# 意见建议 in evaluation rounds: released only for rater groups with at least this many ballots (a small group
# would let its members tell who wrote what). Never below 3.
EVALUATION_SUGGESTION_K = envint("PACESETTER_EVALUATION_SUGGESTION_K", "5", minimum=3)

# Password guessing (django-axes, with our rules in core/lockouts.py): 5 failures for one account from one
# address within 15 minutes lock that pair for 15 minutes; 20 from any address lock the account for 30.
# Locks always end by themselves; the office can lift one earlier. The address is our trusted-proxy one.
LOCKOUT_PAIR_FAILURES = envint("PACESETTER_LOCKOUT_PAIR_FAILURES", "5", minimum=1)
LOCKOUT_PAIR_MINUTES = envint("PACESETTER_LOCKOUT_PAIR_MINUTES", "15", minimum=1)
LOCKOUT_ACCOUNT_FAILURES = envint("PACESETTER_LOCKOUT_ACCOUNT_FAILURES", "20", minimum=1)
LOCKOUT_ACCOUNT_MINUTES = envint("PACESETTER_LOCKOUT_ACCOUNT_MINUTES", "30", minimum=1)
# Bad API tokens from one address: this many within the pair window block that address for that long.
LOCKOUT_TOKEN_FAILURES = envint("PACESETTER_LOCKOUT_TOKEN_FAILURES", "10", minimum=1)
AXES_ENABLED = envbool("PACESETTER_LOCKOUT", "true")
AXES_HANDLER = "pacesetter.orgs.accounts.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_FAILURE_LIMIT = 1  # LockoutHandler.get_failures answers 1 when either rule holds, else 0
AXES_COOLOFF_TIME = datetime.timedelta(minutes=max(LOCKOUT_PAIR_MINUTES, LOCKOUT_ACCOUNT_MINUTES))
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a lock ends at the time we announce
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "pacesetter.core.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "pacesetter.core.lockouts.lockout_response"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are not a log we keep; failures and lockouts are
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # one row per failure: the windows above slide over these

# Second factor (TOTP, django-otp) for the roles listed here, e.g. "office,secretary"; empty: off.
OTP_ROLES = frozenset(r.strip() for r in os.getenv("PACESETTER_OTP_ROLES", "").split(",") if r.strip())
_unknown_roles = OTP_ROLES - {"office", "secretary", "leader", "inspector", "member"}
if _unknown_roles:
    raise ImproperlyConfigured(
        f"PACESETTER_OTP_ROLES names unknown roles: {', '.join(sorted(_unknown_roles))}; "
        "use office, secretary, leader, inspector, member"
    )
OTP_TOTP_ISSUER = os.getenv("PACESETTER_OTP_ISSUER", "创先争优")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Behind HTTPS (set PACESETTER_HTTPS=true in production): cookies only over TLS, HSTS, and plain HTTP
# redirected. The proxy's X-Forwarded-Proto is believed only when a trusted proxy is configured.
HTTPS = envbool("PACESETTER_HTTPS", "false")
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
    SECURE_HSTS_SECONDS = envint("PACESETTER_HSTS_SECONDS", "31536000", minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("PACESETTER_HSTS_SUBDOMAINS", "true")
    SECURE_HSTS_PRELOAD = envbool("PACESETTER_HSTS_PRELOAD", "true")
    if TRUSTED_PROXIES > 0:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp 4): scripts only from our own files, so an injected <script> or
# onclick does nothing. Styles allow inline attributes: templates and ECharts set style="…".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("PACESETTER_LOG_LEVEL", "WARNING")},
}

# Who is a site-wide administrator (the background-task pages): core asks this function, which knows the tree.
SITE_ADMIN_CHECK = "pacesetter.orgs.accounts.is_site_office"
