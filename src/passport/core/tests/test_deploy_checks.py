"""`passport check --deploy` refuses a configuration that is unsafe or loses work in production."""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

pytestmark = [
    pytest.mark.django_db,
    # A production configuration names PostgreSQL; the checks only read the setting.
    pytest.mark.filterwarnings("ignore:Overriding setting DATABASES"),
]

ONE_LOGIN = {
    "name": "GOV.UK One Login",
    "issuer": "https://oidc.account.gov.uk/",
    "client_id": "passport-client",
    "private_key": "-----BEGIN PRIVATE KEY-----...",
    "scopes": ["openid", "email"],
    "id_token_alg": "ES256",
}


def production_settings(tmp_path: Path) -> dict[str, Any]:
    """What settings.py makes of a complete production environment."""
    return {
        "PRODUCTION": True,
        "DEBUG": False,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": ["passport.example.org"],
        "DATABASES": {
            alias: {**database, "ENGINE": "django.db.backends.postgresql"}
            for alias, database in settings.DATABASES.items()
        },
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "PASSPORT_NOTIFY_API_KEY": "",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        "PASSPORT_BASE_URL": "https://passport.example.org",
        "PASSPORT_OIDC_PROVIDERS": {"one-login": ONE_LOGIN},
        "PASSPORT_REQUIRE_STAFF_MFA": True,
        "AUDIT_HEAD_DIR": tmp_path / "audit-heads",
    }


@pytest.fixture(autouse=True)
def no_async_unsafe(monkeypatch: pytest.MonkeyPatch) -> None:
    """The browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE for the whole worker process
    (Playwright's sync API runs an event loop); a deployment never should, and Django's own
    deploy check (async.E001) says so. Run these checks as a deployment would."""
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)


@pytest.fixture
def production(tmp_path: Path) -> Iterator[dict[str, Any]]:
    values = production_settings(tmp_path)
    with override_settings(**values):
        yield values


def deploy_check(**unsafe: Any) -> str:
    """Run `check --deploy` with some settings changed; return its errors (empty if it passes)."""
    with override_settings(**unsafe):
        try:
            call_command("check", "--deploy")
        except SystemCheckError as refused:
            return str(refused)
    return ""


def test_a_safe_production_configuration_passes(production):
    assert deploy_check() == ""


