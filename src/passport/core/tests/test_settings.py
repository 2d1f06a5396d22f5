"""Production settings refuse unsafe configuration."""

from __future__ import annotations

import subprocess
import sys

import pytest

SAFE = {
    "PASSPORT_ENV": "production",
    "DEBUG": "false",
    "SECRET_KEY": "k" * 64,
    "DATABASE_URL": "postgres://passport@db.internal/passport",
    "ALLOWED_HOSTS": "passport.example.org",
}


def start(tmp_path, **overrides: str) -> subprocess.CompletedProcess[str]:
    env = {**SAFE, **overrides, "PASSPORT_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import passport.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_starts_with_safe_settings(tmp_path):
    result = start(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "False django.db.backends.postgresql" in result.stdout


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DEBUG": "true"}, "DEBUG is on in production"),
        (
            {"SECRET_KEY": "development-only-secret-key-never-use-in-production"},
            "SECRET_KEY is the development default",
        ),
        ({"SECRET_KEY": "short"}, "shorter than 50"),
        ({"DATABASE_URL": ""}, "set DATABASE_URL"),
    ],
)
def test_production_refuses_unsafe_settings(tmp_path, override, message):
    result = start(tmp_path, **override)
    assert result.returncode != 0
    assert message in result.stderr
