"""Settings for the classroom lesson app.

One settings file. Anything that varies between a laptop and a school's server comes from an
environment variable, read through the small helpers below, which fail loudly on a bad value
rather than silently falling back (a typo in production must not turn DEBUG on).
"""

import datetime
import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: str) -> int:
    value = os.getenv(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


def envrates(name: str, default: str) -> list[str]:
    """Comma-separated django-ratelimit rates such as ``10/m,50/h``."""
    rates = envlist(name, default)
    for rate in rates:
        if not re.fullmatch(r"[1-9][0-9]*/[0-9]*[smhd]", rate):
            raise ImproperlyConfigured(f"{name} must look like 10/m,50/h, not {rate!r}")
    return rates


DEBUG = envbool("DEBUG", "true")

SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # Development only: a fixed key so sessions survive a restart of `make run`.
    SECRET_KEY = "django-insecure-development-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")

# `make serve` runs the production stack over plain http on loopback, where browsers refuse
# Secure and __Host- cookies (so nobody could log in). LOCAL_HTTP=true drops them and the HTTPS
# redirect; `check --deploy` then flags the insecure cookies, and it is refused outright for any
# host but this machine, so it cannot quietly reach a school's server.
LOCAL_HTTP = envbool("LOCAL_HTTP", "false")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
if LOCAL_HTTP and not set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS:
    raise ImproperlyConfigured(
        "LOCAL_HTTP is for this machine only: ALLOWED_HOSTS may then name only "
        f"{', '.join(sorted(LOOPBACK_HOSTS))}"
    )
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

SITE_NAME = os.getenv("SITE_NAME", "Classroom Lessons")

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
    "bootstrap",
    "axes",
    "csp",
    "django_ratelimit",
    "classroom",
    "lessons",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything below, so the lockout page and error pages get the policy too.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a login refused for too many failures into the friendly lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "classroom.urls"
WSGI_APPLICATION = "classroom.wsgi.application"

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
                "classroom.context_processors.site",
            ],
        },
    },
]

# SQLite is the embedded default so a fresh checkout just runs; DATABASE_URL switches to
# PostgreSQL (postgres://user:pass@host:5432/name, options such as ?sslmode=require included).
DATABASE_URL = os.getenv("DATABASE_URL", "")
# Seconds an app server thread keeps its database connection between requests (0: a new one
# per request). Each gunicorn worker thread holds one, which is what max_connections must allow.
DATABASE_CONN_MAX_AGE = envint("DATABASE_CONN_MAX_AGE", "60")
# PostgreSQL plans every statement it is sent; for the short queries of a page that planning
# is most of the database's work (the autosave's read: 0.36 ms to plan, 0.08 ms to run).
# Prepared statements plan each query once per connection: psycopg prepares a query after its
# 5th use and sends the values separately (server-side binding). Django leaves this off. Turn
# it off (false) behind a pooler in transaction mode that cannot carry prepared statements
# (PgBouncer before 1.21, or without max_prepared_statements); see docs/deploy.md.
DATABASE_PREPARED_STATEMENTS = envbool("DATABASE_PREPARED_STATEMENTS", "true")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=DATABASE_CONN_MAX_AGE, conn_health_checks=True
        )
    }
    if DATABASE_PREPARED_STATEMENTS and DATABASES["default"]["ENGINE"].endswith("postgresql"):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.getenv("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # Reusing the connection saves opening the file and running the PRAGMAs below on
            # every request (about a fifth of an autosave's CPU).
            "CONN_MAX_AGE": DATABASE_CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # A class writing at once: WAL lets readers and one writer work together, the
                # timeout makes a writer wait its turn instead of failing, and IMMEDIATE takes the
                # write lock at BEGIN so two transactions never deadlock upgrading read locks.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # secure_delete overwrites deleted rows, so a deleted student's answers do not
                # linger in free pages of the file.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
                ),
            },
            # Tests use a file too, not Django's shared in-memory database, so concurrency
            # tests meet the same WAL locking a school's server does.
            "TEST": {"NAME": os.getenv("SQLITE_TEST_PATH", str(BASE_DIR / "test-db.sqlite3"))},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "classroom.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a login while its username + IP is locked out, before any password check.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, reading the signed-in user on each request with one SQL statement.
    "classroom.backends.UserBackend",
    # A session names the backend that signed its person in: this keeps sessions signed in by
    # Django's own ModelBackend (before UserBackend) valid. It never checks a password, as
    # UserBackend answers every login (see its authenticate).
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en-us"
# The school's time zone: every time a teacher or student sees is shown in it.
TIME_ZONE = os.getenv("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` puts the compressed, hashed copies WhiteNoise serves.
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# In development static files come straight from the apps (no collectstatic); in production
# WhiteNoise serves the compressed, hashed copies collectstatic made. A hashed file never
# changes, so WhiteNoise lets browsers keep it for ten years (immutable); anything else for
# WHITENOISE_MAX_AGE seconds.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_MAX_AGE = 0 if DEBUG else envint("WHITENOISE_MAX_AGE", "60")

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The longest answer a student may save: generous for an extended response (about 8,000 words),
# small enough that one request cannot fill the database.
ANSWER_MAX_CHARS = envint("ANSWER_MAX_CHARS", "50000")

SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(60 * 60 * 12))
SESSION_COOKIE_HTTPONLY = True
# Sessions live in the database every app server shares (with a Redis copy in front when
# REDIS_URL is set, below), so a request may land on any server behind the load balancer.
SESSION_ENGINE = "classroom.sessions.db"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Load balancers check /healthz over plain http, straight to each app server.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG and LOCAL_HTTP:
    # Plain http on loopback: plain cookie names, no HTTPS redirect, no HSTS.
    SECURE_SSL_REDIRECT = False
    SECURE_HSTS_SECONDS = 0
    SECURE_HSTS_PRELOAD = False
