"""Django settings for Support Passport.

Development is the default: SQLite in ./var, DEBUG on, a fixed development secret. Set
PASSPORT_ENV=production and the service refuses to start unless DEBUG is off, a real
SECRET_KEY is given and DATABASE_URL names the database.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("PASSPORT_VAR_DIR", PROJECT_DIR / "var"))

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated environment variable."""
    raw = os.environ.get(name)
    return [item.strip() for item in raw.split(",") if item.strip()] if raw else default


ENVIRONMENT = os.environ.get("PASSPORT_ENV", "development")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ImproperlyConfigured("PASSPORT_ENV must be development, test or production")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("Refusing to start: DEBUG is on in production. Set DEBUG=false.")
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Refusing to start: SECRET_KEY is the development default or shorter than 50 "
            "characters. Set SECRET_KEY to a long random value."
        )
    if not os.environ.get("DATABASE_URL"):
        raise ImproperlyConfigured(
            "Refusing to start: set DATABASE_URL to the PostgreSQL database."
        )

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "passport.core",
    "passport.organisations",
    "passport.people",
    "passport.children",
    "passport.access",
    "passport.audit",
    "passport.passports",
    "passport.transitions",
    "passport.ehcp",
    "passport.directory",
    "passport.funding",
    "passport.notifications",
    "passport.reports",
    "passport.demo",
    "passport.benchmarking",
]

