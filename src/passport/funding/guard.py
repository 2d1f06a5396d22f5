"""Database triggers that make the ledger append-only on PostgreSQL (the production engine):
UPDATE and DELETE of ledger entries and postings are refused whatever client writes. The ORM
refuses them on every engine (models.AppendOnly).

TRUNCATE stays open, so the test runner's flush can empty the tables between transactional tests.
SQLite (development and half the test runs) gets no triggers: its flush empties tables with
DELETE, which they would refuse.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLES = ("funding_ledgerentry", "funding_posting")
MESSAGE = "the funding ledger is append-only"
FUNCTION = "funding_ledger_refuse_change"


def _statements_to_install(vendor: str) -> list[str]:
    if vendor == "postgresql":
        function = (
            f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP "
            "USING ERRCODE = 'integrity_constraint_violation'; END $$"
        )
        return [function] + [
            f"CREATE TRIGGER {table}_refuse_change BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
            for table in TABLES
        ]
    return []


def _statements_to_remove(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_refuse_change ON {table}" for table in TABLES] + [
            f"DROP FUNCTION IF EXISTS {FUNCTION}()"
        ]
    return []


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements_to_install(connection.vendor):
            cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements_to_remove(connection.vendor):
            cursor.execute(statement)
