"""Database triggers that make the ledger append-only on PostgreSQL (the production engine):
UPDATE and DELETE of ledger entries and postings are refused whatever client writes. The ORM
refuses them on every engine (models.AppendOnly).

TRUNCATE stays open, so the test runner's flush can empty the tables between transactional tests.
SQLite (development and half the test runs) gets no triggers: its flush empties tables with
DELETE, which they would refuse.
"""

from __future__ import annotations

from passport.core.append_only import AppendOnlyGuard, Trigger

TABLES = ("funding_ledgerentry", "funding_posting")
MESSAGE = "the funding ledger is append-only"

GUARD = AppendOnlyGuard(
    message=MESSAGE,
    postgresql_function="funding_ledger_refuse_change",
    postgresql_triggers=tuple(
        Trigger(f"{table}_refuse_change", table, "UPDATE OR DELETE") for table in TABLES
    ),
)

install = GUARD.install
remove = GUARD.remove
