"""School days: weekends, half terms, holidays and bank holidays do not count."""

from __future__ import annotations

import datetime as dt

import pytest

from passport.core.policy import LocalTermDates, PolicyPackError, load_policy_pack
from passport.core.schooldays import bank_holidays, calendar_for, default_term_dates

D = dt.date


def test_bank_holidays_cover_2024_to_2028_with_substitute_days():
    holidays = bank_holidays()
    assert {d.year for d in holidays} == {2024, 2025, 2026, 2027, 2028}
    assert D(2026, 12, 28) in holidays  # Boxing Day 2026 is a Saturday
    assert D(2028, 1, 3) in holidays  # 1 January 2028 is a Saturday
    assert all(d.weekday() < 5 for d in holidays)


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


def test_a_year_with_no_term_dates_counts_weekdays_that_are_not_holidays():
    calendar = calendar_for()
    assert 2031 not in default_term_dates()
    assert calendar.school_days_between(D(2031, 8, 1), D(2031, 8, 8)) == 5


def test_a_local_authoritys_own_term_dates_replace_the_defaults(settings, tmp_path):
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
