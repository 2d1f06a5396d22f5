"""A local authority's own term dates: imported from CSV, counted by the school-day clock, and
warned about before they run out. Expected dates are worked out by hand from a calendar."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from passport.core.schooldays import BeyondKnownCalendar, calendar_for
from passport.core.working_days import BANK_HOLIDAYS_FILE, is_working_day, known_bank_holidays
from passport.organisations.models import SchoolTerm
from passport.organisations.services.term_dates import (
    TermDatesFileError,
    calendars_running_out,
    import_term_dates,
    terms_as_csv,
)
from passport.testing.factories import local_authority

pytestmark = pytest.mark.django_db
D = dt.date

# Bristol's 2028 to 2029 year as a local authority might publish it.
YEAR_2028 = """school_year,term,first_day,last_day
2028/29,1,2028-09-05,2028-10-20
2028/29,2,2028-10-30,2028-12-20
2028/29,3,04/01/2029,2029-02-09
2028/29,4,2029-02-19,2029-03-29
2028/29,5,2029-04-16,2029-05-25
2028/29,6,2029-06-04,2029-07-20
"""


@pytest.fixture
def bank_holidays_to_2029(settings, tmp_path):
    """GOV.UK's list with 2029 added, as the next published file will have it."""
    raw = json.loads(BANK_HOLIDAYS_FILE.read_text("utf-8"))
    for day, title in [
        ("2029-01-01", "New Year\u2019s Day"),
        ("2029-03-30", "Good Friday"),
        ("2029-04-02", "Easter Monday"),
        ("2029-05-07", "Early May bank holiday"),
        ("2029-05-28", "Spring bank holiday"),
        ("2029-08-27", "Summer bank holiday"),
        ("2029-12-25", "Christmas Day"),
        ("2029-12-26", "Boxing Day"),
    ]:
        raw["england-and-wales"]["events"].append(
            {"title": title, "date": day, "notes": "", "bunting": True}
        )
    path = tmp_path / "bank-holidays.json"
    path.write_text(json.dumps(raw))
    settings.BANK_HOLIDAYS_FILE = path
    known_bank_holidays.cache_clear()
    yield path
    known_bank_holidays.cache_clear()


def test_imported_terms_extend_the_calendar_past_englands_defaults(bank_holidays_to_2029):
    bristol = local_authority("801")
    with pytest.raises(BeyondKnownCalendar, match="31 August 2028"):
        calendar_for("801").is_school_day(D(2028, 9, 5))

    done = import_term_dates(bristol, YEAR_2028)

    assert done.school_years == [2028] and done.terms == 6
    calendar = calendar_for("801")
    assert "Bristol" in calendar.name
    assert calendar.last_known_day == D(2029, 8, 31)
    assert not calendar.is_school_day(D(2028, 9, 4))  # Monday before term 1
    assert calendar.is_school_day(D(2028, 9, 5))
    assert not calendar.is_school_day(D(2028, 10, 23))  # half term
    assert not calendar.is_school_day(D(2028, 12, 25))  # Christmas Day
    # Term 2 ends Wednesday 20 December; term 3 starts Thursday 4 January (from 04/01/2029).
    assert calendar.add_school_days(D(2028, 12, 20), 1) == D(2029, 1, 4)
    # Good Friday 30 March and Easter Monday 2 April 2029 fall in the Easter holiday anyway;
    # Early May bank holiday, Monday 7 May 2029, is in term 5 and not a school day.
    assert not calendar.is_school_day(D(2029, 5, 7))
    assert calendar.add_school_days(D(2029, 5, 4), 1) == D(2029, 5, 8)
    # Another LA still stops at England's defaults.
    with pytest.raises(BeyondKnownCalendar):
        calendar_for("802").is_school_day(D(2028, 9, 5))


def test_without_the_next_bank_holiday_list_the_calendar_stops_at_its_end():
    import_term_dates(local_authority("801"), YEAR_2028)
    calendar = calendar_for("801")
    assert calendar.last_known_day == D(2028, 12, 31)
    assert calendar.is_school_day(D(2028, 12, 20))
    with pytest.raises(
        BeyondKnownCalendar,
        match=r"Bristol.*bank holiday list, is known only up to 31 December 2028",
    ):
        calendar.is_school_day(D(2029, 1, 4))


def test_a_file_replaces_only_the_years_it_names():
    bristol = local_authority("801")
    import_term_dates(bristol, YEAR_2028)
    import_term_dates(
        bristol,
        "school_year,term,first_day,last_day\n2027,1,2027-09-06,2027-12-17\n"
        "2027,2,2028-01-04,2028-07-21\n",
    )
    assert SchoolTerm.objects.filter(local_authority=bristol, school_year_starts=2028).count() == 6
    assert SchoolTerm.objects.filter(local_authority=bristol, school_year_starts=2027).count() == 2
    # Own dates replace England's defaults for 2027 to 2028: no half term in October now.
    assert calendar_for("801").is_school_day(D(2027, 10, 27))
    assert not calendar_for("802").is_school_day(D(2027, 10, 27))
    # The same file again changes nothing.
    import_term_dates(bristol, YEAR_2028)
    assert SchoolTerm.objects.filter(local_authority=bristol).count() == 8
    assert terms_as_csv(bristol).splitlines()[1] == "2027/28,1,2027-09-06,2027-12-17"