@pytest.mark.parametrize(
    ("unsafe", "check_id", "message"),
    [
        ({"PRODUCTION": False}, "core.E101", "PASSPORT_ENV is not production."),
        ({"SECRET_KEY": ""}, "core.E102", "SECRET_KEY is missing"),
        (
            {"SECRET_KEY": "development-only-secret-key-never-use-in-production"},
            "core.E102",
            "the development default, or weak",
        ),
        ({"SECRET_KEY": "x" * 10 + "abcd"}, "core.E102", "SECRET_KEY is missing"),
        ({"SECRET_KEY": "ab" * 40}, "core.E102", "SECRET_KEY is missing"),
        ({"SECRET_KEY": "django-insecure-" + "q1w2e3r4t5" * 6}, "core.E102", "weak"),
        ({"DEBUG": True}, "core.E103", "DEBUG is on"),
        ({"ALLOWED_HOSTS": []}, "core.E104", "ALLOWED_HOSTS is empty."),
        ({"ALLOWED_HOSTS": ["passport.example.org", "*"]}, "core.E104", "'*', which accepts any"),
        ({"SECURE_PROXY_SSL_HEADER": None}, "core.E106", "SECURE_PROXY_SSL_HEADER is not"),
        ({"SESSION_COOKIE_SECURE": False}, "core.E107", "SESSION_COOKIE_SECURE is off"),
        ({"CSRF_COOKIE_SECURE": False}, "core.E108", "CSRF_COOKIE_SECURE is off"),
        ({"SECURE_HSTS_SECONDS": 3600}, "core.E109", "SECURE_HSTS_SECONDS is 3600"),
        (
            {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
            "core.E110",
            "Neither GOV.UK Notify nor SMTP is configured",
        ),
        (
            {"TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}},
            "core.E111",
            "The task backend is ImmediateBackend",
        ),
        (
            {"TASKS": {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}},
            "core.E111",
            "The task backend is DummyBackend",
        ),
        (
            {"PASSPORT_BASE_URL": "http://localhost:8000"},
            "core.E112",
            "PASSPORT_BASE_URL is 'http://localhost:8000'",
        ),
        (
            {"PASSPORT_OIDC_PROVIDERS": {"one-login": {**ONE_LOGIN, "private_key": ""}}},
            "core.E113",
            "PASSPORT_ONE_LOGIN_PRIVATE_KEY is not set",
        ),
        (
            {"PASSPORT_OIDC_PROVIDERS": {"one-login": {**ONE_LOGIN, "issuer": "http://idp/"}}},
            "core.E114",
            "PASSPORT_ONE_LOGIN_ISSUER is not an https:// address",
        ),
        ({"PASSPORT_REQUIRE_STAFF_MFA": False}, "core.E115", "PASSPORT_REQUIRE_STAFF_MFA is off"),
    ],
)
def test_an_unsafe_setting_is_refused_by_name(production, unsafe, check_id, message):
    errors = deploy_check(**unsafe)
    assert f"({check_id}) " in errors
    assert message in errors
    # Django's own warning for the same setting is silenced: each problem is reported once.
    for silenced in ("W004", "W009", "W012", "W016", "W018", "W020"):
        assert f"security.{silenced}" not in errors


def test_sqlite_is_refused_in_production(production):
    sqlite = {
        alias: {**database, "ENGINE": "django.db.backends.sqlite3"}
        for alias, database in settings.DATABASES.items()
    }
    assert "(core.E105) The default database is sqlite3, not PostgreSQL." in deploy_check(
        DATABASES=sqlite
    )


def test_notify_alone_is_enough_for_messages(production):
    errors = deploy_check(
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        PASSPORT_NOTIFY_API_KEY="",
    )
    assert "core.E110" in errors
    # With a key, notifications' own check then asks for each event's template id instead.
    errors = deploy_check(
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        PASSPORT_NOTIFY_API_KEY="live-" + "0" * 8 + "-0000-0000-0000-" + "0" * 12 + "-x",
    )
    assert "core.E110" not in errors


def test_a_provider_given_without_its_issuer_is_refused(production, monkeypatch):
    monkeypatch.setenv("PASSPORT_DFE_SIGN_IN_CLIENT_ID", "passport")
    monkeypatch.delenv("PASSPORT_DFE_SIGN_IN_ISSUER", raising=False)
    errors = deploy_check()
    assert "(core.E113) PASSPORT_DFE_SIGN_IN_ISSUER is not set, but " in errors
    assert "PASSPORT_DFE_SIGN_IN_CLIENT_ID is." in errors


def test_an_audit_head_folder_that_cannot_be_made_is_a_warning_only(production, tmp_path):
    # A path through a file: no user, root included, can create the folder there.
    not_a_folder = tmp_path / "heads.txt"
    not_a_folder.write_text("")
    with override_settings(AUDIT_HEAD_DIR=not_a_folder / "heads"):
        call_command("check", "--deploy")  # passes: a warning does not refuse
        with pytest.raises(SystemCheckError) as refused:
            call_command("check", "--deploy", "--fail-level", "WARNING")
    assert (
        f"(core.W116) The audit chain head folder {not_a_folder / 'heads'} cannot be written"
        in (str(refused.value))
    )


def test_the_passport_command_exits_non_zero_on_an_unsafe_environment(tmp_path):
    environment = {
        "PATH": "/usr/bin:/bin",
        "PASSPORT_VAR_DIR": str(tmp_path),
        "PASSPORT_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": "postgres://passport@db.internal/passport",
        "ALLOWED_HOSTS": "passport.example.org",
        "PASSPORT_BASE_URL": "https://passport.example.org",
        "EMAIL_HOST": "smtp.example.org",
    }
    command = [sys.executable, "-m", "passport.cli", "check", "--deploy"]

    def run(**changes: str) -> subprocess.CompletedProcess[str]:
        env = {key: value for key, value in {**environment, **changes}.items() if value}
        return subprocess.run(command, env=env, capture_output=True, text=True, check=False)

    safe = run()
    assert safe.returncode == 0, safe.stderr
    unsafe = run(EMAIL_HOST="", PASSPORT_TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend")
    assert unsafe.returncode == 1
    assert "(core.E110)" in unsafe.stderr
    assert "(core.E111)" in unsafe.stderr
