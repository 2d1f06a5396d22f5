"""Statutory clocks as the steps happen: started, met or stopped by each step; the exceptions the
law lists, which make a time limit not apply; and the dates the law counts differently from
`core.clocks.deadline` (the annual review, the appeal to the SEND Tribunal)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from passport.children.models import Child
from passport.core.clocks import Clock, deadline
from passport.core.policy import ClockExceptionReason, current_pack
from passport.core.working_days import is_working_day, next_working_day
from passport.ehcp.models import ClockException, StatutoryClock
from passport.ehcp.services.checks import not_before, record_step
from passport.people.models import User

# The family's own windows: when one passes the LA may go on; nobody is overdue.
FAMILY_WINDOWS = (Clock.DRAFT_COMMENTS,)
DAY = dt.timedelta(days=1)


def tribunal_time_ends(last_day: dt.date) -> dt.date:
    """Return the day an appeal is still in time when the time for it ends on `last_day`.

    HESC Rules 2008 r12(3)(a): time for a notice of appeal ending on a day from 25 December to
    1 January, or on any day in August, runs to the first working day after 1 January or
    31 August. Otherwise r12(2): time ending on a day that is not a working day runs to the next
    working day. A working day is not a Saturday, Sunday, Christmas Day, Good Friday or bank
    holiday (r1(3)); `core.working_days` keeps England and Wales's list.
    """
    if last_day.month == 12 and last_day.day >= 25:
        return next_working_day(dt.date(last_day.year + 1, 1, 1))
    if last_day.month == 1 and last_day.day == 1:
        return next_working_day(last_day)
    if last_day.month == 8:
        return next_working_day(dt.date(last_day.year, 8, 31))
    return last_day if is_working_day(last_day) else next_working_day(last_day)


def appeal_deadline(
    notice_sent_on: dt.date, mediation_certificate_on: dt.date | None = None
) -> dt.date:
    """Return the last day to register an appeal with the SEND Tribunal.

    HESC Rules 2008 r20(1): 2 months after the written notice of the decision was sent, or 1 month
    after a mediation certificate (Children and Families Act 2014 s55) if that is later; moved by
    r12 when it ends on a non-working day, at Christmas or in August (`tribunal_time_ends`).
    """
    return tribunal_time_ends(
        deadline(Clock.APPEAL, notice_sent_on, mediation_certificate_on=mediation_certificate_on)
    )


def due_date(clock: Clock | str, starts_on: dt.date) -> dt.date:
    """Return the last day the clock's step is in time.

    The annual review must be held "within the period of 12 months starting with" the day the plan
    was made or last reviewed (Children and Families Act 2014 s44(1)): a period starting with a
    day includes it, so its last day is the day before the anniversary.
    """
    due = deadline(clock, starts_on)
    if Clock(clock) is Clock.ANNUAL_REVIEW:
        due -= DAY
    return due


def start_clock(clock: Clock, starts_on: dt.date, *, child: Child, **owners: Any) -> StatutoryClock:
    """Start a statutory clock for the child, owned by the rows the step wrote."""
    return StatutoryClock.objects.create(
        child=child,
        clock=clock,
        starts_on=starts_on,
        due_on=due_date(clock, starts_on),
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


def exceptions_for(clock: Clock | str) -> list[ClockExceptionReason]:
    """The exceptions the law lists for the clock (policy pack `[[ehcp.clock_exceptions]]`)."""
    return [e for e in current_pack().ehcp.clock_exceptions if str(clock) in e.clocks]


def exception_named(code: str) -> ClockExceptionReason | None:
    """The listed exception with the code, if the policy pack has one."""
    return next((e for e in current_pack().ehcp.clock_exceptions if e.code == code), None)


def record_exception(
    clock: StatutoryClock,
    by: User,
    *,
    code: str,
    starts_on: dt.date,
    details: str = "",
    ends_on: dt.date | None = None,
) -> ClockException:
    """Record that one of the exceptions the law lists for the clock applies, so its time limit
    does not apply (SEND Regulations 2014 reg 5(4), 8(2), 10(4), 13(3)).

    An exception is not a pause: the step must still be done, but the time limit no longer binds
    and the due date is kept only as the date the limit would have been. `ends_on` is when the
    circumstance ended, when it is known.
    """
    listed = {e.code: e for e in exceptions_for(clock.clock)}
    if not listed:
        raise ValidationError(
            {"code": "The law lists no exceptions to this time limit: the step must be on time"}
        )
    if code not in listed:
        raise ValidationError({"code": "Choose one of the exceptions the law lists for this step"})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": "The circumstance must end on or after it starts"})
    with transaction.atomic():
        clock = (
            StatutoryClock.objects.select_for_update(of=("self",))
            .select_related("child")
            .get(pk=clock.pk)
        )
        if not clock.is_running:
            raise ValidationError("This step is already done, no longer applies or is excused")
        not_before(
            starts_on, clock.starts_on, "starts_on", "An exception cannot start before the clock"
        )
        exception = ClockException.objects.create(
            statutory_clock=clock,
            kind=ClockException.Kind.EXCUSE,
            code=code,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=details.strip() or listed[code].name,
            recorded_by=by,
        )
        clock.excused = True
        clock.save(update_fields=["excused"])
        record_step(
            by,
            clock.child,
            f"Time limit {clock.clock} does not apply: {listed[code].name} ({listed[code].law})",
            action="decide",
        )
    return exception
