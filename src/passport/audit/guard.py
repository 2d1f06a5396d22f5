"""Database triggers that refuse UPDATE, DELETE and TRUNCATE of audit events.

The ORM already refuses changes (models.AuditEventQuerySet); these make the database refuse them
too, whatever client writes. Someone who owns the tables can still drop the triggers: the hash
chain and the exported chain heads are what catch that (docs/audit.md).

SQLite rebuilds a table (and loses its triggers) when a migration alters it, so a migration that
changes `audit_auditevent` must call `install` again.
"""

from __future__ import annotations

from passport.core.append_only import AppendOnlyGuard, Trigger

TABLE = "audit_auditevent"
MESSAGE = "audit events are append-only"

GUARD = AppendOnlyGuard(
    message=MESSAGE,
    postgresql_function="audit_event_refuse_change",
    postgresql_triggers=(
        Trigger("audit_event_refuse_update_delete", TABLE, "UPDATE OR DELETE"),
        Trigger("audit_event_refuse_truncate", TABLE, "TRUNCATE"),
    ),
    sqlite_triggers=(
        Trigger("audit_event_refuse_update", TABLE, "UPDATE"),
        Trigger("audit_event_refuse_delete", TABLE, "DELETE"),
    ),
)
SQLITE_TRIGGERS = frozenset(t.name for t in GUARD.sqlite_triggers)
POSTGRESQL_TRIGGERS = frozenset(t.name for t in GUARD.postgresql_triggers)

install = GUARD.install
remove = GUARD.remove
installed = GUARD.installed
lifted = GUARD.lifted
