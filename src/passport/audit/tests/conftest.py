"""Helpers for the audit tests: events made through `record`, and an attacker's raw SQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from passport.audit import guard
from passport.audit.models import AuditEvent
from passport.audit.services import record


@pytest.fixture(autouse=True)
def head_dir(settings, tmp_path):
    """Keep exported chain heads in a folder of each test's own, never the developer's var/."""
    settings.AUDIT_HEAD_DIR = tmp_path / "audit-heads"
    return settings.AUDIT_HEAD_DIR


def record_reads(count: int, **overrides: Any) -> list[AuditEvent]:
    """Record `count` allowed reads of child 1 by nobody in particular."""
    fields: dict[str, Any] = {
        "actor": None,
        "role": "senco",
        "relationship": "on_roll_at_my_setting",
        "acting_for": "Oakfield Primary",
        "setting_id": 1,
        "action": "read",
        "child_id": 1,
        "sections": ["about_me", "support"],
        "allowed": True,
        "path": "/children/1/",
    }
    fields.update(overrides)
    return [record(**fields) for _ in range(count)]


def drop_triggers_as_an_attacker_could() -> None:
    """Drop the append-only triggers, as someone who owns the database could.

    DDL is transactional on both engines, so the test's rollback puts the triggers back.
    """
    guard.remove(connection)


def sql(statement: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
