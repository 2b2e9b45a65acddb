"""The one settings module. Everything that differs between a laptop and a district server
comes from the environment (see .env.example); the defaults run the embedded demo."""

import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from sanfuwu.env import env_bool, env_bounds, env_int, env_list, env_str

# Lets ModelForm[...] and QuerySet[...] be written at run time, as the type checker reads them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SANFUWU_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)  # WhiteNoise warns at every start without it


def _secret_key() -> str:
    # The demo must be safe without configuration: keep a random key in var/ rather than ship one.
    given = env_str("SANFUWU_SECRET_KEY", "")
    if given:
        return given
    keyfile = VAR_DIR / "secret_key"
    if not keyfile.exists():
        # Created readable by its owner only, from the first byte.
        fd = os.open(keyfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return keyfile.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("SANFUWU_DEBUG", False)
ALLOWED_HOSTS = env_list("SANFUWU_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("SANFUWU_CSRF_TRUSTED_ORIGINS", [])


def _database(url: str) -> dj_database_url.DBConfig:
    """One entry of DATABASES from a URL: postgres://user:password@host:5432/name, sqlite:////path."""
    # Health checks: a kept connection the server dropped (a restart, a failover) is replaced at the
    # next request instead of failing it.
    database = dj_database_url.parse(
        url, conn_max_age=env_int("SANFUWU_DB_CONN_MAX_AGE", 0), conn_health_checks=True
    )
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web server read while a long demo build or import writes.
        database["OPTIONS"] = {
            # A 64 MB page cache (the default is 2 MB): an import of 100,000 issues keeps its indexes in
            # memory instead of rereading them page by page.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return database


DATABASES = {
    "default": _database(env_str("SANFUWU_DATABASE_URL", f"sqlite:///{VAR_DIR / 'sanfuwu.sqlite3'}"))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, for the test database: threads then share it through SQLite's own
    # locking, as the web server's threads do, and the concurrency tests mean the same here.
    # Named after the database it tests, so that runs against different files never share one.
    _db_file = Path(DATABASES["default"]["NAME"])
    DATABASES["default"]["TEST"] = {"NAME": str(_db_file.with_name(f"test-{_db_file.name}"))}

# A read replica of the primary (same URL syntax): the lists, the dashboard, the exports and the
# bulletin read from it, everything else from the primary, and so does whoever wrote in the last
# SANFUWU_REPLICA_LAG_SECONDS (sanfuwu.core.routing). Unset: one database, no router.
_replica_url = env_str("SANFUWU_REPLICA_URL", "")
SANFUWU_REPLICA_LAG_SECONDS = env_int("SANFUWU_REPLICA_LAG_SECONDS", 5)
DATABASE_ROUTERS: list[str] = []
if _replica_url:
    # Tests run against one server: the replica alias then reads the test database itself.
    DATABASES["replica"] = {**_database(_replica_url), "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["sanfuwu.core.routing.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "sanfuwu.core.admin_apps.OfficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "sanfuwu.core",
    "sanfuwu.audit",
    # Domain apps, in dependency order: the demo builds them in this order too.
    "sanfuwu.orgs",
    "sanfuwu.people",
    "sanfuwu.targets",
    "sanfuwu.workdays",
    "sanfuwu.issues",
    "sanfuwu.visits",
    "sanfuwu.scoring",
    "sanfuwu.imports",
    "sanfuwu.reports",
    "sanfuwu.notify",
    "sanfuwu.raisers",
    "sanfuwu.tokens",
    "sanfuwu.triage",
    "sanfuwu.coordination",
    "sanfuwu.api",
    # For its API docs' own static files (Swagger UI), served here rather than from a CDN.
    "ninja",
    # Interface apps: they own no models.
    "sanfuwu.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sanfuwu.core.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *(["sanfuwu.core.routing.ReplicaMiddleware"] if DATABASE_ROUTERS else []),
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sanfuwu.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sanfuwu.audit.context.AuditOriginMiddleware",
    "sanfuwu.portal.confinement.EnterpriseConfinement",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sanfuwu.people.middleware.AccountGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sanfuwu.portal.refusals.RefusalMiddleware",
]
CSRF_FAILURE_VIEW = "sanfuwu.portal.refusals.csrf_failure"

ROOT_URLCONF = "sanfuwu.urls"
WSGI_APPLICATION = "sanfuwu.wsgi.application"

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
                "django.template.context_processors.i18n",
                "sanfuwu.portal.context.navigation",
            ],
        },
    },
]

