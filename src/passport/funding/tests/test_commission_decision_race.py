"""Two cluster leads deciding the same commission at once: no acknowledged decision is lost.

A commission is not edited field by field; it moves through approval states (awaiting approval,
approved or refused, closed). Each decision locks the row and checks the state it starts from, so
the state is the version: the second of two racing decisions is refused with a message saying
the commission is no longer awaiting approval, and the ledger holds exactly the winner's entries.
"""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from passport.funding import services
from passport.funding.checks import reconcile
from passport.funding.models import Commission, LedgerEntry
from passport.funding.services import balances
from passport.funding.tests.test_ledger import pot_with, request_for
from passport.funding.tests.world import build_world


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every writer on a file lock and has no row locks to race",
)
def test_an_approval_and_a_refusal_racing_leave_exactly_one_decision():
    world = build_world()
    pot = pot_with(world, 10_000_000)
    request = request_for(world, pot, world.children, units=20)  # above the approval threshold
    commission = services.create_commission(world.lead, world.group, request)
    assert commission.status == Commission.Status.AWAITING_APPROVAL
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(name: str, verb, lead) -> None:
        try:
            barrier.wait()
            verb(commission, lead)
            outcomes[name] = "done"
        except ValidationError as exc:
            outcomes[name] = " ".join(exc.messages)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=decide, args=("approve", services.approve_commission, world.second_lead)
        ),
        threading.Thread(target=decide, args=("refuse", services.refuse_commission, world.lead)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winner = [name for name, outcome in outcomes.items() if outcome == "done"]
    assert len(winner) == 1, outcomes
    loser = "refuse" if winner == ["approve"] else "approve"
    assert outcomes[loser] == "This commission is not awaiting approval"
    commission.refresh_from_db()
    committed = balances(pot).committed
    if winner == ["approve"]:
        assert commission.status == Commission.Status.APPROVED
        assert committed == commission.total_cost_pence
    else:
        assert commission.status == Commission.Status.REFUSED
        assert committed == 0
        assert not LedgerEntry.objects.filter(commission=commission).exists()
    assert reconcile().problems == []
