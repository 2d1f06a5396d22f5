"""Plausible dates for a child's record, the same on every page, in the API and in CTF imports.

The windows come from the policy pack (`plausible_dates`): a date of birth within the years the
SEND system covers, and a start date not absurdly far back or ahead.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from passport.core.dates import add_years, today
from passport.core.policy import current_pack


def _long(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


def earliest_date_of_birth(on: dt.date | None = None) -> dt.date:
    """Return the earliest date of birth of someone the service is for, on a day (today)."""
    day = on or today()
    years = current_pack().plausible_dates.oldest_age_years
    return add_years(day, -years) + dt.timedelta(days=1)


def check_date_of_birth(value: dt.date, *, on: dt.date | None = None) -> None:
    """Refuse a date of birth in the future, or of someone too old for the service."""
    day = on or today()
    if value > day:
        raise ValidationError("Date of birth must be today or in the past", code="future")
    earliest = earliest_date_of_birth(day)
    if value < earliest:
        years = current_pack().plausible_dates.oldest_age_years
        raise ValidationError(
            f"Date of birth must be on or after {_long(earliest)}: the service is for children "
            f"and young people under {years}",
            code="too_old",
        )


def check_start_date(
    value: dt.date, *, subject: str = "Start date", on: dt.date | None = None
) -> None:
    """Refuse a start date further back than any child's birth or too far ahead."""
    day = on or today()
    latest = day + dt.timedelta(days=current_pack().plausible_dates.start_date_days_ahead)
    if value > latest:
        raise ValidationError(f"{subject} must be on or before {_long(latest)}", code="too_late")
    earliest = earliest_date_of_birth(day)
    if value < earliest:
        raise ValidationError(f"{subject} must be on or after {_long(earliest)}", code="too_early")