AUTH_USER_MODEL = "people.Person"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
SANFUWU_PASSWORD_MIN_LENGTH = env_int("SANFUWU_PASSWORD_MIN_LENGTH", 10)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "sanfuwu.people.passwords.LengthValidator",
        "OPTIONS": {"min_length": SANFUWU_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A session lasts at most this long, and ends sooner after SANFUWU_IDLE_SECONDS without a request.
SESSION_COOKIE_AGE = env_int("SANFUWU_SESSION_SECONDS", 8 * 3600)
SANFUWU_IDLE_SECONDS = env_int("SANFUWU_IDLE_SECONDS", 30 * 60)
# This many wrong passwords within SANFUWU_LOCKOUT_SECONDS lock an account (or, from one address
# across accounts, that address) until the oldest of them is that old; an administrator unlocks sooner.
SANFUWU_LOCKOUT_ACCOUNT_FAILURES = env_int("SANFUWU_LOCKOUT_ACCOUNT_FAILURES", 5)
SANFUWU_LOCKOUT_ADDRESS_FAILURES = env_int("SANFUWU_LOCKOUT_ADDRESS_FAILURES", 20)
SANFUWU_LOCKOUT_SECONDS = env_int("SANFUWU_LOCKOUT_SECONDS", 15 * 60)
AUTHENTICATION_BACKENDS = ["sanfuwu.people.backends.AnyCaseBackend"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Pages send the CSRF token in a header they read from the page itself, never from the cookie.
CSRF_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Served over HTTPS (directly or behind a proxy that says so in X-Forwarded-Proto): cookies only
# travel encrypted, plain HTTP is redirected, and browsers are told to come back over HTTPS only.
SANFUWU_HTTPS = env_bool("SANFUWU_HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SANFUWU_HTTPS
SECURE_SSL_REDIRECT = SANFUWU_HTTPS
SECURE_HSTS_SECONDS = env_int("SANFUWU_HSTS_SECONDS", 365 * 24 * 3600) if SANFUWU_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
if env_bool("SANFUWU_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "sanfuwu" / "locale"]
TIME_ZONE = env_str("SANFUWU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Background jobs: empty runs them in the web process (a queue file in var/); a Redis URL
# (redis://127.0.0.1:6379/0) queues them in Redis for `sanfuwu worker` processes.
SANFUWU_REDIS_URL = env_str("SANFUWU_REDIS_URL", "")
# Where people open the product: the links in messages pushed to work groups start with it.
SANFUWU_SITE_URL = env_str("SANFUWU_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The district's box (south, west, north, east; WGS-84 degrees): a place given with an issue must
# lie in it. The default holds the demo district, 杭州经济技术开发区 (下沙、白杨、河庄).
# 共性问题: a topic raised in at least this many distinct places (targets or regions) in a period.
SANFUWU_COMMON_PROBLEM_PLACES = env_int("SANFUWU_COMMON_PROBLEM_PLACES", 3)
SANFUWU_DISTRICT_BOUNDS = env_bounds("SANFUWU_DISTRICT_BOUNDS", (30.20, 120.20, 30.45, 120.65))

STATIC_ROOT = VAR_DIR / "static"
# Plain file names everywhere except `sanfuwu serve --workers N`, which collects the static files
# into STATIC_ROOT and names them by their content's hash (sanfuwu.core.staticfiles).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "sanfuwu.core.staticfiles.CollectedStaticFilesStorage"},
}
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages come from npm at set-up time and are served straight from node_modules.
STATICFILES_DIRS = [
    ("vendor/tabler", NODE_MODULES / "@tabler" / "core" / "dist"),
    ("vendor/tabler-icons", NODE_MODULES / "@tabler" / "icons-webfont" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

SANFUWU_DEMO_PASSWORD = env_str("SANFUWU_DEMO_PASSWORD", "sanfuwu2025")
SANFUWU_PAGE_SIZE = env_int("SANFUWU_PAGE_SIZE", 25)
# Lists count their rows up to this many and then say "10000+": an exact count of a street's
# million issues costs more than the page itself.
SANFUWU_COUNT_CAP = env_int("SANFUWU_COUNT_CAP", 10_000)
# An uploaded workbook up to this size is imported in the request; a larger one goes to a
# background job and the page shows its progress.
SANFUWU_IMPORT_INLINE_BYTES = env_int("SANFUWU_IMPORT_INLINE_BYTES", 512 * 1024)
# What one imported sheet may hold. Its XML uncompressed (Excel's formatting carried down to row
# 1,048,576 makes a few hundred MB of blank rows, which the reader passes over cheaply), and its
# rows that hold data; beyond either the file is refused with the reason. The list of problems
# keeps the first SANFUWU_IMPORT_MAX_PROBLEMS and counts the rest.
SANFUWU_IMPORT_MAX_SHEET_MB = env_int("SANFUWU_IMPORT_MAX_SHEET_MB", 512)
SANFUWU_IMPORT_MAX_ROWS = env_int("SANFUWU_IMPORT_MAX_ROWS", 200_000)
SANFUWU_IMPORT_MAX_PROBLEMS = env_int("SANFUWU_IMPORT_MAX_PROBLEMS", 500)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SANFUWU_LOG_LEVEL", "WARNING")},
}
