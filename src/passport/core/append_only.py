"""Database triggers that make tables append-only: the one mechanism behind the audit log's guard
and the funding ledger's.

A guard names its triggers per engine; each trigger refuses one kind of change to one table
before it happens, with the guard's message. On PostgreSQL every trigger calls one function that
raises with SQLSTATE 23000 (integrity_constraint_violation), so both engines raise
django.db.IntegrityError. Engines a guard names no triggers for get none.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper


@dataclass(frozen=True)
class Trigger:
    """A trigger that refuses `refuses` ("UPDATE", "DELETE", "UPDATE OR DELETE", "TRUNCATE")."""

    name: str
    table: str
    refuses: str

    @property
    def for_each(self) -> str:
        # PostgreSQL fires TRUNCATE triggers per statement only.
        return "STATEMENT" if self.refuses == "TRUNCATE" else "ROW"


@dataclass(frozen=True)
class AppendOnlyGuard:
    """Triggers that refuse changes to some tables, with one message."""

    message: str
    postgresql_function: str
    postgresql_triggers: tuple[Trigger, ...]
    sqlite_triggers: tuple[Trigger, ...] = ()

    def triggers(self, vendor: str) -> tuple[Trigger, ...]:
        """Return the triggers the guard puts on this engine."""
        return {"postgresql": self.postgresql_triggers, "sqlite": self.sqlite_triggers}.get(
            vendor, ()
        )

    def statements_to_install(self, vendor: str) -> list[str]:
        """Return the SQL that creates the guard on this engine."""
        if vendor == "sqlite":
            return [
                f"CREATE TRIGGER {t.name} BEFORE {t.refuses} ON {t.table} "
                f"BEGIN SELECT RAISE(ABORT, '{self.message}: {t.refuses} refused'); END"
                for t in self.sqlite_triggers
            ]
        if vendor == "postgresql":
            function = (
                f"CREATE OR REPLACE FUNCTION {self.postgresql_function}() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{self.message}: % refused', TG_OP "
                "USING ERRCODE = 'integrity_constraint_violation'; END $$"
            )
            return [function] + [
                f"CREATE TRIGGER {t.name} BEFORE {t.refuses} ON {t.table} "
                f"FOR EACH {t.for_each} EXECUTE FUNCTION {self.postgresql_function}()"
                for t in self.postgresql_triggers
            ]
        return []

    def statements_to_remove(self, vendor: str) -> list[str]:
        """Return the SQL that drops the guard on this engine."""
        if vendor == "sqlite":
            return [f"DROP TRIGGER IF EXISTS {t.name}" for t in self.sqlite_triggers]
        if vendor == "postgresql":
            return [
                f"DROP TRIGGER IF EXISTS {t.name} ON {t.table}" for t in self.postgresql_triggers
            ] + [f"DROP FUNCTION IF EXISTS {self.postgresql_function}()"]
        return []

    def install(self, connection: BaseDatabaseWrapper) -> None:
        """Create the triggers (PostgreSQL and SQLite; other engines have none)."""
        with connection.cursor() as cursor:
            for statement in self.statements_to_install(connection.vendor):
                cursor.execute(statement)

    def remove(self, connection: BaseDatabaseWrapper) -> None:
        """Drop the triggers."""
        with connection.cursor() as cursor:
            for statement in self.statements_to_remove(connection.vendor):
                cursor.execute(statement)

    def installed(self, connection: BaseDatabaseWrapper) -> set[str]:
        """Return the names of the guard's triggers present in the database."""
        tables = sorted({t.table for t in self.triggers(connection.vendor)})
        if not tables:
            return set()
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                marks = ", ".join(["%s"] * len(tables))
                cursor.execute(
                    "SELECT name FROM sqlite_master "
                    f"WHERE type = 'trigger' AND tbl_name IN ({marks})",
                    tables,
                )
            else:
                marks = ", ".join(["%s::regclass"] * len(tables))
                cursor.execute(
                    f"SELECT tgname FROM pg_trigger WHERE tgrelid IN ({marks}) AND NOT tgisinternal",
                    tables,
                )
            return {name for (name,) in cursor.fetchall()}

    @contextmanager
    def lifted(self, connection: BaseDatabaseWrapper) -> Iterator[None]:
        """Drop the triggers for the block and put them back (call inside a transaction)."""
        self.remove(connection)
        yield
        self.install(connection)
