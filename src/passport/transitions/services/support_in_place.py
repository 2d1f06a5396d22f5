"""Confirming the support in place for a new arrival: the receiving setting read the passport and
decided which support continues, changes or stops."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from passport.core.dates import today
from passport.core.policy import current_pack
from passport.core.schooldays import BeyondKnownCalendar
from passport.passports import services as passport_services
from passport.passports.models import Passport, SupportItem
from passport.people.models import User
from passport.transitions.models import Admission, SupportConfirmation, SupportDecision
from passport.transitions.services.time_to_support import time_to_support


def current_support(passport: Passport, on: dt.date | None = None) -> list[SupportItem]:
    """Return the items of Support in place that have not ended."""
    on = on or today()
    return list(
        SupportItem.objects.filter(passport=passport).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=on)
        )
    )


@dataclass(frozen=True)
class ItemDecision:
    """The receiving setting's decision on one support item."""

    support_item_id: int
    decision: str
    reason: str = ""


def confirm_support_in_place(
    admission: Admission,
    *,
    by: User,
    passport_read: bool,
    decisions: list[ItemDecision],
    on: dt.date | None = None,
) -> SupportConfirmation:
    """Record that the receiving setting read the passport and which support continues, changes
    or stops (and why), in one transaction; measure the time to support.

    A stopped item ends in the passport on the day of confirmation. Raise ValidationError keyed
    by field (`passport_read`, `item-<id>`, `reason-<id>`) when something is missing.
    """
    on = on or today()
    errors: dict[str, str] = {}
    if not passport_read:
        errors["passport_read"] = "Confirm you have read the passport"
    passport = Passport.objects.filter(child=admission.child).first()
    items = {item.pk: item for item in current_support(passport, on)} if passport else {}
    chosen = {d.support_item_id: d for d in decisions}
    for item_id in items:
        decision = chosen.get(item_id)
        if decision is None or decision.decision not in SupportDecision.Decision.values:
            errors[f"item-{item_id}"] = "Choose whether this support continues, changes or stops"
        elif decision.decision != "continue" and not decision.reason.strip():
            errors[f"reason-{item_id}"] = (
                f"Enter why this support will {'change' if decision.decision == 'change' else 'stop'}"
            )
    unknown = set(chosen) - set(items)
    if unknown:
        errors["__all__"] = (
            "The passport's support has changed since the page was loaded: reload it"
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Admission.objects.select_for_update().filter(pk=admission.pk).first()
        if SupportConfirmation.objects.filter(admission=admission).exists():
            raise ValidationError({"__all__": "Support in place has already been confirmed"})
        try:
            measured = time_to_support(
                admission.starts_on, on, admission.setting.local_authority.code
            )
        except BeyondKnownCalendar as exc:
            raise ValidationError(
                {
                    "__all__": f"Support in place cannot be measured in school days yet: {exc}. "
                    "Ask the local authority to add its term dates."
                }
            ) from exc
        confirmation = SupportConfirmation.objects.create(
            admission=admission,
            passport_read=True,
            confirmed_on=on,
            confirmed_by=by,
            calendar_days=measured.calendar_days,
            school_days=measured.school_days,
            policy_version=current_pack().pack.version,
        )
        for item_id, item in items.items():
            decision = chosen[item_id]
            SupportDecision.objects.create(
                confirmation=confirmation,
                support_item=item,
                description=item.description,
                decision=decision.decision,
                reason=decision.reason.strip(),
            )
            if decision.decision == "stop" and passport is not None:
                item.ends_on = max(on, item.starts_on)
                passport_services.save_item(passport, item, by)
    return confirmation
