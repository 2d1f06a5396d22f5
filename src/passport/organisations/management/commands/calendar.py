"""`passport calendar`: the calendars school-day and working-day clocks count on.

passport calendar show [--la 801]
passport calendar update-bank-holidays bank-holidays.json
passport calendar import-term-dates --la 801 terms.csv
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from passport.core.dates import today
from passport.core.schooldays import calendar_for, school_year_label
from passport.core.working_days import (
    BankHolidayFileError,
    known_bank_holidays,
    replace_bank_holidays,
)
from passport.organisations.models import LocalAuthority
from passport.organisations.services.term_dates import (
    TermDatesFileError,
    calendars_running_out,
    import_term_dates,
)


def _date(day: Any) -> str:
    return f"{day:%-d %B %Y}"


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Could not read {path}: {exc}") from exc


class Command(BaseCommand):
    help = "Show, update and import the bank holidays and term dates school-day clocks count on."

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(
            dest="subcommand",
            required=True,
            metavar="{show,update-bank-holidays,import-term-dates}",
        )
        showing = subcommands.add_parser(
            "show", help="How far each calendar runs, and any running out within 6 months"
        )
        showing.add_argument("--la", help="Also show this local authority's school years")
        updating = subcommands.add_parser(
            "update-bank-holidays",
            help="Replace the bank holidays with GOV.UK's https://www.gov.uk/bank-holidays.json",
        )
        updating.add_argument("file", type=Path)
        importing = subcommands.add_parser(
            "import-term-dates",
            help="Replace a local authority's terms for the school years a CSV names "
            "(columns school_year,term,first_day,last_day)",
        )
        importing.add_argument("--la", required=True, help="The DfE 3-digit LA code, like 801")
        importing.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "update-bank-holidays":
            self._update_bank_holidays(options["file"])
        elif options["subcommand"] == "import-term-dates":
            self._import_term_dates(options["la"], options["file"])
        else:
            self._show(options.get("la"))

    def _la(self, code: str) -> LocalAuthority:
        la = LocalAuthority.objects.filter(code=code.strip()).first()
        if la is None:
            raise CommandError(f"There is no local authority with the DfE code {code!r}, like 801")
        return la

    def _update_bank_holidays(self, path: Path) -> None:
        try:
            old, new = replace_bank_holidays(_read(path))
        except BankHolidayFileError as exc:
            raise CommandError(
                f"{path} was not loaded: {exc}. Download https://www.gov.uk/bank-holidays.json "
                "and give that file unchanged."
            ) from exc
        self.stdout.write(
            f"Loaded {len(new.dates)} England and Wales bank holidays from {path}: known from "
            f"{_date(new.first_known)} to {_date(new.last_known)} "
            f"(before: to {_date(old.last_known)}). Restart the service to use them."
        )

    def _import_term_dates(self, code: str, path: Path) -> None:
        la = self._la(code)
        try:
            done = import_term_dates(la, _read(path))
        except TermDatesFileError as exc:
            raise CommandError(f"{path} was not imported:\n  " + "\n  ".join(exc.problems)) from exc
        years = ", ".join(school_year_label(year) for year in done.school_years)
        self.stdout.write(f"Imported {done.terms} terms for {la.name} ({la.code}): {years}.")

    def _show(self, code: str | None) -> None:
        bank = known_bank_holidays()
        self.stdout.write(f"Bank holidays (England and Wales): known to {_date(bank.last_known)}.")
        self.stdout.write(
            f"England's default term dates: known to {_date(calendar_for().last_known_day)}."
        )
        if code:
            la = self._la(code)
            calendar = calendar_for(la.code)
            self.stdout.write(f"{calendar.name}: known to {_date(calendar.last_known_day)}.")
            for year, terms in sorted(calendar.terms_by_year.items()):
                spans = "; ".join(f"{_date(a)} to {_date(b)}" for a, b in terms)
                self.stdout.write(f"  {school_year_label(year)}: {spans}")
        for found in calendars_running_out(today()):
            self.stdout.write(
                self.style.WARNING(
                    f"Runs out within 6 months: {found.calendar}, on {_date(found.last_known_day)}"
                )
            )
