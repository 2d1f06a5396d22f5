"""`passport ctf import FILE` and `passport ctf export --urn URN`: Common Transfer Files."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser, ArgumentTypeError, RawDescriptionHelpFormatter
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from passport.access.standing import Duty, scope
from passport.organisations.models import Setting
from passport.people.models import User
from passport.transitions.ctf.exporter import export_ctf, leavers
from passport.transitions.ctf.importer import ImportReport, Result, import_ctf, open_ctf
from passport.transitions.ctf.parser import CtfError

EXIT_STATUS_HELP = """exit status:
  0  every pupil was imported, unchanged, or is waiting for a pending transfer
  1  the file was refused whole, or nothing was imported (every pupil refused, or none in it)
  2  some pupils were refused: the table says which and why; fix them and import again"""


def first_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"{value!r} is not a date like 2025-09-03") from None


class Command(BaseCommand):
    help = (
        "Import a Common Transfer File (import FILE), or export one for a setting's recent "
        "leavers (export --urn URN)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{import,export}"
        )
        importing = subcommands.add_parser(
            "import",
            help="Import a CTF 25 into the setting named as its destination",
            description="Import a CTF 25 into the setting named as its destination.",
            epilog=EXIT_STATUS_HELP,
            formatter_class=RawDescriptionHelpFormatter,
        )
        importing.add_argument("file", type=Path, help="The CTF XML file")
        importing.add_argument(
            "--start-date",
            type=first_day,
            default=None,
            metavar="YYYY-MM-DD",
            help="The pupils' first day at the destination (default: the file's DateTime)",
        )
        importing.add_argument(
            "--as",
            dest="as_email",
            default=None,
            help="Import as this SENCO or head (checked against the destination); default: the system",
        )
        exporting = subcommands.add_parser(
            "export", help="Write a CTF 25 for the setting's recent leavers"
        )
        exporting.add_argument("--urn", required=True, help="The sending setting's URN")
        exporting.add_argument(
            "--out", type=Path, default=None, help="File to write (default: the DfE file name)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "import":
            self._import(options["file"], options["as_email"], options["start_date"])
        else:
            self._export(options["urn"], options["out"])

    def _import(self, path: Path, as_email: str | None, starts_on: dt.date | None) -> None:
        user = None
        if as_email:
            user = User.objects.filter(email__iexact=as_email, is_active=True).first()
            if user is None:
                raise CommandError(f"No active user has the email address {as_email}")
        if not path.is_file():
            raise CommandError(f"There is no file at {path}")
        try:
            opened = open_ctf(path)
        except CtfError as exc:
            raise CommandError(f"{path.name} was not imported: {exc}") from exc
        with tqdm(total=opened[1].pupils, unit="pupil", file=self.stderr._out) as bar:
            try:
                report = import_ctf(
                    path,
                    by=user,
                    starts_on=starts_on,
                    opened=opened,
                    allowed_settings=Setting.objects.filter(
                        pk__in=scope(user, Duty.ADD_CHILDREN).settings
                    )
                    if user
                    else None,
                    progress=lambda _: bar.update(),
                )
            except CtfError as exc:
                raise CommandError(f"{path.name} was not imported: {exc}") from exc
            except PermissionDenied as exc:
                raise CommandError(str(exc)) from exc
        self._summary(report)
        if report.result is not Result.IMPORTED:
            raise CommandError(
                f"{path.name}: {report.headline}",
                returncode=report.exit_status,
            )

    def _summary(self, report: ImportReport) -> None:
        header = report.header
        # The file's SchoolName is free text anyone can write: only its DfE numbers are shown.
        self.stdout.write(
            f"From {header.source_lea}{header.source_estab} to {report.destination.name}, "
            f"first day {report.starts_on:%-d %B %Y}"
        )
        for warning in report.warnings:
            self.stdout.write(f"Warning: {warning}")
        width = max([len(p.name) for p in report.pupils] + [4])
        self.stdout.write(f"{'#':>5}  {'UPN':13}  {'Name':{width}}  {'Outcome':16}  Reasons")
        for pupil in report.pupils:
            self.stdout.write(
                f"{pupil.position:>5}  {pupil.upn[:13]:13}  {pupil.name:{width}}  "
                f"{pupil.outcome.value:16}  {'; '.join(pupil.reasons)}"
            )
        self.stdout.write(report.summary)

    def _export(self, urn: str, out: Path | None) -> None:
        setting = Setting.objects.filter(urn=urn).select_related("local_authority").first()
        if setting is None:
            raise CommandError(f"No setting has the URN {urn}")
        children = list(leavers(setting).order_by("pk"))
        if not children:
            raise CommandError(f"No children are leaving {setting.name} now: nothing to export")
        try:
            export = export_ctf(
                setting, children, by=None, reason="CTF export from the command line"
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        target = out or Path(export.filename)
        target.write_bytes(export.content)
        self.stdout.write(f"Wrote {export.pupils} pupils to {target}")
