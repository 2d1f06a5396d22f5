"""Date rules from education law that more than one room needs."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    """Return today's date in England."""
    return timezone.localdate()


def last_friday_of_june(year: int) -> dt.date:
    """Return the last Friday in June of `year`."""
    day = dt.date(year, 6, 30)
    return day - dt.timedelta(days=(day.weekday() - 4) % 7)


def add_years(day: dt.date, years: int) -> dt.date:
    """Add whole years, moving 29 February to 28 February when needed."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    """Add calendar months, keeping the day of the month where it exists."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def end_of_compulsory_school_age(date_of_birth: dt.date) -> dt.date:
    """Return the school leaving date: the last Friday in June of the school year they turn 16.

    Education Act 1996 s.8 and the Education (School Leaving Date) Order 1997. A school year runs
    from 1 September to 31 August.
    """
    sixteenth = add_years(date_of_birth, 16)
    school_year_ends = sixteenth.year + 1 if sixteenth.month >= 9 else sixteenth.year
    return last_friday_of_june(school_year_ends)


def national_curriculum_year(date_of_birth: dt.date, on: dt.date) -> int:
    """Return the year group a child of this age is normally in (Reception is 0)."""
    school_year_starts = on.year if on.month >= 9 else on.year - 1
    # A child starts Reception in the September after their fourth birthday (born Sep-Aug).
    cohort_start = date_of_birth.year + 4 if date_of_birth.month < 9 else date_of_birth.year + 5
    return school_year_starts - cohort_start
