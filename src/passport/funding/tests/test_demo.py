"""The demo group's money: pots, a therapy commission for six children, sessions, balanced books."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from passport.demo.generator import GROUP_NAME
from passport.funding.checks import reconcile
from passport.funding.demo import remove_funding_demo
from passport.funding.models import Commission, Delivery, LedgerEntry, Pot

pytestmark = pytest.mark.django_db


def demo(*args: str) -> None:
    call_command("demo", *args, verbosity=0, stdout=io.StringIO(), stderr=io.StringIO())


def test_demo_group_commissions_therapy_for_six_children_in_three_settings():
    demo("--children", "200")
    assert Pot.objects.count() == 2
    commission = Commission.objects.get()
    assert commission.status == Commission.Status.APPROVED
    assert commission.places.count() == 6
    assert commission.places.values("setting").distinct().count() == 3
    assert Delivery.objects.filter(charge__isnull=False).exists()
    assert Delivery.objects.filter(recorded_by__email="therapist@nhs.demo.example").exists()
    assert reconcile().problems == []
    # `passport demo --reset` calls this first: the append-only ledger does not stop a reset.
    remove_funding_demo(GROUP_NAME)
    assert not Pot.objects.exists() and not Commission.objects.exists()
    assert not LedgerEntry.objects.exists()
