"""Recording the destination and readiness of a child's next phase transfer."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from passport.children.models import Child
from passport.core.dates import today
from passport.organisations.models import Setting
from passport.people.models import User
from passport.transitions.models import TransferPlan
from passport.transitions.services.phase_planner import transfer_kind, transfer_year


def save_transfer_plan(
    child: Child,
    setting: Setting,
    *,
    by: User,
    destination_setting: Setting | None,
    destination_text: str,
    passport_reviewed: bool,
    meeting_held_on: dt.date | None,
    essentials_shared: bool,
    on: dt.date | None = None,
) -> TransferPlan:
    """Record the destination and readiness of the child's next phase transfer from a setting."""
    on = on or today()
    kind = transfer_kind(child, on)
    if kind is None:
        raise ValidationError({"__all__": "This child does not change phase next September"})
    plan, _ = TransferPlan.objects.update_or_create(
        child=child,
        setting=setting,
        transfer_year=transfer_year(on),
        defaults={
            "kind": kind,
            "destination_setting": destination_setting,
            "destination_text": destination_text,
            "passport_reviewed": passport_reviewed,
            "meeting_held_on": meeting_held_on,
            "essentials_shared": essentials_shared,
            "updated_by": by,
        },
    )
    return plan
