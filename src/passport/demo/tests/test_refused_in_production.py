"""A live service must never get the demo: its accounts share a published password and its
authenticator keys can be worked out from the source code."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from passport.children.models import Child
from passport.core.safety import RefusedInProduction
from passport.demo.generator import build_demo, remove_demo_data
from passport.people.models import User


def production_environment(tmp_path) -> dict[str, str]:
    # A database no one listens on: the refusal must come before any connection is tried.
    return {
        "PASSPORT_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": "p" * 64,
        "DATABASE_URL": "postgres://passport@127.0.0.1:9/passport",
        "ALLOWED_HOSTS": "passport.example.org",
        "PASSPORT_VAR_DIR": str(tmp_path),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }


@pytest.mark.parametrize("options", [[], ["--if-empty"], ["--reset"]])
def test_the_passport_command_refuses_the_demo_under_production_settings(tmp_path, options):
    result = subprocess.run(
        [sys.executable, "-m", "passport.cli", "demo", *options],
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert "Refusing to run: `passport demo`" in result.stderr
    assert "published password" in result.stderr
    # Refused before reaching the database, not failing on it.
    assert "connection" not in result.stderr.lower()


@pytest.mark.django_db
def test_demo_command_writes_nothing_when_settings_say_production(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="PASSPORT_ENV=development"):
        call_command("demo", "--children", "3", verbosity=0)

    assert not User.objects.exists()
    assert not Child.objects.exists()


@pytest.mark.django_db
def test_building_or_removing_the_demo_directly_is_refused_in_production(settings):
    settings.PRODUCTION = True

    with pytest.raises(RefusedInProduction):
        build_demo(children=3)
    with pytest.raises(RefusedInProduction):
        remove_demo_data()
    assert not User.objects.exists()
