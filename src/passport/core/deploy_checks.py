"""`passport check --deploy`: refuse a configuration that is unsafe or loses work in production.

Tagged `deploy`, so they run only under `check --deploy`, which is how an operator asks "may this
go live?" (docs/operations.md, "Going to production"). Each problem is an Error, so the command
exits non-zero without any `--fail-level`. Where Django's own deploy checks say the same thing as a
warning (a weak SECRET_KEY, DEBUG, ALLOWED_HOSTS, HSTS, secure cookies), settings silence theirs:
these are stricter and name the environment variable to set, and each problem is reported once.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

# Django's mail backends that deliver nothing: fine for development, lost messages in production.
UNDELIVERED_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}
# django-tasks backends that run a task in the web request or drop it: no retries, no worker.
NON_QUEUEING_TASK_BACKENDS = {
    "django_tasks.backends.immediate.ImmediateBackend",
    "django_tasks.backends.dummy.DummyBackend",
}
# What each OpenID provider needs besides its issuer (settings._oidc_provider reads the same).
OIDC_CREDENTIAL = {"dfe-sign-in": "client_secret", "one-login": "private_key"}
OIDC_PREFIX = {"dfe-sign-in": "DFE_SIGN_IN", "one-login": "ONE_LOGIN"}
ONE_YEAR_SECONDS = 365 * 24 * 60 * 60


def _weak_secret(key: str) -> bool:
    return (
        not key
        or key == getattr(settings, "DEVELOPMENT_SECRET_KEY", None)
        or len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )


@register(Tags.security, deploy=True)
def core_settings_are_safe(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Refuse development settings: the environment, the secret, DEBUG, the hosts, the database."""
    problems: list[CheckMessage] = []
    if not getattr(settings, "PRODUCTION", False):
        problems.append(
            Error(
                "PASSPORT_ENV is not production.",
                hint="Set PASSPORT_ENV=production: it turns on secure cookies, HSTS, the HTTPS "
                "redirect and the proxy header, and refuses to start without a secret and a "
                "database.",
                id="core.E101",
            )
        )
    try:
        secret = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to read an empty SECRET_KEY
        secret = ""
    if _weak_secret(secret):
        problems.append(
            Error(
                "SECRET_KEY is missing, the development default, or weak.",
                hint=f"Set SECRET_KEY to at least {SECRET_KEY_MIN_LENGTH} random characters: "
                'python -c "import secrets; print(secrets.token_urlsafe(64))"',
                id="core.E102",
            )
        )
    if settings.DEBUG:
        problems.append(
            Error(
                "DEBUG is on: error pages would show settings and children's data.",
                hint="Unset DEBUG or set DEBUG=false.",
                id="core.E103",
            )
        )
    hosts = list(settings.ALLOWED_HOSTS)
    if not hosts or "*" in hosts:
        problems.append(
            Error(
                "ALLOWED_HOSTS is " + ("empty." if not hosts else "'*', which accepts any host."),
                hint="Set ALLOWED_HOSTS to the service's host names, comma-separated.",
                id="core.E104",
            )
        )
    for alias, database in settings.DATABASES.items():
        if database["ENGINE"] != "django.db.backends.postgresql":
            problems.append(
                Error(
                    f"The {alias} database is {database['ENGINE'].rsplit('.', 1)[-1]}, "
                    "not PostgreSQL.",
                    hint="Set DATABASE_URL=postgres://user:password@host:port/passport "
                    "(the audit trail's append-only triggers and row locks need PostgreSQL).",
                    id="core.E105",
                )
            )
    return problems


