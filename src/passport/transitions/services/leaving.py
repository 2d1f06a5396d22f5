"""Recording a child leaving a setting's roll, where they went, and when their record is due.

Leaving starts the record-transfer clock: the school sends the pupil's common transfer file
within 15 school days of the pupil ceasing to be registered (Education (Pupil Information)
(England) Regulations 2005 reg 9(3); the number is the policy pack's
`timescales.record_transfer_school_days`).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from passport.audit import services as audit
from passport.children.models import Child, Enrolment
from passport.core.clocks import Clock, deadline
from passport.core.schooldays import BeyondKnownCalendar, calendar_for
from passport.organisations.models import Setting
from passport.people.models import User
from passport.transitions.models import Leaving
from passport.transitions.services.roll_changes import ON_ROLL, roll_change


def record_due_on(setting: Setting, last_day: dt.date) -> dt.date | None:
    """Return the last day to send the leaver's common transfer file: 15 school days after
    `last_day` on the setting's local authority's term dates, or None when those dates do not
    reach that far (the leavers page then says to add them)."""
    try:
        return deadline(
            Clock.RECORD_TRANSFER,
            last_day,
            calendar=calendar_for(setting.local_authority.code),
        )
    except BeyondKnownCalendar:
        return None


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
                "record_due_on": record_due_on(setting, last_day),
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


LEAVERS_SHOWN_WEEKS = 13  # about a term: long enough to see every record still to send


def recent_leavers(setting_ids: list[int], on: dt.date) -> list[Leaving]:
    """Return the children who left these settings' rolls in the last term or leave later,
    soonest record due first."""
    since = on - dt.timedelta(weeks=LEAVERS_SHOWN_WEEKS)
    return sorted(
        Leaving.objects.filter(setting_id__in=setting_ids, last_day__gte=since).select_related(
            "child", "setting"
        ),
        key=lambda leaving: (leaving.record_due_on or dt.date.max, leaving.pk),
    )
