"""How long a new arrival waited for support: time to support, the day confirmation is due, and
whether it is overdue (school days from the policy pack and each local authority's calendar)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from passport.core.dates import today
from passport.core.policy import current_pack
from passport.core.schooldays import BeyondKnownCalendar, TermCalendar, calendar_for
from passport.transitions.models import Admission


@dataclass(frozen=True)
class TimeToSupport:
    """How long a child waited from their first day on roll for support to be confirmed."""

    calendar_days: int
    school_days: int


def time_to_support(
    starts_on: dt.date, confirmed_on: dt.date, la_code: str | None
) -> TimeToSupport:
    """Measure days and school days from the first day on roll to confirmation.

    Confirming before the first day counts as 0: the support was there on day one.
    """
    if confirmed_on <= starts_on:
        return TimeToSupport(0, 0)
    school_days = calendar_for(la_code).school_days_between(starts_on, confirmed_on)
    return TimeToSupport((confirmed_on - starts_on).days, school_days)


def _due_on(calendar: TermCalendar, starts_on: dt.date, school_days: int) -> dt.date:
    # Day one counts as the first of the school days, so a deadline of 5 is the end of week one.
    first = starts_on
    while not calendar.is_school_day(first):
        first += dt.timedelta(days=1)
    return calendar.add_school_days(first, school_days - 1)


def confirmation_due_on(admission: Admission) -> dt.date | None:
    """Return the last day support may be confirmed on time (the policy pack's school days), or
    None when the local authority's term dates do not reach that far."""
    try:
        return _due_on(
            calendar_for(admission.setting.local_authority.code),
            admission.starts_on,
            current_pack().transitions.support_confirmation_school_days,
        )
    except BeyondKnownCalendar:
        return None


def is_overdue(admission: Admission, on: dt.date | None = None) -> bool:
    """Return whether support is still unconfirmed after the day it was due (never, when the
    due day cannot be known)."""
    if getattr(admission, "confirmation", None) is not None:
        return False
    due_on = confirmation_due_on(admission)
    return due_on is not None and (on or today()) > due_on


def overdue_on(on: dt.date) -> Callable[[str, dt.date], bool]:
    """Return a test of whether support is overdue on `on` for an admission (by its LA's code
    and first day), working out each LA's calendar and each deadline once."""
    school_days = current_pack().transitions.support_confirmation_school_days
    calendars: dict[str, TermCalendar] = {}
    answers: dict[tuple[str, dt.date], bool] = {}

    def overdue(la_code: str, starts_on: dt.date) -> bool:
        key = (la_code, starts_on)
        if key not in answers:
            calendar = calendars.get(la_code) or calendars.setdefault(
                la_code, calendar_for(la_code)
            )
            try:
                answers[key] = on > _due_on(calendar, starts_on, school_days)
            except BeyondKnownCalendar:
                answers[key] = False  # no due day without term dates: the LA is warned instead
        return answers[key]

    return overdue
