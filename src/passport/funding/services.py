"""Verbs on school groups' money: open a pot, allocate, commission, approve, deliver, release.

Every change that moves money locks the pot row (`select_for_update`) for the length of its
transaction, posts one balanced ledger entry and then checks the pot's invariants before
committing: the balance may not fall below zero beyond a recorded overspend approval, and nothing
may be charged or released that was not committed. Two commitments racing for the last pounds in
a pot are serialised by the lock, so the second one sees the first and is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from passport.access import services as access_services
from passport.access.policies import (
    Action,
    children_for_commissioning,
    decide,
    may_manage_school_group,
    may_record_delivery,
)
from passport.audit import services as audit
from passport.audit.models import AuditAction
from passport.children.models import Child, Enrolment
from passport.core.dates import today
from passport.core.policy import current_pack
from passport.directory.models import Service
from passport.funding.models import (
    Commission,
    CommissionPlace,
    Delivery,
    LedgerEntry,
    OverspendApproval,
    Posting,
    Pot,
    financial_year_bounds,
)
from passport.organisations.models import SchoolGroup
from passport.passports.models import SupportItem
from passport.people.models import User

Account = Posting.Account
Kind = LedgerEntry.Kind
MAX_PENCE = 10**12  # ten billion pounds: larger is a typing mistake


# Amounts


def check_amount(
    value: object, field: str = "amount_pence", *, allow_negative: bool = False
) -> int:
    """Return a whole number of pence, or raise a ValidationError naming the field."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({field: "Enter the amount as a whole number of pence"})
    if value == 0 or (value < 0 and not allow_negative):
        raise ValidationError(
            {
                field: "Enter an amount other than zero"
                if allow_negative
                else "Enter an amount more than zero"
            }
        )
    if abs(value) > MAX_PENCE:
        raise ValidationError({field: "Enter an amount less than £10,000,000,000"})
    return value


POUNDS = re.compile(r"^(-)?£?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{2}))?$")


def parse_pounds(text: str, field: str = "amount", *, allow_negative: bool = False) -> int:
    """Read an amount typed in pounds ("£1,250.50", "300") and return pence."""
    match = POUNDS.match(text.strip().replace(" ", ""))
    if not match:
        raise ValidationError({field: "Enter an amount in pounds, like 1250 or 1,250.50"})
    sign, whole, pence = match.groups()
    amount = int(whole.replace(",", "")) * 100 + int(pence or 0)
    if sign:
        amount = -amount
    return check_amount(amount, field, allow_negative=allow_negative)


def pounds(pence: int) -> str:
    """Format pence as pounds, like £1,250.50 or -£3.00."""
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) // 100:,}.{abs(pence) % 100:02d}"


# The ledger


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


def _locked(pot: Pot) -> Pot:
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


def _commission_committed(commission: Commission) -> int:
    total = Posting.objects.filter(
        entry__commission=commission, account=Account.COMMITTED
    ).aggregate(total=Sum("amount_pence"))["total"]
    return int(total or 0)


