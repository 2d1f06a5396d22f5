"""`passport retention`: list records past retention, and erase them once confirmed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from passport.core.policy import current_pack
from passport.passports.retention import children_past_retention, erase_child, retention_cutoff


class Command(BaseCommand):
    help = "List children's records kept past the retention period; with --erase --confirm, erase them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--erase", action="store_true", help="Erase the records listed")
        parser.add_argument(
            "--confirm", action="store_true", help="Confirm the erasure (required with --erase)"
        )

    def handle(self, *args: Any, erase: bool, confirm: bool, **options: Any) -> None:
        years = current_pack().retention.sen_records_years_after_birth
        due = children_past_retention()
        count = due.count()
        self.stdout.write(
            f"{count} record(s) past retention (born before {retention_cutoff():%-d %B %Y}; "
            f"kept to date of birth + {years} years)"
        )
        for child in due[:50]:
            self.stdout.write(f"  #{child.pk} born {child.date_of_birth:%-d %B %Y}")
        if count > 50:
            self.stdout.write(f"  ... and {count - 50} more")
        if not erase:
            return
        if not confirm:
            self.stderr.write("Nothing erased: add --confirm to erase these records.")
            raise SystemExit(1)
        reason = f"Past retention: date of birth + {years} years (policy pack {current_pack().pack.version})"
        for child in tqdm(list(due), desc="Erasing", unit="record", file=self.stderr):
            erase_child(child, by=None, reason=reason)
        self.stdout.write(self.style.SUCCESS(f"Erased {count} record(s); each left an audit row."))
