"""Statutory clocks as the steps happen: started, met or stopped by each step, and the
exceptions a caseworker records (a pause between two dates, or an excused time limit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from passport.children.models import Child
from passport.core.clocks import Clock, deadline
from passport.ehcp.models import ClockException, StatutoryClock
from passport.ehcp.services.checks import not_before, record_step
from passport.people.models import User

# The family's own windows: when one passes the LA may go on; nobody is overdue.
FAMILY_WINDOWS = (Clock.DRAFT_COMMENTS,)
MAX_PAUSE_DAYS = 366


def start_clock(clock: Clock, starts_on: dt.date, *, child: Child, **owners: Any) -> StatutoryClock:
    """Start a statutory clock for the child, owned by the rows the step wrote."""
    return StatutoryClock.objects.create(
        child=child,
        clock=clock,
        starts_on=starts_on,
        due_on=deadline(clock, starts_on),
        **owners,
    )


def meet(clocks: Iterable[StatutoryClock], on: dt.date) -> None:
    """Mark the running clocks met on the day (never before they started)."""
    for clock in clocks:
        if clock.met_on is None and clock.stopped_on is None:
            clock.met_on = max(on, clock.starts_on)
            clock.save(update_fields=["met_on"])


def stop(clocks: QuerySet[StatutoryClock], on: dt.date) -> None:
    """Stop the running clocks: their steps no longer apply."""
    clocks.filter(met_on__isnull=True, stopped_on__isnull=True).update(stopped_on=on)


def record_exception(
    clock: StatutoryClock,
    by: User,
    *,
    kind: str,
    reason: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
) -> ClockException:
    """Pause a clock between two dates, or excuse its time limit, with the reason written down.

    A pause moves the due date later by the paused days (`core.clocks.deadline`).
    """
    if kind not in ClockException.Kind.values:
        raise ValidationError({"kind": "Choose whether the clock is paused or excused"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for the exception"})
    if kind == ClockException.Kind.PAUSE:
        if ends_on is None:
            raise ValidationError({"ends_on": "Enter the last day of the pause"})
        if ends_on < starts_on:
            raise ValidationError({"ends_on": "The pause must end on or after the day it starts"})
        if (ends_on - starts_on).days > MAX_PAUSE_DAYS:
            raise ValidationError({"ends_on": "A pause can be at most a year: record another"})
    else:
        ends_on = None
    with transaction.atomic():
        clock = (
            StatutoryClock.objects.select_for_update(of=("self",))
            .select_related("child")
            .get(pk=clock.pk)
        )
        if not clock.is_running:
            raise ValidationError("This step is already done or no longer applies")
        not_before(
            starts_on, clock.starts_on, "starts_on", "An exception cannot start before the clock"
        )
        exception = ClockException.objects.create(
            statutory_clock=clock,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason.strip(),
            recorded_by=by,
        )
        if kind == ClockException.Kind.EXCUSE:
            clock.excused = True
        else:
            pauses = [
                (e.starts_on, e.ends_on)
                for e in clock.exceptions.filter(kind=ClockException.Kind.PAUSE)
                if e.ends_on is not None
            ]
            clock.due_on = deadline(clock.clock, clock.starts_on, pauses=pauses)
        clock.save(update_fields=["excused", "due_on"])
        record_step(
            by, clock.child, f"Clock {clock.clock} {kind}d: {reason.strip()[:200]}", action="decide"
        )
    return exception
