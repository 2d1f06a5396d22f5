"""Working days in England: weekends and England and Wales bank holidays (GOV.UK's list) excluded.

Every expected date below was worked out by hand from a calendar and gov.uk/bank-holidays."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from passport.core.working_days import (
    BANK_HOLIDAYS_FILE,
    BankHolidayFileError,
    BeyondKnownCalendar,
    add_working_days,
    bank_holidays,
    is_working_day,
    next_working_day,
    parse_bank_holidays,
)

D = dt.date


def test_the_shipped_file_is_in_govuks_published_shape():
    raw = json.loads(BANK_HOLIDAYS_FILE.read_text("utf-8"))
    assert set(raw) == {"england-and-wales", "scotland", "northern-ireland"}
    event = raw["england-and-wales"]["events"][0]
    assert set(event) == {"title", "date", "notes", "bunting"}
    known = parse_bank_holidays(raw)
    assert known.last_known == D(2028, 12, 31)


def test_substitute_days_and_one_off_holidays_are_listed():
    holidays = bank_holidays()
    assert D(2026, 12, 28) in holidays  # Boxing Day 2026 is a Saturday
    assert D(2027, 12, 27) in holidays and D(2027, 12, 28) in holidays  # Sat and Sun
    assert D(2028, 1, 3) in holidays  # 1 January 2028 is a Saturday
    assert D(2022, 9, 19) in holidays  # State funeral of Queen Elizabeth II
    assert D(2023, 5, 8) in holidays  # Coronation of King Charles III
    assert D(2020, 5, 8) in holidays and D(2020, 5, 4) not in holidays  # VE day moved it
    assert all(day.weekday() < 5 for day in holidays)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 12, 24), True),  # Thursday
        (D(2026, 12, 25), False),  # Christmas Day, Friday
        (D(2026, 12, 26), False),  # Saturday
        (D(2026, 12, 28), False),  # Boxing Day (substitute day), Monday
        (D(2026, 12, 29), True),
        (D(2027, 3, 26), False),  # Good Friday
        (D(2026, 8, 31), False),  # Summer bank holiday
        (D(2026, 8, 27), True),  # August is not a holiday for working days
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_next_working_day_skips_christmas_and_the_weekend():
    # Christmas 2027: Sat 25 and Sun 26 with substitutes Mon 27 and Tue 28.
    assert next_working_day(D(2027, 12, 24)) == D(2027, 12, 29)
    # New Year 2028: Sat 1 with a substitute on Mon 3.
    assert next_working_day(D(2027, 12, 31)) == D(2028, 1, 4)
    assert next_working_day(D(2026, 4, 2)) == D(2026, 4, 7)  # Easter 2026


def test_add_working_days_across_christmas():
    # From Wed 23 Dec 2026: Thu 24 (1), [Fri 25, Sat, Sun, Mon 28 off], Tue 29 (2), Wed 30 (3).
    assert add_working_days(D(2026, 12, 23), 3) == D(2026, 12, 30)
    assert add_working_days(D(2026, 12, 30), -3) == D(2026, 12, 23)
    assert add_working_days(D(2026, 12, 26), 0) == D(2026, 12, 26)


def test_the_last_known_day_answers_and_the_day_after_raises():
    assert is_working_day(D(2028, 12, 29)) is True  # Friday
    with pytest.raises(BeyondKnownCalendar, match="31 December 2028") as raised:
        is_working_day(D(2029, 1, 1))
    assert raised.value.last_known == D(2028, 12, 31)
    with pytest.raises(BeyondKnownCalendar):
        add_working_days(D(2028, 12, 28), 5)


def _file(events):
    return {
        "england-and-wales": {"division": "england-and-wales", "events": events},
        "scotland": {"division": "scotland", "events": []},
        "northern-ireland": {"division": "northern-ireland", "events": []},
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "JSON object keyed by division"),
        ({"england-and-wales": {"events": []}}, 'no "england-and-wales" division'),
        (_file([{"title": "x", "date": "2029-01-01"}]), "title, date, notes and bunting"),
        (
            _file([{"title": "x", "date": "1/1/2029", "notes": "", "bunting": True}]),
            "not YYYY-MM-DD",
        ),
        (_file([]), "no bank holidays for England and Wales"),
        (
            _file(
                [
                    {"title": "a", "date": "2027-01-01", "notes": "", "bunting": True},
                    {"title": "b", "date": "2029-01-01", "notes": "", "bunting": True},
                ]
            ),
            "no England and Wales bank holidays in 2028",
        ),
    ],
)
def test_a_file_of_the_wrong_shape_is_refused(raw, message):
    with pytest.raises(BankHolidayFileError, match=message):
        parse_bank_holidays(raw)