MIDDLEWARE = [
    # First, so every response and every audit event of a request carries its id.
    "passport.audit.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "passport.core.middleware.ContentSecurityPolicy",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view or middleware reads a body (CSRF reads a form's in process_view); after the
    # user and messages are known, so the 413 page is the service's own.
    "passport.core.middleware.RequestBodyLimit",
    "passport.people.middleware.SessionRules",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "passport.core.middleware.NoStoreForSignedInUsers",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "passport.site.urls"
WSGI_APPLICATION = "passport.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [PACKAGE_DIR / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "passport.site.jinja2.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    # Only for django-ninja's API documentation page, which ships Django templates and serves
    # Swagger UI from our own static files rather than a CDN.
    {"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True},
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'passport.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Behind PgBouncer in transaction mode a server-side cursor cannot outlive its transaction
# (docs/operations.md): set DISABLE_SERVER_SIDE_CURSORS=true there.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
    "DISABLE_SERVER_SIDE_CURSORS", default=False
)
# A read replica (docs/operations.md): reads go there until a request writes (core/db_router.py).
PASSPORT_READ_REPLICA = bool(os.environ.get("DATABASE_REPLICA_URL"))
if PASSPORT_READ_REPLICA:
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASES["default"][
        "DISABLE_SERVER_SIDE_CURSORS"
    ]
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["passport.core.db_router.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
        "passport.core.db_router.PinToPrimaryAfterWrite",
    )
    REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "10"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
# django-axes first: it refuses a locked-out sign-in before the password is checked.
AUTHENTICATION_BACKENDS = [
    "passport.people.backends.SignInThrottle",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff (anyone with a role other than parent or young person) sign in with a password and a code
# from an authenticator app. It can be turned off for development only.
PASSPORT_REQUIRE_STAFF_MFA = env_bool("PASSPORT_REQUIRE_STAFF_MFA", default=True)
if PRODUCTION and not PASSPORT_REQUIRE_STAFF_MFA:
    raise ImproperlyConfigured(
        "Refusing to start: PASSPORT_REQUIRE_STAFF_MFA is off in production. Staff must sign in "
        "with a second factor: remove PASSPORT_REQUIRE_STAFF_MFA or set it to true."
    )
OTP_TOTP_ISSUER = "Support Passport"


def _oidc_provider(prefix: str, required: list[str], **fixed: object) -> dict[str, object]:
    """Read one OpenID provider from PASSPORT_<prefix>_* (docs/security.md); {} if not set."""
    values = {name: os.environ.get(f"PASSPORT_{prefix}_{name.upper()}", "") for name in required}
    if not values["issuer"]:
        return {}
    missing = [f"PASSPORT_{prefix}_{name.upper()}" for name, value in values.items() if not value]
    if missing:
        raise ImproperlyConfigured(
            f"Set {', '.join(missing)} too, or unset PASSPORT_{prefix}_ISSUER"
        )
    return {**values, **fixed}


# Sign-in with OpenID Connect (docs/security.md): off unless a provider's issuer is set.
PASSPORT_OIDC_PROVIDERS = {
    slug: provider
    for slug, provider in {
        "dfe-sign-in": _oidc_provider(
            "DFE_SIGN_IN",
            ["issuer", "client_id", "client_secret"],
            name="DfE Sign-in",
            scopes=["openid", "email", "profile", "organisation"],
            id_token_alg=os.environ.get("PASSPORT_DFE_SIGN_IN_ID_TOKEN_ALG", "RS256"),
        ),
        "one-login": _oidc_provider(
            "ONE_LOGIN",
            ["issuer", "client_id", "private_key"],
            name="GOV.UK One Login",
            scopes=["openid", "email"],
            id_token_alg="ES256",
            vtr=os.environ.get("PASSPORT_ONE_LOGIN_VTR", '["Cl.Cm"]'),
        ),
    }.items()
    if provider
}

# A session ends after 30 minutes without a request, and 8 hours after signing in, whatever happens.
PASSPORT_SESSION_IDLE_SECONDS = 30 * 60
PASSPORT_SESSION_MAX_SECONDS = 8 * 60 * 60
# An invitation link to a setting works once, for this many days (not statutory: our rule).
PASSPORT_INVITATION_DAYS = 7
SESSION_COOKIE_AGE = PASSPORT_SESSION_MAX_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
X_FRAME_OPTIONS = "DENY"
# `passport check --deploy` refuses these as errors, stricter and naming the variable to set
# (core/deploy_checks.py): Django's own warnings for them would report each problem twice.
SILENCED_SYSTEM_CHECKS = [
    "security.W004",  # HSTS: core.E109
    "security.W009",  # SECRET_KEY: core.E102
    "security.W012",  # SESSION_COOKIE_SECURE: core.E107
    "security.W016",  # CSRF_COOKIE_SECURE: core.E108
    "security.W018",  # DEBUG: core.E103
    "security.W020",  # ALLOWED_HOSTS: core.E104
]

# Sign-in throttling (django-axes): 5 wrong passwords for one email address from one IP address
# lock that pair out for 15 minutes, whether or not the account exists; signing in resets it.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "passport.people.views.locked_out"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("govuk/assets", PROJECT_DIR / "node_modules/govuk-frontend/dist/govuk/assets"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Messages (docs/operations.md, "Notifications"): through GOV.UK Notify when an API key is given,
# otherwise by email, over SMTP when EMAIL_HOST is set and to the console in development.
PASSPORT_NOTIFY_API_KEY = os.environ.get("PASSPORT_NOTIFY_API_KEY", "")
PASSPORT_NOTIFY_BASE_URL = os.environ.get(
    "PASSPORT_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"
)
PASSPORT_NOTIFY_TIMEOUT = int(os.environ.get("PASSPORT_NOTIFY_TIMEOUT", "10"))
# One Notify template per event: PASSPORT_NOTIFY_TEMPLATE_CHILD_ADMITTED=<template id>, ...
PASSPORT_NOTIFY_TEMPLATES = {
    name.removeprefix("PASSPORT_NOTIFY_TEMPLATE_").lower(): value
    for name, value in os.environ.items()
    if name.startswith("PASSPORT_NOTIFY_TEMPLATE_") and value
}
SMTP_GIVEN = "EMAIL_HOST" in os.environ
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=SMTP_GIVEN)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if SMTP_GIVEN
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Support Passport <no-reply@localhost>")
# The address people reach the service at, for links in emails.
PASSPORT_BASE_URL = os.environ.get("PASSPORT_BASE_URL", "http://localhost:8000")

# Background tasks (notifications): queued in the database and run by `passport db_worker`.
# Tests and a single-process demo may run them at once with
# PASSPORT_TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("PASSPORT_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Request bodies (docs/security.md, "Request limits"). Any body larger than this, whatever its
# type and files included, is refused with 413 before a view reads it
# (core.middleware.RequestBodyLimit). 2.5 MB is Django's default for form data.
PASSPORT_REQUEST_MAX_BYTES = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = PASSPORT_REQUEST_MAX_BYTES
# The largest Common Transfer File accepted (transitions.ctf.parser checks the file against it),
# and the addresses that take one: their bodies may be that size plus the multipart framing.
PASSPORT_CTF_MAX_BYTES = 20 * 1024 * 1024
PASSPORT_FILE_UPLOAD_PATHS = ["/api/ctf/imports", "/common-transfer-files/import/"]

POLICY_PACK = Path(
    os.environ.get("PASSPORT_POLICY_PACK", PROJECT_DIR / "policy" / "england-2026.toml")
)

# Where `passport audit export-head` writes the audit chain head each day. In production, a folder
# outside the database server, ideally on write-once storage (docs/audit.md).
AUDIT_HEAD_DIR = Path(os.environ.get("PASSPORT_AUDIT_HEAD_DIR", VAR_DIR / "audit-heads"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes announces its version at every start, commands included.
    "loggers": {"axes.apps": {"level": "WARNING"}},
}

CSRF_FAILURE_VIEW = "passport.web.error_pages.csrf_failure"
