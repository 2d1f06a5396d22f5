"""Local authorities' own term dates: read for the school-day clock, imported from CSV, and
checked for running out.

The CSV has a header row `school_year,term,first_day,last_day` (docs/term-dates.md): the school
year as its starting year (2028) or both years (2028/29 or 2028 to 2029), the term's number 1 to
6, and its first and last days (2028-09-04 or 04/09/2028), both inclusive. A file replaces the
local authority's terms for each school year it names, and nothing else; one bad row refuses the
whole file, with every problem listed by row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from passport.core.schooldays import (
    TermsByYear,
    calendar_for,
    default_term_dates,
    forget_calendars,
    school_year_label,
)
from passport.core.working_days import known_bank_holidays
from passport.organisations.models import LocalAuthority, SchoolTerm

COLUMNS = ("school_year", "term", "first_day", "last_day")
MAX_TERMS = 6
MAX_ROWS = 600
SCHOOL_YEAR = re.compile(r"^(\d{4})(?:\s*(?:/|-|to)\s*(\d{2}|\d{4}))?$")
WARN_MONTHS = 6
BANK_HOLIDAYS = "England and Wales's bank holiday list"


class TermDatesFileError(ValueError):
    """A term dates file that was refused, with every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class TermDatesImport:
    """What an import changed: the school years replaced and how many terms they now hold."""

    school_years: list[int]
    terms: int


def local_terms(la_code: str) -> tuple[str, TermsByYear]:
    """Return a local authority's name and its own terms by school year (none if it set none)."""
    terms: defaultdict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    name = la_code
    for term in SchoolTerm.objects.filter(local_authority__code=la_code).select_related(
        "local_authority"
    ):
        name = term.local_authority.name
        terms[term.school_year_starts].append((term.first_day, term.last_day))
    if not terms:
        found = LocalAuthority.objects.filter(code=la_code).values_list("name", flat=True).first()
        name = found or la_code
    return name, {year: tuple(sorted(days)) for year, days in terms.items()}


def _school_year(text: str) -> int:
    match = SCHOOL_YEAR.match(text.strip())
    if not match:
        raise ValueError(f'school year "{text}" is not a year like 2028 or 2028/29')
    starts = int(match.group(1))
    if match.group(2) and int(match.group(2)) % 100 != (starts + 1) % 100:
        raise ValueError(f'school year "{text}" does not run from one year into the next')
    if not 2000 <= starts <= 2100:
        raise ValueError(f'school year "{text}" is not between 2000 and 2100')
    return starts


def _day(text: str, column: str) -> dt.date:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f'{column} "{text}" is not a date like 2028-09-04 or 04/09/2028')