elif not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "false")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are only accepted over HTTPS, with Path=/ and no Domain: no other site
    # on the school's domain can set or overwrite them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SESSION_COOKIE_DOMAIN = None
    CSRF_COOKIE_DOMAIN = None
    SESSION_COOKIE_PATH = "/"
    CSRF_COOKIE_PATH = "/"

EMAIL_BACKEND = os.getenv("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
ADMINS = [("Admin", email) for email in envlist("ADMIN_EMAILS", "")]

# --- Caches ----------------------------------------------------------------------------------
# Shared by every app server, so the join-code counters hold across processes: Redis when
# REDIS_URL is set, otherwise a table in the app's own database (made by the migration
# classroom/0004_cache_table and by `manage.py createcachetable`). Login failures are kept in
# django-axes' own tables, not in the cache.
REDIS_URL = os.getenv("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    # Sessions are read from Redis and written through to the database, so losing Redis (it
    # may keep nothing on disk) logs nobody out.
    SESSION_ENGINE = "classroom.sessions.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
            # Room for every counter of a busy term: culling at the default 300 rows would
            # drop live join-code counters.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
# Rendered HTML that never changes once made (an assignment's reading and glossary), kept in
# each app server's own memory: nothing to share or invalidate, and no round trip to read it.
# About 25 KB an assignment; the least recently used go first.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": 400},
}
# Lets several sites (or test runs) share one Redis without reading each other's keys.
if os.getenv("CACHE_KEY_PREFIX"):
    CACHES["default"]["KEY_PREFIX"] = os.environ["CACHE_KEY_PREFIX"]
SILENCED_SYSTEM_CHECKS = [
    # django-ratelimit lists only third-party Redis and memcached backends; Django's own
    # RedisCache increments atomically too.
    "django_ratelimit.W001",
]
if not REDIS_URL:
    # The database cache increments with a read then a write, so requests that arrive at the
    # same instant can be counted as one. Good enough against guessing a 40-bit join code; a
    # district running many app servers sets REDIS_URL for exact counts.
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")
if not DEBUG and not SECURE_HSTS_PRELOAD:
    # Asking browsers to preload HSTS binds every subdomain of the school's domain and is slow
    # to undo: the domain's owner opts in with SECURE_HSTS_PRELOAD=true.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# --- Client IP behind a proxy ---------------------------------------------------------------
# How many reverse proxies of our own (load balancer, nginx) stand in front of the app, each
# appending the address it saw to X-Forwarded-For. 0: the client is REMOTE_ADDR.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")

# --- Login throttling (django-axes) ---------------------------------------------------------
# A whole school often shares one IP address, so a lockout is for one username from one
# address: a student typing wrong passwords never locks out their classmates, and someone
# guessing elsewhere never locks the student out at school. Their teacher can unlock them.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", "10")
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", "15")
if AXES_FAILURE_LIMIT < 1 or LOGIN_LOCKOUT_MINUTES < 1:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT and LOGIN_LOCKOUT_MINUTES must be 1 or more")
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
# More tries while locked out do not push the time back, so "try again at 10:45" stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "classroom.views.accounts.locked_out"
AXES_CLIENT_IP_CALLABLE = "classroom.limits.client_ip"
# Failed attempts are kept for the lockout (passwords masked); a history of every successful
# login of a minor is not something the app needs.
AXES_DISABLE_ACCESS_LOG = True
# No version banner on every manage.py command; failures and lockouts are still logged (with
# usernames and addresses masked).
AXES_VERBOSE = False

# --- Join-code guessing (django-ratelimit) --------------------------------------------------
# Only codes that did not work count. Per network (a school shares one address) and, for
# students already signed in, per student. A code has 40 random bits, so even the network
# limit leaves a guesser far from finding any class.
RATELIMIT_IP_META_KEY = "classroom.limits.client_ip"
JOIN_CODE_LIMITS_PER_IP = envrates("JOIN_CODE_LIMITS_PER_IP", "20/m,100/h")
JOIN_CODE_LIMITS_PER_USER = envrates("JOIN_CODE_LIMITS_PER_USER", "10/m,50/h")

# --- Content-Security-Policy (django-csp) ---------------------------------------------------
# Everything comes from the app itself; no inline script, style or event handler anywhere.
# Bootstrap's JavaScript positions menus through the CSSOM, which style-src does not govern.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap's CSS draws some icons (menu toggler, select arrows) as data: SVGs.
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Error reports (admin emails on a 500) never show students' answers, comments or passwords.
DEFAULT_EXCEPTION_REPORTER_FILTER = "classroom.logging.ClassroomExceptionReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    # SQL is logged with its parameters (answers, session keys) at DEBUG; never let it through.
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
