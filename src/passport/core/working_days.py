"""Working days in England: not a Saturday or Sunday, and not a bank holiday in England and Wales.

The bank holidays are GOV.UK's own list (https://www.gov.uk/bank-holidays.json), shipped in the
repository as core/data/bank-holidays.json in its published shape and replaced by
`passport calendar update-bank-holidays FILE`. The list covers whole calendar years; asking about
a day outside them raises `BeyondKnownCalendar` rather than guessing, because a missing bank
holiday silently moves a statutory deadline.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

DATA_DIR = Path(__file__).resolve().parent / "data"
BANK_HOLIDAYS_FILE = DATA_DIR / "bank-holidays.json"
DIVISION = "england-and-wales"
DIVISIONS = ("england-and-wales", "scotland", "northern-ireland")
DAY = dt.timedelta(days=1)


class BeyondKnownCalendar(LookupError):
    """A day was asked about that the calendar does not know: counting on would be a guess."""

    def __init__(self, calendar: str, last_known: dt.date, asked: dt.date) -> None:
        self.calendar = calendar
        self.last_known = last_known
        self.asked = asked
        if asked > last_known:
            message = (
                f"{calendar} is known only up to {last_known:%-d %B %Y}; "
                f"{asked:%-d %B %Y} is beyond it"
            )
        else:
            message = f"{calendar} has nothing for {asked:%-d %B %Y}"
        super().__init__(message)


class BankHolidayFileError(ValueError):
    """A bank-holidays file that is not in GOV.UK's published shape."""


@dataclass(frozen=True)
class BankHolidays:
    """England and Wales's bank holidays and the whole years the list covers."""

    dates: frozenset[dt.date]
    first_known: dt.date
    last_known: dt.date


def parse_bank_holidays(raw: Any) -> BankHolidays:
    """Check a decoded bank-holidays.json and return England and Wales's holidays.

    The shape is GOV.UK's: {"england-and-wales": {"division": ..., "events": [{"title", "date",
    "notes", "bunting"}, ...]}, "scotland": ..., "northern-ireland": ...}.
    """
    if not isinstance(raw, dict):
        raise BankHolidayFileError("the file must be a JSON object keyed by division")
    for division in DIVISIONS:
        part = raw.get(division)
        if not isinstance(part, dict) or part.get("division") != division:
            raise BankHolidayFileError(
                f'the file has no "{division}" division with "division": "{division}"'
            )
        if not isinstance(part.get("events"), list):
            raise BankHolidayFileError(f'the "{division}" division has no list of "events"')
    dates: set[dt.date] = set()
    for number, event in enumerate(raw[DIVISION]["events"], start=1):
        if not isinstance(event, dict) or not {"title", "date", "notes", "bunting"} <= set(event):
            raise BankHolidayFileError(
                f"England and Wales event {number} must have title, date, notes and bunting"
            )
        try:
            day = dt.date.fromisoformat(str(event["date"]))
        except ValueError:
            raise BankHolidayFileError(
                f'England and Wales event {number} has date "{event["date"]}", not YYYY-MM-DD'
            ) from None
        dates.add(day)
    if not dates:
        raise BankHolidayFileError("the file lists no bank holidays for England and Wales")
    years = {day.year for day in dates}
    missing = set(range(min(years), max(years) + 1)) - years
    if missing:
        raise BankHolidayFileError(
            f"the file has no England and Wales bank holidays in {', '.join(map(str, missing))}"
        )
    return BankHolidays(frozenset(dates), dt.date(min(years), 1, 1), dt.date(max(years), 12, 31))


def bank_holidays_file() -> Path:
    return Path(getattr(settings, "BANK_HOLIDAYS_FILE", BANK_HOLIDAYS_FILE))


@cache
def known_bank_holidays() -> BankHolidays:
    """Return the shipped list (read once; `passport calendar update-bank-holidays` resets it)."""
    return parse_bank_holidays(json.loads(bank_holidays_file().read_text("utf-8")))


def bank_holidays() -> frozenset[dt.date]:
    """Return the bank holidays in England and Wales that GOV.UK's list holds."""
    return known_bank_holidays().dates


def _known(day: dt.date) -> None:
    known = known_bank_holidays()
    if day > known.last_known:
        raise BeyondKnownCalendar("England and Wales's bank holiday list", known.last_known, day)
    if day < known.first_known:
        raise BeyondKnownCalendar(
            f"England and Wales's bank holiday list (which starts {known.first_known:%-d %B %Y})",
            known.last_known,
            day,
        )


def is_working_day(day: dt.date) -> bool:
    """Return whether `day` is a weekday that is not a bank holiday in England and Wales.

    Christmas Day and Good Friday are bank holidays in England and Wales by common law rather than
    the Banking and Financial Dealings Act 1971, and GOV.UK's list includes them.
    Raises `BeyondKnownCalendar` for a day outside the years the list covers.
    """
    _known(day)
    return day.weekday() < 5 and day not in bank_holidays()


def next_working_day(day: dt.date) -> dt.date:
    """Return the first working day after `day`."""
    day += DAY
    while not is_working_day(day):
        day += DAY
    return day


def add_working_days(day: dt.date, working_days: int) -> dt.date:
    """Return the day `working_days` working days after `day` (`day` itself when 0).

    The count starts the day after `day`, whatever `day` is; a negative count goes back.
    """
    step = DAY if working_days >= 0 else -DAY
    left = abs(working_days)
    while left > 0:
        day += step
        left -= is_working_day(day)
    return day


def replace_bank_holidays(text: str) -> tuple[BankHolidays, BankHolidays]:
    """Check a downloaded bank-holidays.json and put it in place of the shipped list.

    Returns the list before and after. Raises BankHolidayFileError, changing nothing, when the
    text is not GOV.UK's shape.
    """
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BankHolidayFileError(f"the file is not JSON ({exc.msg}, line {exc.lineno})") from None
    new = parse_bank_holidays(raw)
    old = known_bank_holidays()
    target = bank_holidays_file()
    staged = target.with_name(target.name + ".new")
    staged.write_text(json.dumps(raw, ensure_ascii=False, indent=2) + "\n", "utf-8")
    staged.replace(target)  # atomic on one file system: readers see the old or the new list
    known_bank_holidays.cache_clear()
    return old, new
