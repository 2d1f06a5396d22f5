"""`passport settings import-gias FILE [--links FILE]` and `passport settings import-early-years
FILE`: keep settings in step with the national registers (docs/settings.md).

The command lives here, above `organisations`, because a closed school's pupils follow its
successor: moving their enrolments is a change of roll, audited, which is this room's work.
"""

from __future__ import annotations

from argparse import ArgumentParser, RawDescriptionHelpFormatter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from passport.organisations.services import settings_import as registers
from passport.transitions.services.successions import follow_successors

EXIT_STATUS_HELP = """exit status:
  0  every row was loaded, or left as it was, or skipped (outside England)
  1  the file was refused whole (not readable, another encoding, a column missing): nothing loaded
  2  some rows were refused: the summary names each (line, URN, column, value); the rest loaded"""
SHOWN_PROBLEMS = 30


class Command(BaseCommand):
    help = (
        "Load schools and colleges from a Get Information about Schools extract (import-gias), "
        "or early years providers (import-early-years). Safe to run again with the same file."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{import-gias,import-early-years}"
        )
        gias = subcommands.add_parser(
            "import-gias",
            help="Load GIAS all establishments (edubasealldataYYYYMMDD.csv) and its links file",
            description=(
                "Load every establishment in England from a GIAS all establishments extract, "
                "as GIAS publishes it. With --links, record each closed school's successor and "
                "move the children on its roll to the successor from the day it took over."
            ),
            epilog=EXIT_STATUS_HELP,
            formatter_class=RawDescriptionHelpFormatter,
        )
        gias.add_argument("file", type=Path, help="edubasealldataYYYYMMDD.csv")
        gias.add_argument(
            "--links", type=Path, default=None, help="links_edubasealldataYYYYMMDD.csv"
        )
        early_years = subcommands.add_parser(
            "import-early-years",
            help="Load early years providers (Ofsted or local authority URNs)",
            description="Load early years providers from a CSV laid out as docs/settings.md says.",
            epilog=EXIT_STATUS_HELP,
            formatter_class=RawDescriptionHelpFormatter,
        )
        early_years.add_argument("file", type=Path, help="The providers CSV")
        for subparser in (gias, early_years):
            subparser.add_argument(
                "--encoding",
                default=registers.PUBLISHED_ENCODING,
                help="The file's encoding (default: cp1252, Windows-1252, as GIAS publishes)",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        encoding = options["encoding"]
        links = None
        try:
            if options["subcommand"] == "import-gias":
                main = registers.read_gias(options["file"], encoding=encoding)
                if options["links"] is not None:
                    links = registers.read_gias_links(options["links"], encoding=encoding)
            else:
                main = registers.read_early_years(options["file"], encoding=encoding)
        except registers.FileRefused as exc:
            raise CommandError(f"{exc}. Nothing was loaded.", returncode=1) from exc

        total = len(main.rows) + (len(links.rows) if links else 0)
        with tqdm(total=total, unit="row", disable=None) as progress:
            if options["subcommand"] == "import-gias":
                report = registers.load_gias(main, links, progress=progress.update)
            else:
                report = registers.load_early_years(main, progress=progress.update)
        moved = follow_successors(registers.successions()) if links else None

        self.stdout.write(
            f"{main.name}: {report.rows} row(s): {report.new} new, {report.changed} changed, "
            f"{report.unchanged} unchanged, {report.closed} closed, "
            f"{report.skipped} skipped (outside England or not a setting), "
            f"{len(report.refused)} refused"
        )
        if links is not None and moved is not None:
            self.stdout.write(
                f"{links.name}: {report.successors} successor(s) recorded, "
                f"{moved.enrolments_moved} enrolment(s) of {moved.children} child(ren) moved "
                f"to a successor, {report.links_skipped} link(s) to URNs not loaded"
            )
            if report.unclear_successors:
                self.stdout.write(
                    "  More than one successor, or no date: children on these rolls were not "
                    "moved, admit them where they now are: "
                    + ", ".join(report.unclear_successors[:SHOWN_PROBLEMS])
                )
        for refused in report.refused[:SHOWN_PROBLEMS]:
            self.stdout.write(f"  refused: {refused}")
        if len(report.refused) > SHOWN_PROBLEMS:
            self.stdout.write(f"  ... and {len(report.refused) - SHOWN_PROBLEMS} more")
        if report.refused:
            raise SystemExit(2)
