"""Prove the books balance: `passport funding check`.

Every figure is recomputed from the postings by a second route and compared: entry by entry,
pot by pot and commission by commission. A problem names the entry, pot or commission.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet, Sum

from passport.core.policy import current_pack
from passport.funding.models import Commission, Delivery, LedgerEntry, Posting, Pot

Account = Posting.Account
Kind = LedgerEntry.Kind

# What each kind of entry does to each account, per penny of its size (a reversal is checked
# against the entry it reverses instead).
SHAPES: dict[str, dict[str, int]] = {
    Kind.ALLOCATION: {Account.FUNDER: -1, Account.AVAILABLE: 1},
    Kind.COMMITMENT: {Account.AVAILABLE: -1, Account.COMMITTED: 1},
    Kind.DELIVERY_CHARGE: {Account.COMMITTED: -1, Account.SPENT: 1},
    Kind.RELEASE: {Account.COMMITTED: -1, Account.AVAILABLE: 1},
}


@dataclass
class Report:
    entries: int = 0
    pots: int = 0
    commissions: int = 0
    problems: list[str] | None = None


def _lines(entry: LedgerEntry) -> dict[str, int]:
    lines: dict[str, int] = defaultdict(int)
    for posting in entry.postings.all():
        lines[posting.account] += posting.amount_pence
    return dict(lines)


def check_entries() -> Iterator[str]:
    """Each entry balances, touches only its own pot, and has the shape its kind says."""
    entries = LedgerEntry.objects.prefetch_related("postings", "reverses__postings")
    for entry in entries.iterator(chunk_size=500):
        postings = list(entry.postings.all())
        if not postings:
            yield f"Entry {entry.pk} ({entry.kind}) has no postings"
            continue
        if sum(p.amount_pence for p in postings) != 0:
            yield f"Entry {entry.pk} ({entry.kind}) does not balance"
        if any(p.pot_id != entry.pot_id for p in postings):
            yield f"Entry {entry.pk} posts to a pot other than its own"
        lines = _lines(entry)
        if entry.kind == Kind.REVERSAL:
            original = entry.reverses
            if original is None or {a: -v for a, v in _lines(original).items()} != lines:
                yield f"Reversal {entry.pk} does not exactly undo entry {entry.reverses_id}"
        elif entry.kind == Kind.ADJUSTMENT:
            if set(lines) != {Account.FUNDER, Account.AVAILABLE}:
                yield f"Adjustment {entry.pk} moves money other than between funder and available"
        else:
            size = max(lines.values())
            expected = {account: sign * size for account, sign in SHAPES[entry.kind].items()}
            if lines != expected or size <= 0:
                yield f"Entry {entry.pk} ({entry.kind}) does not have the shape of a {entry.kind}"
        if (
            entry.kind in (Kind.COMMITMENT, Kind.DELIVERY_CHARGE, Kind.RELEASE)
            and not entry.commission_id
        ):
            yield f"Entry {entry.pk} ({entry.kind}) names no commission"


def _by_account(postings: QuerySet[Posting]) -> dict[str, int]:
    return {
        row["account"]: int(row["total"])
        for row in postings.values("account").annotate(total=Sum("amount_pence"))
    }


def check_pots() -> Iterator[str]:
    """Each pot's balance equals allocation minus commitments and charges (plus releases), and is
    below zero only within a recorded overspend approval."""
    for pot in Pot.objects.all():
        accounts = _by_account(Posting.objects.filter(pot=pot))
        available = accounts.get(Account.AVAILABLE, 0)
        committed = accounts.get(Account.COMMITTED, 0)
        spent = accounts.get(Account.SPENT, 0)
        allocated = -accounts.get(Account.FUNDER, 0)
        if available != allocated - committed - spent:
            yield (
                f"Pot {pot.pk} ({pot}): balance {available} is not allocation {allocated} "
                f"minus commitments {committed} and charges {spent}"
            )
        if available < -pot.approved_overspend_pence():
            yield f"Pot {pot.pk} ({pot}) is overspent by more than its approvals allow"
        if committed < 0 or spent < 0:
            yield f"Pot {pot.pk} ({pot}) has negative commitments or spending"


def check_commissions() -> Iterator[str]:
    """What a commission charged matches the chargeable sessions recorded against it."""
    chargeable = set(current_pack().funding.chargeable_outcomes)
    for commission in Commission.objects.all():
        accounts = _by_account(Posting.objects.filter(entry__commission=commission))
        committed = accounts.get(Account.COMMITTED, 0)
        spent = accounts.get(Account.SPENT, 0)
        if committed < 0:
            yield f"Commission {commission.pk} charged or released more than it committed"
        if commission.status == Commission.Status.CLOSED and committed != 0:
            yield f"Commission {commission.pk} is closed with {committed}p still committed"
        deliveries = Delivery.objects.filter(place__commission=commission)
        charged_units = sum(d.units for d in deliveries if d.outcome in chargeable and d.charge_id)
        if deliveries.filter(outcome__in=chargeable, charge__isnull=True).exists():
            yield f"Commission {commission.pk} has a chargeable session with no charge"
        reversed_charges = (
            Posting.objects.filter(
                entry__commission=commission,
                entry__kind=Kind.REVERSAL,
                entry__reverses__kind=Kind.DELIVERY_CHARGE,
                account=Account.SPENT,
            ).aggregate(total=Sum("amount_pence"))["total"]
            or 0
        )
        if spent != charged_units * commission.unit_cost_pence + reversed_charges:
            yield (
                f"Commission {commission.pk} spent {spent}p but its chargeable sessions cost "
                f"{charged_units * commission.unit_cost_pence + reversed_charges}p"
            )


def reconcile() -> Report:
    """Run every check and return what was checked and any problems found."""
    problems = [*check_entries(), *check_pots(), *check_commissions()]
    return Report(
        entries=LedgerEntry.objects.count(),
        pots=Pot.objects.count(),
        commissions=Commission.objects.count(),
        problems=problems,
    )
