"""`passport september_wave FILE.csv`: admit many children at once (the September moves)."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from passport.children.models import Child
from passport.organisations.models import Setting
from passport.transitions.models import Admission
from passport.transitions.services import AdmissionRow, record_admissions

COLUMNS = ("upn", "urn", "start_date")
SHOWN_PROBLEMS = 20


def parse_date(text: str) -> dt.date:
    """Read 2026-09-03 or 03/09/2026 (the way MIS exports write dates)."""
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date like 2026-09-03 or 03/09/2026")


class Command(BaseCommand):
    help = (
        "Admit every child in a CSV file (columns upn, urn, start_date) to the setting with that "
        "URN, in batches, with a progress bar and a summary. Rows already admitted are left as "
        "they are, so a file can be run again after fixing the rows that failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file, with a header row")
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--subsidiary",
            action="store_true",
            help="Dual registration: keep each child on roll where they are",
        )

    def handle(
        self, *args: Any, file: Path, batch_size: int, subsidiary: bool, **options: Any
    ) -> None:
        try:
            with file.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
                if missing:
                    raise CommandError(
                        f"{file} has no {', '.join(missing)} column: the header must be "
                        f"{','.join(COLUMNS)}"
                    )
                rows = [(number, row) for number, row in enumerate(reader, start=2)]
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc

        outcomes: Counter[str] = Counter()
        problems: list[tuple[int, str]] = []
        registration = "subsidiary" if subsidiary else "main"
        with tqdm(total=len(rows), unit="pupil", disable=None) as progress:

            def refuse(number: int, message: str) -> None:
                outcomes["refused"] += 1
                problems.append((number, f"row {number}: {message}"))
                progress.update(1)

            admissions = self._admission_rows(rows, batch_size, registration, refuse)
            report = record_admissions(
                admissions,
                by=None,
                source=Admission.Source.WAVE,
                chunk_size=batch_size,
                progress=progress.update,
            )
        outcomes["admitted"] += report.admitted
        outcomes["unchanged"] += report.unchanged
        for number, messages in report.refused:
            assert isinstance(number, int)
            refuse(number, "; ".join(messages))
        problems.sort()

        self.stdout.write(
            f"{len(rows)} row(s): {outcomes['admitted']} admitted, "
            f"{outcomes['unchanged']} already admitted, {outcomes['refused']} refused"
        )
        for _, problem in problems[:SHOWN_PROBLEMS]:
            self.stdout.write(f"  {problem}")
        if len(problems) > SHOWN_PROBLEMS:
            self.stdout.write(f"  ... and {len(problems) - SHOWN_PROBLEMS} more")
        if outcomes["refused"]:
            raise SystemExit(1)

    def _admission_rows(
        self,
        rows: list[tuple[int, dict[str, str]]],
        batch_size: int,
        registration: str,
        refuse: Callable[[int, str], None],
    ) -> Iterator[AdmissionRow]:
        """Look up each batch's children and settings in two queries, and yield its rows."""
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            upns = {(row.get("upn") or "").strip().upper() for _, row in batch}
            urns = {(row.get("urn") or "").strip() for _, row in batch}
            children = Child.objects.in_bulk(list(upns), field_name="upn")
            settings = Setting.objects.in_bulk(list(urns), field_name="urn")
            for number, row in batch:
                upn = (row.get("upn") or "").strip().upper()
                urn = (row.get("urn") or "").strip()
                child, setting = children.get(upn), settings.get(urn)
                if child is None:
                    refuse(number, f"no child has UPN {upn or '(blank)'}")
                elif setting is None:
                    refuse(number, f"no setting has URN {urn or '(blank)'}")
                else:
                    try:
                        starts_on = parse_date(row.get("start_date") or "")
                    except ValueError as exc:
                        refuse(number, str(exc))
                        continue
                    yield AdmissionRow(child, setting, starts_on, registration, key=number)
