"""Posting to the ledger: the one way money moves, used by every verb that moves it.

Every change that moves money locks the pot row (`select_for_update`) for the length of its
transaction, posts one balanced ledger entry and then checks the pot's invariants before
committing: the balance may not fall below zero beyond a recorded overspend approval, and nothing
may be charged or released that was not committed. Two commitments racing for the last pounds in
a pot are serialised by the lock, so the second one sees the first and is refused.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError

from passport.access.standing import Duty, holds
from passport.funding.models import Commission, LedgerEntry, Posting, Pot
from passport.funding.services.amounts import pounds
from passport.funding.services.balances import balances, commission_committed
from passport.organisations.models import SchoolGroup
from passport.people.models import User

Account = Posting.Account
Kind = LedgerEntry.Kind


def require_manager(user: User, group: SchoolGroup) -> None:
    """Refuse anyone but the group's cluster leads."""
    if not holds(user, Duty.MANAGE_SCHOOL_GROUP, at=group):
        raise PermissionError("Only the group's cluster leads manage its pots and commissions")


def locked(pot: Pot) -> Pot:
    """Lock the pot row for the rest of the transaction (PostgreSQL); SQLite locks the file."""
    return Pot.objects.select_for_update().get(pk=pot.pk)


def _check_invariants(pot: Pot, *, field: str = "amount_pence") -> None:
    now = balances(pot)
    if now.available < -now.approved_overspend:
        short = -now.available - now.approved_overspend
        raise ValidationError(
            {
                field: f"This would overspend the {pot} pot by {pounds(short)}. "
                "Record an overspend approval first, or choose a smaller amount"
            }
        )
    if now.committed < 0:
        raise ValidationError({field: "This would charge or release more than was committed"})
    if now.spent < 0:
        raise ValidationError({field: "This would reverse more than was spent"})


def post(
    pot: Pot,
    kind: str,
    lines: Sequence[tuple[str, int]],
    by: User,
    *,
    commission: Commission | None = None,
    memo: str = "",
    reverses: LedgerEntry | None = None,
    idempotency_key: str = "",
) -> LedgerEntry:
    """Post one balanced entry. Call inside a transaction that holds the pot's lock."""
    if sum(amount for _, amount in lines) != 0:
        raise ValueError("A ledger entry's postings must sum to zero")
    if idempotency_key and LedgerEntry.objects.filter(idempotency_key=idempotency_key).exists():
        raise ValidationError({"idempotency_key": "This has already been posted"})
    entry = LedgerEntry(
        pot=pot,
        kind=kind,
        commission=commission,
        memo=memo,
        reverses=reverses,
        idempotency_key=idempotency_key,
        posted_by=by,
    )
    entry.full_clean(exclude=["pot", "commission", "reverses", "posted_by"])
    entry.save()
    Posting.objects.bulk_create(
        [
            Posting(entry=entry, pot=pot, account=account, amount_pence=amount)
            for account, amount in lines
            if amount != 0
        ]
    )
    if commission is not None and commission_committed(commission) < 0:
        raise ValidationError(
            {"amount_pence": "This would charge more than the commission committed"}
        )
    _check_invariants(pot)
    return entry
