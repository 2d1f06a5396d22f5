"""The test run really uses the database engine that scripts/run_tests.py asked for."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

PROJECT_VAR = Path(__file__).resolve().parent.parent / "var"


def expected_vendor() -> str:
    """The runner says which engine it set up; otherwise DATABASE_URL decides."""
    expected = os.environ.get("PASSPORT_TEST_EXPECT_VENDOR")
    if expected:
        return expected
    url = os.environ.get("DATABASE_URL", "")
    return "postgresql" if url.startswith(("postgres", "pgsql")) else "sqlite"


@pytest.mark.django_db
def test_connection_uses_the_engine_the_runner_chose() -> None:
    assert connection.vendor == expected_vendor()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT current_database(), version()")
            database, version = cursor.fetchone()
            assert database.startswith("test_"), database
            assert version.startswith("PostgreSQL")
        else:
            cursor.execute("SELECT sqlite_version()")
            assert cursor.fetchone()[0]


def test_runner_keeps_the_developer_database_alone() -> None:
    """Under scripts/run_tests.py, settings use a temporary var dir, never ./var."""
    var_dir = os.environ.get("PASSPORT_VAR_DIR")
    if "PASSPORT_TEST_EXPECT_VENDOR" not in os.environ or not var_dir:
        pytest.skip("not started by scripts/run_tests.py")
    assert Path(settings.VAR_DIR).resolve() == Path(var_dir).resolve()
    assert Path(settings.VAR_DIR).resolve() != PROJECT_VAR.resolve()
