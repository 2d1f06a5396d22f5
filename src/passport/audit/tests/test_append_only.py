"""Audit events can be added, never changed or removed: by the ORM, and on both engines by the
database itself."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from passport.audit import guard
from passport.audit.models import AuditEvent, AuditLogIsAppendOnly
from passport.audit.services import verify_chain
from passport.audit.tests.conftest import record_reads, sql
from passport.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

EXPECTED_TRIGGERS = {
    "sqlite": set(guard.SQLITE_TRIGGERS),
    "postgresql": set(guard.POSTGRESQL_TRIGGERS),
}


def test_a_saved_event_cannot_be_saved_again():
    (event,) = record_reads(1)
    event.reason = "Changed my mind"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.save(update_fields=["reason"])
    assert AuditEvent.objects.get().reason == ""


def test_an_event_cannot_be_deleted():
    (event,) = record_reads(1)
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()


def test_querysets_refuse_update_and_delete():
    events = record_reads(2)
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.update(reason="x")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(position=1).delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.bulk_update(events, ["reason"])
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.bulk_create([AuditEvent(position=9, action="read", allowed=True)])
    assert AuditEvent.objects.count() == 2


def test_deleting_an_account_leaves_its_audit_events_whole():
    senco = UserFactory()
    record_reads(1, actor=senco)
    actor_id, name = senco.pk, str(senco.full_name)
    senco.delete()
    event = AuditEvent.objects.get(actor_id=actor_id)
    assert event.actor_name == name
    assert verify_chain().ok


def test_the_append_only_triggers_are_installed():
    assert guard.installed(connection) == EXPECTED_TRIGGERS[connection.vendor]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET reason = 'edited'",
        "DELETE FROM audit_auditevent",
        "DELETE FROM audit_auditevent WHERE position = 1",
    ],
)
def test_the_database_refuses_changes_that_skip_the_orm(statement):
    record_reads(2)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        sql(statement)
    assert AuditEvent.objects.count() == 2
    assert verify_chain().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
def test_postgresql_refuses_truncate():
    record_reads(1)
    sql("SET CONSTRAINTS ALL IMMEDIATE")  # else the insert's deferred checks block TRUNCATE first
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        sql("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == 1


def test_flush_is_refused_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="erase the audit trail"):
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_audit_trail_and_puts_the_triggers_back():
    record_reads(3)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    assert guard.installed(connection) == EXPECTED_TRIGGERS[connection.vendor]
    record_reads(1)
    with pytest.raises(IntegrityError), transaction.atomic():
        sql("DELETE FROM audit_auditevent")
