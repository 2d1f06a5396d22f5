"""Database triggers that refuse UPDATE, DELETE and TRUNCATE of audit events.

The ORM already refuses changes (models.AuditEventQuerySet); these make the database refuse them
too, whatever client writes. Someone who owns the tables can still drop the triggers: the hash
chain and the exported chain heads are what catch that (docs/audit.md).

SQLite rebuilds a table (and loses its triggers) when a migration alters it, so a migration that
changes `audit_auditevent` must call `install` again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"
MESSAGE = "audit events are append-only"

SQLITE_TRIGGERS = {
    "audit_event_refuse_update": "UPDATE",
    "audit_event_refuse_delete": "DELETE",
}
POSTGRESQL_TRIGGERS = {
    "audit_event_refuse_update_delete": "BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW",
    "audit_event_refuse_truncate": "BEFORE TRUNCATE ON {table} FOR EACH STATEMENT",
}
POSTGRESQL_FUNCTION = "audit_event_refuse_change"


def _statements_to_install(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {name} BEFORE {event} ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: {event} refused'); END"
            for name, event in SQLITE_TRIGGERS.items()
        ]
    if vendor == "postgresql":
        # SQLSTATE 23000 so both engines raise django.db.IntegrityError.
        function = (
            f"CREATE OR REPLACE FUNCTION {POSTGRESQL_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP "
            "USING ERRCODE = 'integrity_constraint_violation'; END $$"
        )
        return [function] + [
            f"CREATE TRIGGER {name} {when.format(table=TABLE)} EXECUTE FUNCTION {POSTGRESQL_FUNCTION}()"
            for name, when in POSTGRESQL_TRIGGERS.items()
        ]
    return []


def _statements_to_remove(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name} ON {TABLE}" for name in POSTGRESQL_TRIGGERS] + [
            f"DROP FUNCTION IF EXISTS {POSTGRESQL_FUNCTION}()"
        ]
    return []


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the triggers (PostgreSQL and SQLite; other engines have none)."""
    with connection.cursor() as cursor:
        for statement in _statements_to_install(connection.vendor):
            cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers."""
    with connection.cursor() as cursor:
        for statement in _statements_to_remove(connection.vendor):
            cursor.execute(statement)


def installed(connection: BaseDatabaseWrapper) -> set[str]:
    """Return the names of the guard triggers present on the audit table."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE]
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [TABLE],
            )
        else:
            return set()
        return {name for (name,) in cursor.fetchall()}


@contextmanager
def lifted(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Drop the triggers for the duration of the block and put them back (call inside a transaction)."""
    remove(connection)
    yield
    install(connection)
