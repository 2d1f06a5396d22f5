"""School days: term dates per school year and local authority, weekends and bank holidays.

England's default term dates are in core/data/term_dates_england.toml. A local authority's own
term dates are kept in the service (organisations.SchoolTerm, managed on the LA's term dates
page); the organisations room registers how to read them when the service starts
(`set_local_term_dates_source`), because core sits below every room and cannot import them.
The policy pack's [[transitions.la_term_dates]] is still read, below the service's own dates, so a
pack written before the term dates page keeps working. Bank holidays are GOV.UK's list
(`core.working_days`).

A calendar knows the school years it has term dates for. Asking it about a day outside them
raises `BeyondKnownCalendar` naming the calendar and its last known day: counting every weekday
as a school day past the end, as this once did, made statutory clocks silently wrong.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from passport.core.policy import current_pack
from passport.core.working_days import (
    DATA_DIR,
    BeyondKnownCalendar,
    bank_holidays,
    known_bank_holidays,
)

__all__ = [
    "BeyondKnownCalendar",
    "TermCalendar",
    "bank_holidays",
    "calendar_for",
    "default_term_dates",
    "school_year_starting",
    "set_local_term_dates_source",
]

Term = tuple[dt.date, dt.date]
TermsByYear = dict[int, tuple[Term, ...]]
LocalTermDatesSource = Callable[[str], tuple[str, TermsByYear]]
DAY = dt.timedelta(days=1)

_local_term_dates_source: list[LocalTermDatesSource] = []


def set_local_term_dates_source(source: LocalTermDatesSource) -> None:
    """Register how to read a local authority's own term dates: given its code, return its name
    and its terms by school year (the organisations room registers this at start-up)."""
    _local_term_dates_source[:] = [source]


def school_year_starting(day: dt.date) -> int:
    """Return the calendar year in which the school year holding `day` began (1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_label(starts: int) -> str:
    return f"{starts} to {starts + 1}"


def is_christmas_day(day: dt.date) -> bool:
    return day.month == 12 and day.day == 25


@cache
def default_term_dates() -> TermsByYear:
    """Return the English default terms, by the year each school year starts."""
    raw = tomllib.loads((DATA_DIR / "term_dates_england.toml").read_text("utf-8"))
    return {year["starts"]: tuple((a, b) for a, b in year["terms"]) for year in raw["year"]}


@dataclass(frozen=True)
class TermCalendar:
    """The school days of one local authority (or England's defaults)."""

    terms_by_year: TermsByYear
    holidays: frozenset[dt.date]
    name: str = "England's default term dates"
    la_code: str | None = None
    last_bank_holiday_known: dt.date = field(
        default_factory=lambda: known_bank_holidays().last_known
    )

    @property
    def last_known_day(self) -> dt.date:
        """The last day the calendar can answer for: 31 August of its last school year with term
        dates, or the end of the bank holiday list if that comes first."""
        if not self.terms_by_year:
            return dt.date.min
        end_of_year = dt.date(max(self.terms_by_year) + 1, 8, 31)
        return min(end_of_year, self.last_bank_holiday_known)

    def is_school_day(self, day: dt.date) -> bool:
        """Return whether children are normally in school on `day`.

        Raises `BeyondKnownCalendar` when the calendar has no term dates for its school year.
        """
        if day.weekday() >= 5 or is_christmas_day(day):
            return False
        terms = self.terms_by_year.get(school_year_starting(day))
        if terms is None:
            raise BeyondKnownCalendar(self.name, self._last_known_before(day), day)
        if day > self.last_bank_holiday_known:
            raise BeyondKnownCalendar(
                f"{self.name}, with England and Wales's bank holiday list,",
                self.last_bank_holiday_known,
                day,
            )
        if day in self.holidays:
            return False
        return any(first <= day <= last for first, last in terms)

    def _last_known_before(self, day: dt.date) -> dt.date:
        years = [year for year in self.terms_by_year if dt.date(year + 1, 8, 31) < day]
        if not years:
            return self.last_known_day
        return min(dt.date(max(years) + 1, 8, 31), self.last_bank_holiday_known)

    def school_days_between(self, start: dt.date, end: dt.date) -> int:
        """Count the school days after `start` up to and including `end` (0 if end <= start)."""
        count = 0
        day = start + DAY
        while day <= end:
            count += self.is_school_day(day)
            day += DAY
        return count

    def add_school_days(self, start: dt.date, school_days: int) -> dt.date:
        """Return the day `school_days` school days after `start`."""
        day, left = start, school_days
        while left > 0:
            day += DAY
            left -= self.is_school_day(day)
        return day


# Calendars built during one request (or since term dates last changed): a page listing 30
# arrivals asks for its LA's calendar 30 times, and each build reads the LA's terms.
_calendars: dict[str | None, TermCalendar] = {}


def forget_calendars(*args: object, **kwargs: object) -> None:
    """Drop the calendars built so far: called when a request starts and when any local
    authority's term dates change, so a calendar is never older than the request using it."""
    _calendars.clear()


def calendar_for(la_code: str | None = None) -> TermCalendar:
    """Return the term calendar for a local authority: its own term dates kept in the service,
    then the policy pack's, then England's defaults, school year by school year."""
    calendar = _calendars.get(la_code)
    if calendar is None:
        calendar = _calendars[la_code] = _build_calendar(la_code)
    return calendar


def _build_calendar(la_code: str | None) -> TermCalendar:
    terms = dict(default_term_dates())
    if not la_code:
        return TermCalendar(terms, bank_holidays())
    name = f"Local authority {la_code}'s term dates"
    for local in current_pack().transitions.la_term_dates:
        if local.la == la_code:
            terms[local.school_year_starts] = tuple(local.terms)
    for source in _local_term_dates_source:
        la_name, own = source(la_code)
        terms.update(own)
        name = f"{la_name}'s term dates (local authority {la_code})"
    return TermCalendar(terms, bank_holidays(), name=name, la_code=la_code)
