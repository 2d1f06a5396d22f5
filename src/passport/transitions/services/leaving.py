"""Recording a child leaving a setting's roll, and where they went."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from passport.audit import services as audit
from passport.children.models import Child, Enrolment
from passport.organisations.models import Setting
from passport.people.models import User
from passport.transitions.models import Leaving
from passport.transitions.services.roll_changes import ON_ROLL, roll_change


def record_leaving(
    child: Child,
    setting: Setting,
    last_day: dt.date,
    destination: str,
    by: User | None,
    *,
    destination_detail: str = "",
) -> Leaving:
    """End the child's enrolment at a setting on `last_day` and record where they went.

    The setting's access ends after `last_day`. `destination` is one of Leaving.Destination
    (another setting, elective home education, left England, other).
    """
    if destination not in Leaving.Destination.values:
        raise ValidationError({"destination": "Choose where the child is going"})
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update()
            .filter(child=child, setting=setting, starts_on__lte=last_day)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=last_day))
            .order_by("-starts_on")
            .first()
        )
        if enrolment is None:
            already = Leaving.objects.filter(
                child=child, setting=setting, last_day=last_day
            ).first()
            if already is not None:
                return already
            raise ValidationError(
                {"last_day": f"The child is not on roll at {setting.name} on that day"}
            )
        enrolment.ends_on = last_day
        enrolment.save(update_fields=["ends_on"])
        leaving, _ = Leaving.objects.update_or_create(
            enrolment=enrolment,
            defaults={
                "child": child,
                "setting": setting,
                "last_day": last_day,
                "destination": destination,
                "destination_detail": destination_detail,
                "recorded_by": by,
            },
        )
        audit.record_many(
            [
                roll_change(
                    by,
                    child,
                    setting,
                    f"Left the roll of {setting.name} on {last_day} "
                    f"({leaving.get_destination_display()}): the setting's access ends",
                    relationship=ON_ROLL,
                )
            ]
        )
    return leaving
