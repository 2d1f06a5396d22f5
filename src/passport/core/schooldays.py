"""School days: term dates per school year and local authority, weekends and bank holidays.

The English defaults are in core/data/term_dates_england.toml; a local authority's own term
dates for a year come from the policy pack ([[transitions.la_term_dates]]). Bank holidays in
England and Wales come from core/data/bank_holidays_england_and_wales.toml (gov.uk/bank-holidays).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from passport.core.policy import current_pack

DATA_DIR = Path(__file__).resolve().parent / "data"
Term = tuple[dt.date, dt.date]


def school_year_starting(day: dt.date) -> int:
    """Return the calendar year in which the school year holding `day` began (1 September)."""
    return day.year if day.month >= 9 else day.year - 1


@cache
def bank_holidays() -> frozenset[dt.date]:
    """Return the bank holidays in England and Wales that the data file lists."""
    raw = tomllib.loads((DATA_DIR / "bank_holidays_england_and_wales.toml").read_text("utf-8"))
    return frozenset(holiday["date"] for holiday in raw["holiday"])


@cache
def default_term_dates() -> dict[int, tuple[Term, ...]]:
    """Return the English default terms, by the year each school year starts."""
    raw = tomllib.loads((DATA_DIR / "term_dates_england.toml").read_text("utf-8"))
    return {year["starts"]: tuple((a, b) for a, b in year["terms"]) for year in raw["year"]}


@dataclass(frozen=True)
class TermCalendar:
    """The school days of one local authority (or England's defaults)."""

    terms_by_year: dict[int, tuple[Term, ...]]
    holidays: frozenset[dt.date]

    def is_school_day(self, day: dt.date) -> bool:
        """Return whether children are normally in school on `day`."""
        if day.weekday() >= 5 or day in self.holidays:
            return False
        terms = self.terms_by_year.get(school_year_starting(day))
        if terms is None:
            return True  # no term dates for that year: every weekday that is not a holiday
        return any(first <= day <= last for first, last in terms)

    def school_days_between(self, start: dt.date, end: dt.date) -> int:
        """Count the school days after `start` up to and including `end` (0 if end <= start)."""
        count = 0
        day = start + dt.timedelta(days=1)
        while day <= end:
            count += self.is_school_day(day)
            day += dt.timedelta(days=1)
        return count

    def add_school_days(self, start: dt.date, school_days: int) -> dt.date:
        """Return the day `school_days` school days after `start`."""
        day, left = start, school_days
        while left > 0:
            day += dt.timedelta(days=1)
            left -= self.is_school_day(day)
        return day


def calendar_for(la_code: str | None = None) -> TermCalendar:
    """Return the term calendar for a local authority: its own years from the policy pack, the
    English defaults for the rest."""
    terms = dict(default_term_dates())
    if la_code:
        for local in current_pack().transitions.la_term_dates:
            if local.la == la_code:
                terms[local.school_year_starts] = tuple(local.terms)
    return TermCalendar(terms, bank_holidays())
