"""A commission's life: record it for named children, approve or refuse it, close it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from passport.access import services as access_services
from passport.core.policy import current_pack
from passport.directory.models import Service
from passport.funding.models import (
    Commission,
    CommissionPlace,
    LedgerEntry,
    Pot,
    financial_year_bounds,
)
from passport.funding.services.balances import commission_committed
from passport.funding.services.children import children_needing
from passport.funding.services.ledger import Account, Kind, locked, post, require_manager
from passport.organisations.models import SchoolGroup
from passport.people.models import User


@dataclass(frozen=True)
class CommissionRequest:
    pot: Pot
    service: Service
    description: str
    units_per_child: int
    starts_on: dt.date
    ends_on: dt.date
    child_ids: Sequence[int]


@transaction.atomic
def create_commission(user: User, group: SchoolGroup, request: CommissionRequest) -> Commission:
    """Record a commission for named children. At or below the pack's threshold it is approved
    (and its money committed) at once; above it a second cluster lead must approve it."""
    require_manager(user, group)
    errors: dict[str, str] = {}
    if request.pot.school_group_id != group.pk:
        errors["pot"] = "Select one of the group's pots"
    if not request.service.is_active:
        errors["service"] = "Select a service the directory lists as active"
    if (
        isinstance(request.units_per_child, bool)
        or not isinstance(request.units_per_child, int)
        or not 1 <= request.units_per_child <= 500
    ):
        errors["units_per_child"] = "Enter the sessions or hours for each child, from 1 to 500"
    if request.ends_on < request.starts_on:
        errors["ends_on"] = "The end date must be the same as or after the start date"
    else:
        first, last = financial_year_bounds(request.pot.financial_year)
        if request.starts_on < first or request.ends_on > last:
            errors["ends_on"] = (
                f"The commission must start and end within the pot's financial year, "
                f"{first:%-d %B %Y} to {last:%-d %B %Y}"
            )
    if not request.description.strip():
        errors["description"] = "Enter what is being bought"
    candidates = {
        child.pk: setting_id
        for child, setting_id, _ in children_needing(user, group, request.service.support_kind)
    }
    chosen = list(dict.fromkeys(request.child_ids))
    if not chosen:
        errors["children"] = "Select the children the commission is for"
    elif any(pk not in candidates for pk in chosen):
        errors["children"] = (
            f"Select children on roll at the group's settings whose Support in place names "
            f"{request.service.support_kind_name.lower()}"
        )
    if errors:
        raise ValidationError(errors)
    commission = Commission(
        school_group=group,
        pot=request.pot,
        service=request.service,
        provider=request.service.provider,
        support_kind=request.service.support_kind,
        description=request.description.strip(),
        units_per_child=request.units_per_child,
        unit=request.service.unit,
        unit_cost_pence=request.service.unit_cost_pence,
        starts_on=request.starts_on,
        ends_on=request.ends_on,
        created_by=user,
    )
    commission.full_clean(exclude=["school_group", "pot", "service", "provider", "created_by"])
    commission.save()
    CommissionPlace.objects.bulk_create(
        [
            CommissionPlace(commission=commission, child_id=pk, setting_id=candidates[pk])
            for pk in chosen
        ]
    )
    if not needs_second_approval(commission):
        _approve(commission, user)
    return commission


def needs_second_approval(commission: Commission) -> bool:
    """Say whether the commission costs more than one cluster lead may approve alone."""
    return commission.total_cost_pence > current_pack().funding.approval_threshold_pence


def _approve(commission: Commission, by: User) -> None:
    pot = locked(commission.pot)
    amount = commission.total_cost_pence
    post(
        pot,
        Kind.COMMITMENT,
        [(Account.AVAILABLE, -amount), (Account.COMMITTED, amount)],
        by,
        commission=commission,
        memo=f"Commission: {commission.description}",
    )
    Commission.objects.filter(pk=commission.pk).update(
        status=Commission.Status.APPROVED, decided_by=by, decided_at=timezone.now()
    )
    commission.status = Commission.Status.APPROVED
    for place in commission.places.select_related("child"):
        referral = access_services.record_referral(
            place.child,
            commission.provider,
            commission.service.name,
            commission.starts_on,
            by,
            ends_on=commission.ends_on,
        )
        CommissionPlace.objects.filter(pk=place.pk).update(referral=referral)


@transaction.atomic
def approve_commission(commission: Commission, by: User) -> Commission:
    """Approve a commission above the threshold: a second cluster lead commits its money and
    brings the provider to the children (referrals; the family's consent still decides what
    the professionals read)."""
    require_manager(by, commission.school_group)
    commission = Commission.objects.select_for_update().get(pk=commission.pk)
    if commission.status != Commission.Status.AWAITING_APPROVAL:
        raise ValidationError({"commission": "This commission is not awaiting approval"})
    if commission.created_by_id == by.pk:
        raise ValidationError(
            {"commission": "Someone other than the person who asked for it must approve it"}
        )
    _approve(commission, by)
    return commission


@transaction.atomic
def refuse_commission(commission: Commission, by: User) -> Commission:
    """Refuse a commission awaiting approval: no money is committed."""
    require_manager(by, commission.school_group)
    commission = Commission.objects.select_for_update().get(pk=commission.pk)
    if commission.status != Commission.Status.AWAITING_APPROVAL:
        raise ValidationError({"commission": "This commission is not awaiting approval"})
    Commission.objects.filter(pk=commission.pk).update(
        status=Commission.Status.REFUSED, decided_by=by, decided_at=timezone.now()
    )
    commission.refresh_from_db()
    return commission


@transaction.atomic
def close_commission(commission: Commission, by: User) -> LedgerEntry | None:
    """Close an approved commission and give back to the pot what was committed but not charged."""
    require_manager(by, commission.school_group)
    commission = Commission.objects.select_for_update().get(pk=commission.pk)
    if commission.status != Commission.Status.APPROVED:
        raise ValidationError({"commission": "Only an approved commission can be closed"})
    pot = locked(commission.pot)
    left = commission_committed(commission)
    entry = None
    if left > 0:
        entry = post(
            pot,
            Kind.RELEASE,
            [(Account.COMMITTED, -left), (Account.AVAILABLE, left)],
            by,
            commission=commission,
            memo=f"Released at close: {commission.description}",
        )
    Commission.objects.filter(pk=commission.pk).update(status=Commission.Status.CLOSED)
    return entry