def _post(
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
    if commission is not None and _commission_committed(commission) < 0:
        raise ValidationError(
            {"amount_pence": "This would charge more than the commission committed"}
        )
    _check_invariants(pot)
    return entry


def _require_manager(user: User, group: SchoolGroup) -> None:
    if not may_manage_school_group(user, group):
        raise PermissionError("Only the group's cluster leads manage its pots and commissions")


@transaction.atomic
def open_pot(group: SchoolGroup, financial_year: int, stream: str, by: User) -> Pot:
    """Open the group's pot for a stream and financial year."""
    _require_manager(by, group)
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
    _require_manager(by, pot.school_group)
    amount = check_amount(amount_pence)
    pot = _locked(pot)
    return _post(
        pot,
        Kind.ALLOCATION,
        [(Account.FUNDER, -amount), (Account.AVAILABLE, amount)],
        by,
        memo=memo,
    )


@transaction.atomic
def adjust(pot: Pot, amount_pence: int, by: User, memo: str) -> LedgerEntry:
    """Correct the allocation up (positive) or down (negative), with a reason."""
    _require_manager(by, pot.school_group)
    amount = check_amount(amount_pence, allow_negative=True)
    if not memo.strip():
        raise ValidationError({"memo": "Enter the reason for the adjustment"})
    pot = _locked(pot)
    return _post(
        pot,
        Kind.ADJUSTMENT,
        [(Account.FUNDER, -amount), (Account.AVAILABLE, amount)],
        by,
        memo=memo,
    )


@transaction.atomic
def approve_overspend(pot: Pot, amount_pence: int, reason: str, by: User) -> OverspendApproval:
    """Record that the pot may go below zero by up to this much more."""
    _require_manager(by, pot.school_group)
    amount = check_amount(amount_pence)
    if len(reason.strip()) < 10:
        raise ValidationError(
            {"reason": "Enter the reason for the overspend, in at least 10 characters"}
        )
    pot = _locked(pot)
    approval = OverspendApproval(
        pot=pot, amount_pence=amount, reason=reason.strip(), approved_by=by
    )
    approval.full_clean()
    approval.save()
    return approval


@transaction.atomic
def reverse(entry: LedgerEntry, by: User, memo: str = "") -> LedgerEntry:
    """Undo an entry with a new one that posts the opposite amounts."""
    _require_manager(by, entry.pot.school_group)
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
    pot = _locked(entry.pot)
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError({"entry": "This entry has already been reversed"})
    lines = [(p.account, -p.amount_pence) for p in entry.postings.all()]
    return _post(
        pot,
        Kind.REVERSAL,
        lines,
        by,
        commission=entry.commission,
        memo=memo or f"Reverses {entry.get_kind_display().lower()} {entry.pk}",
        reverses=entry,
    )


# Commissions


def children_needing(
    user: User, group: SchoolGroup, support_kind: str
) -> list[tuple[Child, int, list[SupportItem]]]:
    """Return (child, setting id, support items) for children on roll at the group's settings
    whose Support in place names this kind of support today."""
    on = today()
    children = children_for_commissioning(user, group, on=on)
    items = (
        SupportItem.objects.live_on(on)
        .filter(passport__child__in=children, support_kind=support_kind)
        .select_related("passport__child")
        .order_by("passport__child__family_name", "passport__child__given_name")
    )
    by_child: dict[int, tuple[Child, list[SupportItem]]] = {}
    for item in items:
        child = item.passport.child
        by_child.setdefault(child.pk, (child, []))[1].append(item)
    settings_of = dict(
        Enrolment.objects.live_on(on)
        .filter(child_id__in=by_child, setting__in=group.settings.all())
        .values_list("child_id", "setting_id")
    )
    return [(child, settings_of[pk], found) for pk, (child, found) in by_child.items()]


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
    _require_manager(user, group)
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
    return commission.total_cost_pence > current_pack().funding.approval_threshold_pence


def _approve(commission: Commission, by: User) -> None:
    pot = _locked(commission.pot)
    amount = commission.total_cost_pence
    _post(
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
    _require_manager(by, commission.school_group)
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
    _require_manager(by, commission.school_group)
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
    _require_manager(by, commission.school_group)
    commission = Commission.objects.select_for_update().get(pk=commission.pk)
    if commission.status != Commission.Status.APPROVED:
        raise ValidationError({"commission": "Only an approved commission can be closed"})
    pot = _locked(commission.pot)
    left = _commission_committed(commission)
    entry = None
    if left > 0:
        entry = _post(
            pot,
            Kind.RELEASE,
            [(Account.COMMITTED, -left), (Account.AVAILABLE, left)],
            by,
            commission=commission,
            memo=f"Released at close: {commission.description}",
        )
    Commission.objects.filter(pk=commission.pk).update(status=Commission.Status.CLOSED)
    return entry


# Deliveries


@dataclass(frozen=True)
class DeliveryLine:
    child_id: int
    delivered_on: dt.date
    outcome: str
    units: int = 1
    note: str = ""


def _charged_units(place: CommissionPlace) -> int:
    chargeable = current_pack().funding.chargeable_outcomes
    # A charge put right by a reversal no longer uses up the child's commissioned sessions.
    charged = place.deliveries.filter(outcome__in=chargeable).exclude(
        charge__reversed_by__isnull=False
    )
    total = charged.aggregate(total=Sum("units"))["total"]
    return int(total or 0)


@transaction.atomic
def record_deliveries(
    user: User, commission: Commission, lines: Iterable[DeliveryLine]
) -> list[Delivery]:
    """Record sessions for children in a commission, all or none. A chargeable session moves
    its cost from committed to spent in the same transaction."""
    lines = list(lines)
    if not lines:
        raise ValidationError({"deliveries": "Enter at least one session"})
    pot = _locked(commission.pot)
    commission = Commission.objects.get(pk=commission.pk)
    if commission.status != Commission.Status.APPROVED:
        raise ValidationError(
            {"commission": "Sessions can only be recorded for an approved, open commission"}
        )
    places = {p.child_id: p for p in commission.places.select_related("child")}
    chargeable = set(current_pack().funding.chargeable_outcomes)
    outcomes = set(Delivery.Outcome.values)
    seen: set[tuple[int, dt.date]] = set()
    recorded: list[Delivery] = []
    for number, line in enumerate(lines, start=1):
        where = "" if len(lines) == 1 else f"Line {number}: "
        place = places.get(line.child_id)
        if place is None:
            raise ValidationError({"child": f"{where}That child is not named in this commission"})
        if not may_record_delivery(
            user, place.child, provider_id=commission.provider_id, setting_id=place.setting_id
        ):
            raise PermissionError("You may not record sessions for this child")
        if line.outcome not in outcomes:
            raise ValidationError({"outcome": f"{where}Select what happened to the session"})
        if (
            isinstance(line.units, bool)
            or not isinstance(line.units, int)
            or not 1 <= line.units <= 10
        ):
            raise ValidationError(
                {"units": f"{where}Enter the number of sessions or hours, from 1 to 10"}
            )
        if line.delivered_on < commission.starts_on:
            raise ValidationError(
                {
                    "delivered_on": f"{where}The commission starts on {commission.starts_on:%-d %B %Y}"
                }
            )
        if line.delivered_on > commission.ends_on:
            raise ValidationError(
                {
                    "delivered_on": f"{where}The commission ended on {commission.ends_on:%-d %B %Y}: "
                    "sessions after that cannot be recorded against it"
                }
            )
        if line.delivered_on > today():
            raise ValidationError({"delivered_on": f"{where}The date must be today or in the past"})
        key = (line.child_id, line.delivered_on)
        if (
            key in seen
            or Delivery.objects.filter(place=place, delivered_on=line.delivered_on).exists()
        ):
            raise ValidationError(
                {
                    "delivered_on": f"{where}A session for this child on "
                    f"{line.delivered_on:%-d %B %Y} is already recorded"
                }
            )
        seen.add(key)
        charge = None
        if line.outcome in chargeable:
            if _charged_units(place) + line.units > commission.units_per_child:
                raise ValidationError(
                    {
                        "units": f"{where}All {commission.units_per_child} {commission.unit}s commissioned "
                        "for this child have been charged"
                    }
                )
            amount = line.units * commission.unit_cost_pence
            charge = _post(
                pot,
                Kind.DELIVERY_CHARGE,
                [(Account.COMMITTED, -amount), (Account.SPENT, amount)],
                user,
                commission=commission,
                memo=f"{commission.description}: {line.delivered_on:%-d %B %Y}",
                idempotency_key=f"delivery:{place.pk}:{line.delivered_on.isoformat()}",
            )
        delivery = Delivery(
            place=place,
            delivered_on=line.delivered_on,
            outcome=line.outcome,
            units=line.units,
            note=line.note.strip(),
            charge=charge,
            recorded_by=user,
        )
        delivery.full_clean(exclude=["place", "charge", "recorded_by"])
        try:
            with transaction.atomic():
                delivery.save()
        except IntegrityError as exc:
            raise ValidationError(
                {"delivered_on": f"{where}This session is already recorded"}
            ) from exc
        recorded.append(delivery)
    audit.record_many(_delivery_audit(user, [places[line.child_id] for line in lines]))
    return recorded


def _delivery_audit(user: User, places: Iterable[CommissionPlace]) -> list[audit.Entry]:
    """Return one audit entry for each child whose sessions were recorded."""
    entries = []
    for place in {place.child_id: place for place in places}.values():
        decision = decide(user, place.child, Action.RECORD_DELIVERY)
        entries.append(
            audit.Entry(
                actor=user,
                role=str(decision.role or ""),
                relationship=str(decision.relationship or ""),
                acting_for=decision.acting_for,
                # The data protection lead of the setting where the child was helped answers.
                setting_id=place.setting_id,
                action=AuditAction.RECORD_DELIVERY,
                child_id=place.child_id,
                allowed=True,
            )
        )
    return entries


def record_delivery(user: User, commission: Commission, line: DeliveryLine) -> Delivery:
    return record_deliveries(user, commission, [line])[0]


# Reading


def commissions_for_child(
    child: Child, support_items: Iterable[SupportItem] | None = None
) -> list[dict[str, object]]:
    """Return, for each approved or closed commission naming the child, what was commissioned,
    what their Support in place specifies, and what was delivered.

    Pass the passport's support items when the caller has them already (the passport page
    prefetches them), to save reading them again."""
    rows = []
    places = (
        CommissionPlace.objects.filter(
            child=child,
            commission__status__in=[Commission.Status.APPROVED, Commission.Status.CLOSED],
        )
        .select_related("commission__provider")
        .prefetch_related("deliveries")
    )
    support = (
        list(support_items)
        if support_items is not None
        else list(SupportItem.objects.filter(passport__child=child))
    )
    for place in places:
        commission = place.commission
        deliveries = list(place.deliveries.all())
        counts = {outcome: 0 for outcome in Delivery.Outcome.values}
        for delivery in deliveries:
            counts[delivery.outcome] += delivery.units
        specified = [item for item in support if item.support_kind == commission.support_kind]
        rows.append(
            {
                "commission": commission,
                "support_kind_name": commission.support_kind_name,
                "specified": "; ".join(item.amount for item in specified)
                or "Not in Support in place",
                "commissioned": commission.units_per_child,
                "attended": counts[Delivery.Outcome.ATTENDED],
                "missed": counts[Delivery.Outcome.MISSED],
                "cancelled": sum(
                    counts[o]
                    for o in (
                        Delivery.Outcome.CANCELLED_BY_PROVIDER,
                        Delivery.Outcome.CANCELLED_BY_SETTING,
                        Delivery.Outcome.CANCELLED_BY_FAMILY,
                    )
                ),
                "unit": commission.unit,
            }
        )
    return rows


def group_pots(
    group: SchoolGroup, financial_year: int | None = None
) -> list[tuple[Pot, PotBalances]]:
    pots = group.pots.all()
    if financial_year is not None:
        pots = pots.filter(financial_year=financial_year)
    return [(pot, balances(pot)) for pot in pots]
