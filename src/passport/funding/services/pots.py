"""A pot's money: open it, allocate to it, adjust it, approve an overspend, reverse an entry."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from passport.core.policy import current_pack
from passport.funding.models import Commission, LedgerEntry, OverspendApproval, Pot
from passport.funding.services.amounts import check_amount
from passport.funding.services.ledger import Account, Kind, locked, post, require_manager
from passport.organisations.models import SchoolGroup
from passport.people.models import User


@transaction.atomic
def open_pot(group: SchoolGroup, financial_year: int, stream: str, by: User) -> Pot:
    """Open the group's pot for a stream and financial year."""
    require_manager(by, group)
    if stream not in dict(current_pack().funding.stream_choices()):
        raise ValidationError({"stream": "Select a funding stream from the list"})
    if not 2000 <= financial_year <= 2100:
        raise ValidationError({"financial_year": "Enter a financial year like 2026"})
    if Pot.objects.filter(
        school_group=group, financial_year=financial_year, stream=stream
    ).exists():
        raise ValidationError({"stream": "The group already has a pot for this stream and year"})
    return Pot.objects.create(
        school_group=group, financial_year=financial_year, stream=stream, created_by=by
    )


@transaction.atomic
def allocate(pot: Pot, amount_pence: int, by: User, memo: str = "") -> LedgerEntry:
    """Put money into the pot from its funder."""
    require_manager(by, pot.school_group)
    amount = check_amount(amount_pence)
    pot = locked(pot)
    return post(
        pot,
        Kind.ALLOCATION,
        [(Account.FUNDER, -amount), (Account.AVAILABLE, amount)],
        by,
        memo=memo,
    )


@transaction.atomic
def adjust(pot: Pot, amount_pence: int, by: User, memo: str) -> LedgerEntry:
    """Correct the allocation up (positive) or down (negative), with a reason."""
    require_manager(by, pot.school_group)
    amount = check_amount(amount_pence, allow_negative=True)
    if not memo.strip():
        raise ValidationError({"memo": "Enter the reason for the adjustment"})
    pot = locked(pot)
    return post(
        pot,
        Kind.ADJUSTMENT,
        [(Account.FUNDER, -amount), (Account.AVAILABLE, amount)],
        by,
        memo=memo,
    )


@transaction.atomic
def approve_overspend(pot: Pot, amount_pence: int, reason: str, by: User) -> OverspendApproval:
    """Record that the pot may go below zero by up to this much more."""
    require_manager(by, pot.school_group)
    amount = check_amount(amount_pence)
    if len(reason.strip()) < 10:
        raise ValidationError(
            {"reason": "Enter the reason for the overspend, in at least 10 characters"}
        )
    pot = locked(pot)
    approval = OverspendApproval(
        pot=pot, amount_pence=amount, reason=reason.strip(), approved_by=by
    )
    approval.full_clean()
    approval.save()
    return approval


@transaction.atomic
def reverse(entry: LedgerEntry, by: User, memo: str = "") -> LedgerEntry:
    """Undo an entry with a new one that posts the opposite amounts."""
    require_manager(by, entry.pot.school_group)
    if entry.kind == Kind.REVERSAL:
        raise ValidationError({"entry": "A reversal cannot itself be reversed: post a new entry"})
    if entry.kind == Kind.COMMITMENT:
        raise ValidationError({"entry": "Close the commission to give its money back to the pot"})
    if entry.commission_id is not None:
        # Locked and read afresh, in close_commission's order (commission, then pot): a status
        # read before the lock could be from before someone else closed it.
        commission = Commission.objects.select_for_update().get(pk=entry.commission_id)
        if commission.status != Commission.Status.APPROVED:
            raise ValidationError(
                {"entry": "The commission is closed: its entries can no longer change"}
            )
    pot = locked(entry.pot)
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError({"entry": "This entry has already been reversed"})
    lines = [(p.account, -p.amount_pence) for p in entry.postings.all()]
    return post(
        pot,
        Kind.REVERSAL,
        lines,
        by,
        commission=entry.commission,
        memo=memo or f"Reverses {entry.get_kind_display().lower()} {entry.pk}",
        reverses=entry,
    )
