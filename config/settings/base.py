"""Settings shared by every environment; everything variable comes from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def load_dotenv(path: Path) -> None:
    """KEY=VALUE lines of .env, for variables not already set; empty values are ignored."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip().strip("'\"")
        if value:
            os.environ.setdefault(key.strip(), value)


load_dotenv(BASE_DIR / ".env")

DATA_DIR = Path(os.environ.get("RUMBO_DATA_DIR") or BASE_DIR / "var")
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEFAULT_SECRET_KEY = "rumbo-insecure-development-key-change-me"  # noqa: S105 (refused in production)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


# RUMBO_PRODUCTION=1 (docs/deployment.md): refuses DEBUG and the default key, and turns on
# every transport-security setting below unless the environment says otherwise.
PRODUCTION = env_bool("RUMBO_PRODUCTION", False)
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production (RUMBO_PRODUCTION=1).")
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in production (RUMBO_PRODUCTION=1): 50 or more random "
            "characters, not the development key."
        )

# Transport security, named as Django names them; on by default in production.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# The reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (addresses
# or networks, comma-separated: "127.0.0.1,10.0.0.0/8"). Nobody else's are: a client
# cannot choose its own address (rumbo.core.client).
RUMBO_TRUSTED_PROXIES = env_list("RUMBO_TRUSTED_PROXIES")
if RUMBO_TRUSTED_PROXIES:
    # Only the proxy reaches the web processes (docs/deployment.md), and it overwrites
    # X-Forwarded-Proto; so the scheme it reports is the client's.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy of every page (rumbo.core.middleware): no inline script or style,
# nothing from another origin. A template that needs more fails the browser tests.
RUMBO_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_rq",
    "rumbo.core",
    "rumbo.audit",
    "rumbo.institutions",
    "rumbo.notifications",
    "rumbo.strategy",
    "rumbo.programs",
    "rumbo.imports",
    "rumbo.budget",
    "rumbo.monitoring",
    "rumbo.design",
    "rumbo.indicators",
    "rumbo.adjustments",
    "rumbo.accounts",
    "rumbo.reports",
    "rumbo.transparency",
    "rumbo.opendata",
    "rumbo.jobs",
    "rumbo.worklist",
    "rumbo.api",
    "rumbo.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "rumbo.core.middleware.NulCharacterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "rumbo.core.middleware.ConflictMiddleware",
    "rumbo.core.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "rumbo" / "templates"],
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

DEFAULT_SQLITE_PATH = DATA_DIR / "rumbo.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}",
        # Persistent connections only where threads are pooled (the production server:
        # at most workers × threads connections per machine); the development server
        # starts a thread per request, whose kept connections would pile up.
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE: a transaction takes the write lock when it begins, so two writers wait
    # for each other (up to `timeout` seconds) instead of one failing at once with «database
    # is locked» when both try to turn a read lock into a write lock (rumbo.core.concurrency).
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# A password reset link («¿Olvidaste tu contraseña?») lasts one day, and serves once.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
LOGIN_REDIRECT_URL = "web:pending"  # «Mis pendientes»
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "es-mx"
LANGUAGES = [("es-mx", "Español (México)")]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Mexico_City")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["rumbo.core.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "rumbo" / "static"]
# Uploaded documents of FileFields (agreement files of approved programs, adjustments'
# supporting documents): under DATA_DIR like every other file Rumbo keeps, never the
# working directory (Django's default), so `rumbo backup` finds them (docs/backup.md).
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

SAMPLES_DIR = BASE_DIR / "data" / "samples"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Long exports: queued on Redis (django-rq, `rumbo worker`) when REDIS_URL is set, else run
# inline in the request.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
RUMBO_EXPORT_QUEUE = "exports"
RUMBO_EXPORT_TIMEOUT = int(os.environ.get("RUMBO_EXPORT_TIMEOUT", "1800"))
# PDFs (rumbo/core/pdf.py, docs/reports.md): the Chromium that prints them (a path; empty:
# /usr/bin/chromium-headless-shell, else /usr/bin/chromium, else WeasyPrint) and how long
# one PDF may take before it fails.
RUMBO_CHROMIUM = os.environ.get("RUMBO_CHROMIUM", "").strip()
RUMBO_PDF_TIMEOUT = env_int("RUMBO_PDF_TIMEOUT", 120)
RUMBO_EXPORT_RETENTION_DAYS = int(os.environ.get("RUMBO_EXPORT_RETENTION_DAYS", "7"))
# Login attempts kept (a record of attacks; a user's «known» addresses), pruned by
# `rumbo maintenance` (docs/security.md).
RUMBO_LOGIN_ATTEMPT_RETENTION_DAYS = env_int("RUMBO_LOGIN_ATTEMPT_RETENTION_DAYS", 30)
RQ_QUEUES = {
    RUMBO_EXPORT_QUEUE: {
        "URL": REDIS_URL or "redis://127.0.0.1:6379/0",
        "DEFAULT_TIMEOUT": RUMBO_EXPORT_TIMEOUT,
    }
}

# Mail (notifications, password reset): SMTP from the environment, with Django's names.
# Without EMAIL_HOST, mail is printed to the console (the demo, a developer's machine).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Rumbo <rumbo@localhost>")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
# The address pages link to in e-mails (notifications, password reset), e.g.
# https://rumbo.iecm.mx — without it, links are relative to the request or omitted.
RUMBO_BASE_URL = os.environ.get("RUMBO_BASE_URL", "").strip().rstrip("/")
