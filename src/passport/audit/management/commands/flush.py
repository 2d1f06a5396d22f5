"""Django's `flush`, lifting the audit log's append-only triggers for the flush alone.

The test runner empties the database with `flush` after every transactional test, and the
triggers would refuse that. The triggers are dropped and recreated inside the flush's transaction,
so they are never missing once it commits. In production the flush is refused outright.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import connections, transaction

from passport.audit import guard


class Command(flush.Command):
    help = flush.Command.help + " Also empties the audit trail; refused in production."

    def handle(self, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError(
                "Refusing to flush a production database: it would erase the audit trail."
            )
        connection = connections[options["database"]]
        if guard.TABLE not in connection.introspection.table_names():
            super().handle(**options)
            return
        with transaction.atomic(using=connection.alias), guard.lifted(connection):
            super().handle(**options)
