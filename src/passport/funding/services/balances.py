"""Reading the ledger: a pot's balances, a group's pots with theirs, what a commission holds."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from passport.funding.models import Commission, Posting, Pot
from passport.organisations.models import SchoolGroup

Account = Posting.Account


@dataclass(frozen=True)
class PotBalances:
    allocated: int
    available: int
    committed: int
    spent: int
    approved_overspend: int


def balances(pot: Pot) -> PotBalances:
    """Return the pot's accounts, each the sum of its postings."""
    sums = dict(
        pot.postings.values("account")
        .annotate(total=Sum("amount_pence"))
        .values_list("account", "total")
    )
    return PotBalances(
        allocated=-int(sums.get(Account.FUNDER, 0)),
        available=int(sums.get(Account.AVAILABLE, 0)),
        committed=int(sums.get(Account.COMMITTED, 0)),
        spent=int(sums.get(Account.SPENT, 0)),
        approved_overspend=pot.approved_overspend_pence(),
    )


def group_pots(
    group: SchoolGroup, financial_year: int | None = None
) -> list[tuple[Pot, PotBalances]]:
    """Return the group's pots (of one financial year, if given) with their balances."""
    pots = group.pots.all()
    if financial_year is not None:
        pots = pots.filter(financial_year=financial_year)
    return [(pot, balances(pot)) for pot in pots]


def commission_committed(commission: Commission) -> int:
    """Return what is committed to the commission and not yet charged or released."""
    total = Posting.objects.filter(
        entry__commission=commission, account=Account.COMMITTED
    ).aggregate(total=Sum("amount_pence"))["total"]
    return int(total or 0)
