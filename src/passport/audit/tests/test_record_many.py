"""Appending many decisions at once (imports, the September wave): the chain stays whole and
verifiable, batches and single records interleave, and a bad entry writes nothing."""

from __future__ import annotations

import itertools
import threading

import pytest
from django.db import connection

from passport.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from passport.audit.services import Entry, record_many, verify_chain
from passport.audit.tests.conftest import record_reads
from passport.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def admissions(count: int, **overrides: object) -> list[Entry]:
    """Entries as an import writes them: one per child admitted to a setting."""
    values: dict[str, object] = {
        "actor": None,
        "role": "",
        "relationship": "admitted_to_my_setting",
        "acting_for": "Gorse Hill Academy",
        "setting_id": 7,
        "action": "write",
        "allowed": True,
    }
    values.update(overrides)
    return [
        Entry(child_id=100 + n, reason=f"Admitted child {n}", **values)  # type: ignore[arg-type]
        for n in range(count)
    ]


def test_a_batch_is_chained_in_order_and_verifies():
    events = record_many(admissions(5))

    assert [event.position for event in events] == [1, 2, 3, 4, 5]
    assert events[0].previous_hash == GENESIS_HASH
    assert all(b.previous_hash == a.row_hash for a, b in itertools.pairwise(events))
    stored = list(AuditEvent.objects.order_by("position").values_list("child_id", "row_hash"))
    assert stored == [(event.child_id, event.row_hash) for event in events]
    assert AuditChainHead.objects.get().position == 5
    result = verify_chain()
    assert result.ok, result.message
    assert result.count == 5


def test_batches_interleaved_with_single_records_verify():
    record_reads(2)
    record_many(admissions(3))
    record_reads(1)
    record_many(admissions(1500))  # more than one INSERT statement
    record_reads(1)

    result = verify_chain()
    assert result.ok, result.message
    assert result.count == 2 + 3 + 1 + 1500 + 1
    positions = list(AuditEvent.objects.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, 1508))


def test_a_batch_keeps_who_acted_as_they_were_then():
    clerk = UserFactory(full_name="Ada Clerk")

    (event,) = record_many(admissions(1, actor=clerk, sections=["support", "about_me"]))

    event = AuditEvent.objects.get(pk=event.pk)
    assert (event.actor_id, event.actor_name) == (clerk.pk, "Ada Clerk")
    assert event.sections == ["about_me", "support"]
    assert verify_chain().ok


def test_an_empty_batch_writes_nothing():
    assert record_many([]) == []
    assert not AuditEvent.objects.exists()


def test_an_unknown_action_in_a_batch_writes_none_of_it():
    record_reads(1)
    entries = [*admissions(2), *admissions(1, action="teleport")]

    with pytest.raises(ValueError, match="Unknown audit action"):
        record_many(entries)

    assert AuditEvent.objects.count() == 1
    assert verify_chain().ok


def test_a_batch_rolled_back_with_its_transaction_leaves_the_chain_whole():
    from django.db import transaction

    record_reads(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        record_many(admissions(3))
        raise RuntimeError("the import failed after auditing")
    record_reads(1)

    result = verify_chain()
    assert result.ok, result.message
    assert result.count == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer at a time anyway"
)
@pytest.mark.django_db(transaction=True)
def test_batches_and_single_writers_at_the_same_moment_keep_a_gapless_chain():
    start = threading.Barrier(4)
    failures: list[BaseException] = []

    def write(batch: bool) -> None:
        try:
            start.wait()
            for _ in range(10):
                if batch:
                    record_many(admissions(20))
                else:
                    record_reads(2)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n % 2 == 0,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    result = verify_chain()
    assert result.ok, result.message
    assert result.count == 2 * 10 * 20 + 2 * 10 * 2