@register(Tags.security, deploy=True)
def https_is_enforced(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Refuse cookies that travel over plain HTTP, no HSTS, or no trust in the proxy's header."""
    problems: list[CheckMessage] = []
    if settings.SECURE_PROXY_SSL_HEADER != ("HTTP_X_FORWARDED_PROTO", "https"):
        problems.append(
            Error(
                "SECURE_PROXY_SSL_HEADER is not X-Forwarded-Proto: https.",
                hint="Set PASSPORT_ENV=production and have the TLS-terminating proxy set "
                "X-Forwarded-Proto: https; without it every request looks like plain HTTP.",
                id="core.E106",
            )
        )
    for name, check_id in (
        ("SESSION_COOKIE_SECURE", "core.E107"),
        ("CSRF_COOKIE_SECURE", "core.E108"),
    ):
        if not getattr(settings, name):
            problems.append(
                Error(
                    f"{name} is off: the cookie would be sent over plain HTTP.",
                    hint="Set PASSPORT_ENV=production.",
                    id=check_id,
                )
            )
    if settings.SECURE_HSTS_SECONDS < ONE_YEAR_SECONDS:
        problems.append(
            Error(
                f"SECURE_HSTS_SECONDS is {settings.SECURE_HSTS_SECONDS}, less than a year.",
                hint="Set PASSPORT_ENV=production (HSTS for a year, subdomains included).",
                id="core.E109",
            )
        )
    return problems


@register(deploy=True)
def work_reaches_people(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Refuse messages that go nowhere and background tasks that are never queued."""
    problems: list[CheckMessage] = []
    if (
        not settings.PASSPORT_NOTIFY_API_KEY
        and settings.EMAIL_BACKEND in UNDELIVERED_EMAIL_BACKENDS
    ):
        problems.append(
            Error(
                "Neither GOV.UK Notify nor SMTP is configured: messages would be lost.",
                hint="Set PASSPORT_NOTIFY_API_KEY (a live Notify key), or EMAIL_HOST for SMTP.",
                id="core.E110",
            )
        )
    backend = settings.TASKS["default"]["BACKEND"]
    if backend in NON_QUEUEING_TASK_BACKENDS:
        problems.append(
            Error(
                f"The task backend is {backend.rsplit('.', 1)[-1]}: background tasks would run "
                "inside web requests or not at all, with no retries.",
                hint="Unset PASSPORT_TASKS_BACKEND (the database backend) and run "
                "`passport db_worker`.",
                id="core.E111",
            )
        )
    base = urlsplit(settings.PASSPORT_BASE_URL)
    if base.scheme != "https" or base.hostname in {None, "localhost", "127.0.0.1"}:
        problems.append(
            Error(
                f"PASSPORT_BASE_URL is {settings.PASSPORT_BASE_URL!r}: links in messages would "
                "not reach the service.",
                hint="Set PASSPORT_BASE_URL to the https:// address people use.",
                id="core.E112",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def sign_in_is_complete(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Refuse an OpenID provider missing a value, or set without its issuer, and staff without MFA."""
    problems: list[CheckMessage] = []
    providers = getattr(settings, "PASSPORT_OIDC_PROVIDERS", {})
    for slug, prefix in OIDC_PREFIX.items():
        provider = providers.get(slug)
        needed = ["issuer", "client_id", OIDC_CREDENTIAL[slug]]
        if provider is None:
            # Settings drop a provider without an issuer; its other variables mean someone meant
            # to turn it on and sign-in would silently not offer it.
            given = [
                f"PASSPORT_{prefix}_{n.upper()}"
                for n in needed[1:]
                if os.environ.get(f"PASSPORT_{prefix}_{n.upper()}")
            ]
            if given:
                problems.append(
                    Error(
                        f"PASSPORT_{prefix}_ISSUER is not set, but {' and '.join(given)} "
                        f"{'are' if len(given) > 1 else 'is'}.",
                        hint=f"Set PASSPORT_{prefix}_ISSUER, or unset {', '.join(given)}.",
                        id="core.E113",
                    )
                )
            continue
        missing = [f"PASSPORT_{prefix}_{n.upper()}" for n in needed if not provider.get(n)]
        if missing:
            problems.append(
                Error(
                    f"{', '.join(missing)} is not set: {provider.get('name', slug)} sign-in "
                    "is half-configured.",
                    hint=f"Set {', '.join(missing)}, or unset every PASSPORT_{prefix}_ variable.",
                    id="core.E113",
                )
            )
        elif urlsplit(provider["issuer"]).scheme != "https":
            problems.append(
                Error(
                    f"PASSPORT_{prefix}_ISSUER is not an https:// address.",
                    hint="Use the provider's published https:// issuer.",
                    id="core.E114",
                )
            )
    if not settings.PASSPORT_REQUIRE_STAFF_MFA:
        problems.append(
            Error(
                "PASSPORT_REQUIRE_STAFF_MFA is off: staff would sign in with a password alone.",
                hint="Unset PASSPORT_REQUIRE_STAFF_MFA or set it to true.",
                id="core.E115",
            )
        )
    return problems


def _writable(folder: Path) -> bool:
    """Whether the folder can be written, or created under its nearest existing parent."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    return existing.is_dir() and os.access(existing, os.W_OK | os.X_OK)


@register(deploy=True)
def audit_heads_can_be_exported(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Warn when the nightly `audit export-head` could not write its file."""
    folder = Path(settings.AUDIT_HEAD_DIR)
    if _writable(folder):
        return []
    return [
        Warning(
            f"The audit chain head folder {folder} cannot be written.",
            hint="Give the service's user write access, or set PASSPORT_AUDIT_HEAD_DIR to a "
            "folder it can write (outside the database server, ideally write-once storage).",
            id="core.W116",
        )
    ]
