"""Writers at the same moment take turns on the chain head: no gap, no repeat, a whole chain."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from passport.audit.models import AuditEvent
from passport.audit.services import verify_chain
from passport.audit.tests.conftest import record_reads

WRITERS = 4
RECORDS_EACH = 25


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer at a time anyway"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_a_gapless_chain():
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write() -> None:
        try:
            start.wait()
            record_reads(RECORDS_EACH)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    positions = list(AuditEvent.objects.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, WRITERS * RECORDS_EACH + 1))
    result = verify_chain()
    assert result.ok, result.message
