"""`passport september_wave FILE.csv`: admit many children at once (the September moves)."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from passport.children.models import Child
from passport.organisations.models import Setting
from passport.transitions.models import Admission
from passport.transitions.services import record_admission

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
        problems: list[str] = []
        registration = "subsidiary" if subsidiary else "main"
        with tqdm(total=len(rows), unit="pupil", disable=None) as progress:
            for start in range(0, len(rows), batch_size):
                batch = rows[start : start + batch_size]
                self._admit_batch(batch, registration, outcomes, problems)
                progress.update(len(batch))

        self.stdout.write(
            f"{len(rows)} row(s): {outcomes['admitted']} admitted, "
            f"{outcomes['unchanged']} already admitted, {outcomes['refused']} refused"
        )
        for problem in problems[:SHOWN_PROBLEMS]:
            self.stdout.write(f"  {problem}")
        if len(problems) > SHOWN_PROBLEMS:
            self.stdout.write(f"  ... and {len(problems) - SHOWN_PROBLEMS} more")
        if outcomes["refused"]:
            raise SystemExit(1)

    def _admit_batch(
        self,
        batch: list[tuple[int, dict[str, str]]],
        registration: str,
        outcomes: Counter[str],
        problems: list[str],
    ) -> None:
        upns = {(row.get("upn") or "").strip().upper() for _, row in batch}
        urns = {(row.get("urn") or "").strip() for _, row in batch}
        children = Child.objects.in_bulk(list(upns), field_name="upn")
        settings = Setting.objects.select_related("local_authority").in_bulk(
            list(urns), field_name="urn"
        )
        existing = set(
            Admission.objects.filter(child__upn__in=upns, setting__urn__in=urns).values_list(
                "child__upn", "setting__urn", "starts_on"
            )
        )
        for number, row in batch:
            upn = (row.get("upn") or "").strip().upper()
            urn = (row.get("urn") or "").strip()
            child, setting = children.get(upn), settings.get(urn)
            try:
                if child is None:
                    raise ValueError(f"no child has UPN {upn or '(blank)'}")
                if setting is None:
                    raise ValueError(f"no setting has URN {urn or '(blank)'}")
                starts_on = parse_date(row.get("start_date") or "")
                if (upn, urn, starts_on) in existing:
                    outcomes["unchanged"] += 1
                    continue
                record_admission(
                    child,
                    setting,
                    starts_on,
                    by=None,
                    source=Admission.Source.WAVE,
                    registration=registration,
                )
            except ValidationError as exc:
                outcomes["refused"] += 1
                problems.append(f"row {number}: {'; '.join(exc.messages)}")
            except ValueError as exc:
                outcomes["refused"] += 1
                problems.append(f"row {number}: {exc}")
            else:
                outcomes["admitted"] += 1
