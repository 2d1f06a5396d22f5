"""`passport sen2 export --la 801`: write a local authority's SEN2 return, one CSV per module."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from passport.core.dates import today
from passport.organisations.models import LocalAuthority
from passport.reports.sen2.export import export_sen2, next_census_date, record_return
from passport.reports.sen2.spec import MODULES

SHOWN_PROBLEMS = 20


def _census_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(
            f"Enter the census date as YYYY-MM-DD, like 2027-01-21 (not {text!r})"
        ) from exc


class Command(BaseCommand):
    help = "Write the DfE SEN2 return for a local authority (export --la CODE)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="{export}")
        exporting = subcommands.add_parser(
            "export", help="Write the SEN2 return as one CSV per module, checked field by field"
        )
        exporting.add_argument("--la", required=True, help="The DfE 3-digit LA code, like 801")
        exporting.add_argument(
            "--census-date",
            default=None,
            help="YYYY-MM-DD (default: the next third Thursday in January)",
        )
        exporting.add_argument(
            "--out",
            type=Path,
            default=None,
            help="Folder to write to (default: sen2-<LA>-<census date> in the current folder)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["la"].strip()
        la = LocalAuthority.objects.filter(code=code).first()
        if la is None:
            raise CommandError(f"There is no local authority with the DfE code {code!r}, like 801")
        census = (
            _census_date(options["census_date"])
            if options["census_date"]
            else next_census_date(today())
        )
        out_dir = options["out"] or Path(f"sen2-{la.code}-{census.isoformat()}")
        if out_dir.exists() and not out_dir.is_dir():
            raise CommandError(f"{out_dir} is a file: give a folder with --out")
        progress = getattr(self.stderr, "_out", None) if options["verbosity"] > 0 else None
        result = export_sen2(la, census_date=census, out_dir=out_dir, progress=progress)
        # The operator builds the whole authority's return; each family still sees it was sent.
        record_return(result, by=None, role="", path="passport sen2 export")

        out = self.stdout.write
        out(f"SEN2 return for {la.name} ({la.code}), census date {census.isoformat()}")
        width = max(len(m.title) for m in MODULES)
        for module in MODULES:
            out(f"  {module.title.ljust(width)}  {len(result.tables[module.key]):>6} rows")
        out(f"Written to {out_dir.resolve()}")
        if not result.problems:
            out(self.style.SUCCESS("Every field matches the DfE types and code lists."))
            return
        for problem in result.problems[:SHOWN_PROBLEMS]:
            out(
                f"  {problem.module}, row {problem.row}, {problem.column or 'row'} "
                f"({problem.person}): {problem.message}"
            )
        more = len(result.problems) - SHOWN_PROBLEMS
        if more > 0:
            out(f"  ...and {more} more")
        raise CommandError(
            f"The return has {len(result.problems)} problems: fix them before sending it to the "
            f"DfE. Every problem is listed in {result.files['problems']}"
        )
