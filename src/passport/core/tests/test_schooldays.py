"""School days: weekends, half terms, holidays and bank holidays do not count."""

from __future__ import annotations

import datetime as dt

import pytest

from passport.core.policy import LocalTermDates, PolicyPackError, load_policy_pack
from passport.core.schooldays import (
    BeyondKnownCalendar,
    TermCalendar,
    bank_holidays,
    calendar_for,
    default_term_dates,
)

D = dt.date


def test_bank_holidays_come_from_govuks_list_with_substitute_days():
    holidays = bank_holidays()
    assert D(2026, 12, 28) in holidays  # Boxing Day 2026 is a Saturday
    assert D(2028, 1, 3) in holidays  # 1 January 2028 is a Saturday


def test_weekends_are_not_school_days():
    calendar = calendar_for()
    assert not calendar.is_school_day(D(2026, 1, 10))
    assert calendar.is_school_day(D(2026, 1, 12))


def test_a_week_across_the_february_half_term_counts_no_school_days():
    calendar = calendar_for()
    # Friday 13 February 2026 is the last day before half term; school starts again on the 23rd.
    assert calendar.school_days_between(D(2026, 2, 13), D(2026, 2, 22)) == 0
    assert calendar.school_days_between(D(2026, 2, 13), D(2026, 2, 23)) == 1


def test_bank_holidays_in_term_are_not_school_days():
    # 4 May 2026, Early May bank holiday, falls in the summer term.
    assert not calendar_for().is_school_day(D(2026, 5, 4))


def test_adding_school_days_skips_half_term():
    assert calendar_for().add_school_days(D(2026, 2, 11), 5) == D(2026, 2, 25)


def test_the_last_known_day_answers_and_the_next_school_day_raises():
    calendar = calendar_for()
    assert 2028 not in default_term_dates()
    # The last school year known is 2027 to 2028: its summer term ends Friday 21 July 2028.
    assert calendar.is_school_day(D(2028, 7, 21))
    assert not calendar.is_school_day(D(2028, 8, 31))  # Thursday, summer holiday, still known
    assert calendar.last_known_day == D(2028, 8, 31)
    with pytest.raises(BeyondKnownCalendar) as raised:
        calendar.is_school_day(D(2028, 9, 1))  # Friday
    assert raised.value.last_known == D(2028, 8, 31)
    assert "England's default term dates is known only up to 31 August 2028" in str(raised.value)
    with pytest.raises(BeyondKnownCalendar):
        calendar.add_school_days(D(2028, 7, 20), 5)


def test_august_counts_no_school_days():
    # Tuesday 21 July 2026 is the last day of the 2025 to 2026 year; Wednesday 2 September the
    # first of the next. Monday 31 August is the Summer bank holiday.
    calendar = calendar_for()
    assert calendar.school_days_between(D(2026, 7, 21), D(2026, 9, 1)) == 0
    assert calendar.add_school_days(D(2026, 7, 20), 2) == D(2026, 9, 2)


def test_christmas_day_is_never_a_school_day_even_inside_a_term():
    christmas_in_term = TermCalendar(
        {2026: ((D(2026, 9, 1), D(2027, 7, 20)),)}, frozenset(), name="Test"
    )
    assert not christmas_in_term.is_school_day(D(2026, 12, 25))  # Friday, no holidays listed
    assert christmas_in_term.is_school_day(D(2026, 12, 24))
    assert christmas_in_term.add_school_days(D(2026, 12, 24), 1) == D(2026, 12, 28)
    # With no term dates at all for the year (2031 to 2032), Christmas Day is still not one.
    assert not calendar_for().is_school_day(D(2031, 12, 25))


def test_a_day_before_any_known_year_raises_rather_than_guessing():
    with pytest.raises(BeyondKnownCalendar, match="has nothing for 4 March 2024"):
        calendar_for().is_school_day(D(2024, 3, 4))


@pytest.mark.django_db
def test_a_policy_packs_term_dates_still_replace_the_defaults(settings, tmp_path):
    pack = (settings.POLICY_PACK).read_text()
    pack += (
        '\n[[transitions.la_term_dates]]\nla = "801"\nschool_year_starts = 2025\n'
        "terms = [[2025-09-01, 2025-10-17], [2025-11-03, 2025-12-19]]\n"
    )
    path = tmp_path / "pack.toml"
    path.write_text(pack)
    settings.POLICY_PACK = path
    from passport.core.policy import current_pack

    current_pack.cache_clear()
    try:
        assert calendar_for("801").is_school_day(D(2025, 9, 1))
        assert not calendar_for("801").is_school_day(D(2025, 10, 20))
        assert not calendar_for().is_school_day(D(2025, 9, 1))
    finally:
        current_pack.cache_clear()


def test_a_pack_with_overlapping_local_terms_is_refused(settings, tmp_path):
    pack = settings.POLICY_PACK.read_text() + (
        '\n[[transitions.la_term_dates]]\nla = "801"\nschool_year_starts = 2025\n'
        "terms = [[2025-09-01, 2025-10-17], [2025-10-10, 2025-12-19]]\n"
    )
    path = tmp_path / "pack.toml"
    path.write_text(pack)
    with pytest.raises(PolicyPackError, match="overlaps the term before it"):
        load_policy_pack(path)


def test_local_term_dates_name_a_three_digit_la():
    with pytest.raises(ValueError):
        LocalTermDates(la="80", school_year_starts=2025, terms=[(D(2025, 9, 1), D(2025, 9, 2))])