def _read_rows(text: str) -> tuple[dict[tuple[int, int], tuple[dt.date, dt.date]], list[str]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        return {}, [f"The first row must name the columns {','.join(COLUMNS)}"]
    reader.fieldnames = header
    rows: dict[tuple[int, int], tuple[dt.date, dt.date]] = {}
    problems: list[str] = []
    for row_number, row in enumerate(reader, start=2):
        if row_number > MAX_ROWS + 1:
            problems.append(f"The file has more than {MAX_ROWS} terms")
            break
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        try:
            year = _school_year(row["school_year"] or "")
            number_text = (row["term"] or "").strip()
            if not number_text.isdigit() or not 1 <= int(number_text) <= MAX_TERMS:
                raise ValueError(f'term "{number_text}" is not a number from 1 to {MAX_TERMS}')
            number = int(number_text)
            first = _day(row["first_day"] or "", "first_day")
            last = _day(row["last_day"] or "", "last_day")
        except ValueError as exc:
            problems.append(f"Row {row_number}: {exc}")
            continue
        if last < first:
            problems.append(f"Row {row_number}: the term ends before it starts")
        elif not (dt.date(year, 9, 1) <= first and last <= dt.date(year + 1, 8, 31)):
            problems.append(
                f"Row {row_number}: the term is not inside the school year "
                f"{school_year_label(year)} (1 September {year} to 31 August {year + 1})"
            )
        elif (year, number) in rows:
            problems.append(
                f"Row {row_number}: term {number} of {school_year_label(year)} is given twice"
            )
        else:
            rows[(year, number)] = (first, last)
    return rows, problems


def _check_years(rows: dict[tuple[int, int], tuple[dt.date, dt.date]]) -> list[str]:
    problems = []
    for year in sorted({year for year, _ in rows}):
        numbers = sorted(number for y, number in rows if y == year)
        if numbers != list(range(1, len(numbers) + 1)):
            problems.append(
                f"{school_year_label(year)}: number the terms 1, 2, 3... with none missing"
            )
            continue
        previous: tuple[dt.date, dt.date] | None = None
        for number in numbers:
            first, _last = rows[(year, number)]
            if previous is not None and first <= previous[1]:
                problems.append(
                    f"{school_year_label(year)}: term {number} starts before term {number - 1} ends"
                )
            previous = rows[(year, number)]
    return problems


def import_term_dates(la: LocalAuthority, text: str) -> TermDatesImport:
    """Replace the local authority's terms for every school year the CSV names.

    Raises TermDatesFileError, changing nothing, when any row is wrong.
    """
    rows, problems = _read_rows(text)
    problems += _check_years(rows)
    if not rows and not problems:
        problems.append("The file has no terms in it")
    if problems:
        raise TermDatesFileError(problems)
    years = sorted({year for year, _ in rows})
    with transaction.atomic():
        LocalAuthority.objects.select_for_update().filter(pk=la.pk).first()
        SchoolTerm.objects.filter(local_authority=la, school_year_starts__in=years).delete()
        SchoolTerm.objects.bulk_create(
            SchoolTerm(
                local_authority=la,
                school_year_starts=year,
                number=number,
                first_day=first,
                last_day=last,
            )
            for (year, number), (first, last) in sorted(rows.items())
        )
        # bulk_create sends no post_save: forget the calendars built from the old terms.
        transaction.on_commit(forget_calendars)
    forget_calendars()
    return TermDatesImport(years, len(rows))


def terms_as_csv(la: LocalAuthority) -> str:
    """Return the local authority's own terms in the import format (to edit and upload again)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for term in SchoolTerm.objects.filter(local_authority=la):
        writer.writerow(
            [
                f"{term.school_year_starts}/{(term.school_year_starts + 1) % 100:02d}",
                term.number,
                term.first_day.isoformat(),
                term.last_day.isoformat(),
            ]
        )
    return out.getvalue()


@dataclass(frozen=True)
class RunningOut:
    """A calendar the school-day clock will run off within the warning period."""

    calendar: str
    last_known_day: dt.date
    local_authorities: list[str]


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def calendars_running_out(on: dt.date, months: int = WARN_MONTHS) -> list[RunningOut]:
    """Return each calendar whose last known day is within `months` of `on`: England's defaults
    (for every local authority with no later dates of its own), each local authority whose own
    dates end sooner than that, and the bank holiday list."""
    horizon = _add_months(on, months)
    found: list[RunningOut] = []
    bank_holidays_end = known_bank_holidays().last_known
    if bank_holidays_end <= horizon:
        found.append(RunningOut(BANK_HOLIDAYS, bank_holidays_end, []))
    defaults_end = dt.date(max(default_term_dates()) + 1, 8, 31)
    own_last_year = {
        code: year
        for code, year in SchoolTerm.objects.values_list(
            "local_authority__code", "school_year_starts"
        ).order_by("school_year_starts")
    }
    if defaults_end <= horizon:
        without_own = [
            code
            for code in LocalAuthority.objects.filter(is_current=True).values_list(
                "code", flat=True
            )
            if dt.date(own_last_year.get(code, 0) + 1, 8, 31) <= defaults_end
        ]
        if without_own:
            found.append(RunningOut("England's default term dates", defaults_end, without_own))
    for code in sorted(own_last_year):
        calendar = calendar_for(code)
        if defaults_end < calendar.last_known_day <= horizon:
            found.append(RunningOut(calendar.name, calendar.last_known_day, [code]))
    return found
