"""`passport check`: warn operators six months before a school-day calendar runs out.

A statutory clock counted in school days (the record transfer, support in place) refuses to count
past the last day its calendar knows; these warnings come early enough for the local authority to
add next year's term dates (its term dates page) or the operator to load GOV.UK's new bank holiday
list (`passport calendar update-bank-holidays FILE`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Warning, register
from django.db import DatabaseError

from passport.core.dates import today
from passport.organisations.services.term_dates import (
    BANK_HOLIDAYS,
    WARN_MONTHS,
    calendars_running_out,
)

SHOWN_CODES = 10


@register()
def calendars_do_not_run_out(
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    """Warn for each calendar whose last known day is within six months."""
    on = today()
    try:
        running_out = calendars_running_out(on)
    except DatabaseError:
        return []  # before `passport migrate` there are no term dates to check
    warnings: list[CheckMessage] = []
    for found in running_out:
        codes = found.local_authorities
        who = ""
        if codes:
            shown = ", ".join(codes[:SHOWN_CODES])
            more = f" and {len(codes) - SHOWN_CODES} more" if len(codes) > SHOWN_CODES else ""
            who = f" (used by local authorities {shown}{more})"
        if found.calendar != BANK_HOLIDAYS:
            hint = (
                "Each local authority adds the next school year's terms on its term dates page "
                "(/term-dates/), or imports them as CSV."
            )
        else:
            hint = (
                "Download https://www.gov.uk/bank-holidays.json and run "
                "`passport calendar update-bank-holidays FILE`."
            )
        when = (
            f"ran out on {found.last_known_day:%-d %B %Y}"
            if found.last_known_day < on
            else f"runs out on {found.last_known_day:%-d %B %Y}, within {WARN_MONTHS} months"
        )
        warnings.append(
            Warning(
                f"{found.calendar}{who} {when}: clocks counted in school or working days "
                "stop counting after it.",
                hint=hint,
                id="organisations.W001",
            )
        )
    return warnings