def test_every_bad_row_is_named_and_nothing_is_changed():
    bristol = local_authority("801")
    text = (
        "school_year,term,first_day,last_day\n"
        "2028/29,1,2028-09-05,2028-10-20\n"
        "2028/30,2,2028-10-30,2028-12-20\n"
        "2028,3,2029-01-04,2028-12-01\n"
        "2028,4,31/02/2029,2029-03-29\n"
        "2028,7,2029-04-16,2029-05-25\n"
        "2028,1,2028-09-05,2028-10-20\n"
        "2029,1,2029-08-20,2029-10-19\n"
    )
    with pytest.raises(TermDatesFileError) as refused:
        import_term_dates(bristol, text)
    assert refused.value.problems == [
        'Row 3: school year "2028/30" does not run from one year into the next',
        "Row 4: the term ends before it starts",
        'Row 5: first_day "31/02/2029" is not a date like 2028-09-04 or 04/09/2028',
        'Row 6: term "7" is not a number from 1 to 6',
        "Row 7: term 1 of 2028 to 2029 is given twice",
        "Row 8: the term is not inside the school year 2029 to 2030 "
        "(1 September 2029 to 31 August 2030)",
    ]
    assert not SchoolTerm.objects.exists()


def test_overlapping_or_missing_terms_in_a_year_are_refused():
    with pytest.raises(TermDatesFileError) as refused:
        import_term_dates(
            local_authority("801"),
            "school_year,term,first_day,last_day\n2028,1,2028-09-05,2028-10-20\n"
            "2028,2,2028-10-13,2028-12-20\n2029,1,2029-09-05,2029-10-20\n"
            "2029,3,2030-01-07,2030-02-08\n",
        )
    assert refused.value.problems == [
        "2028 to 2029: term 2 starts before term 1 ends",
        "2029 to 2030: number the terms 1, 2, 3... with none missing",
    ]


def test_a_file_without_the_columns_is_refused():
    with pytest.raises(TermDatesFileError, match="school_year,term,first_day,last_day"):
        import_term_dates(local_authority("801"), "year,start,end\n2028,2028-09-05,2028-10-20\n")


def test_operators_are_warned_six_months_before_a_calendar_runs_out(bank_holidays_to_2029):
    bristol = local_authority("801")
    # 1 March 2028: England's defaults end 31 August 2028, six months on.
    found = calendars_running_out(D(2028, 3, 1))
    assert [(f.calendar, f.last_known_day) for f in found] == [
        ("England's default term dates", D(2028, 8, 31))
    ]
    assert "801" in found[0].local_authorities
    assert calendars_running_out(D(2028, 2, 28)) == []  # more than six months away

    import_term_dates(bristol, YEAR_2028)
    found = calendars_running_out(D(2028, 3, 1))
    assert "801" not in found[0].local_authorities
    # On 1 April 2029 Bristol's own dates (to 31 August 2029) are within six months too.
    later = calendars_running_out(D(2029, 4, 1))
    assert ("Bristol, City of's term dates (local authority 801)", D(2029, 8, 31)) in [
        (f.calendar, f.last_known_day) for f in later
    ]


def test_passport_check_warns_when_the_bank_holiday_list_has_run_out(settings, tmp_path):
    raw = json.loads(BANK_HOLIDAYS_FILE.read_text("utf-8"))
    ending = dt.date.today().year - 1
    raw["england-and-wales"]["events"] = [
        e for e in raw["england-and-wales"]["events"] if int(e["date"][:4]) <= ending
    ]
    path = tmp_path / "bank-holidays.json"
    path.write_text(json.dumps(raw))
    settings.BANK_HOLIDAYS_FILE = path
    known_bank_holidays.cache_clear()
    try:
        out = StringIO()
        call_command("check", stdout=out, stderr=out)
    finally:
        known_bank_holidays.cache_clear()
    printed = out.getvalue()
    assert "organisations.W001" in printed
    assert f"England and Wales's bank holiday list ran out on 31 December {ending}" in printed
    assert "passport calendar update-bank-holidays FILE" in printed


def test_update_bank_holidays_replaces_the_list_and_refuses_the_wrong_shape(
    settings, tmp_path, bank_holidays_to_2029
):
    installed = tmp_path / "installed.json"
    installed.write_text(BANK_HOLIDAYS_FILE.read_text("utf-8"))
    settings.BANK_HOLIDAYS_FILE = installed
    known_bank_holidays.cache_clear()
    with pytest.raises(BeyondKnownCalendar):
        is_working_day(D(2029, 1, 1))

    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"england-and-wales": [{"date": "2029-01-01"}]}))
    with pytest.raises(CommandError, match='no "england-and-wales" division'):
        call_command("calendar", "update-bank-holidays", str(wrong))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CommandError, match="not JSON"):
        call_command("calendar", "update-bank-holidays", str(broken))
    assert installed.read_text("utf-8") == BANK_HOLIDAYS_FILE.read_text("utf-8")

    out = StringIO()
    call_command("calendar", "update-bank-holidays", str(bank_holidays_to_2029), stdout=out)
    assert "known from 1 January 2018 to 31 December 2029" in out.getvalue()
    assert is_working_day(D(2029, 1, 1)) is False  # New Year's Day 2029, a Monday
    assert is_working_day(D(2029, 1, 2)) is True


def test_term_dates_import_from_the_command_line(tmp_path):
    path = tmp_path / "terms.csv"
    path.write_text(YEAR_2028)
    out = StringIO()
    call_command("calendar", "import-term-dates", "--la", "801", str(path), stdout=out)
    assert "Imported 6 terms for Bristol" in out.getvalue()
    path.write_text("school_year,term,first_day,last_day\n2028,1,2028-10-20,2028-09-05\n")
    with pytest.raises(CommandError, match="Row 2: the term ends before it starts"):
        call_command("calendar", "import-term-dates", "--la", "801", str(path))
