"""Sessions delivered under a commission: record them, all or none, charging the chargeable ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum

from passport.access.policies import Action, decide, may_record_delivery
from passport.audit import services as audit
from passport.audit.models import AuditAction
from passport.core.dates import today
from passport.core.policy import current_pack
from passport.funding.models import Commission, CommissionPlace, Delivery
from passport.funding.services.ledger import Account, Kind, locked, post
from passport.people.models import User


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
    pot = locked(commission.pot)
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
            charge = post(
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
    """Record one session (see record_deliveries)."""
    return record_deliveries(user, commission, [line])[0]
