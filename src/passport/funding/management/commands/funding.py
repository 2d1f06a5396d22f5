"""`passport funding check`: prove that every pot's ledger balances."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from passport.funding.checks import reconcile

SHOWN_PROBLEMS = 50


class Command(BaseCommand):
    help = (
        "School-group funding. `check` recomputes every balance from the ledger's postings and "
        "exits with status 1, naming each problem, if anything does not reconcile."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["check"])

    def handle(self, *args: Any, **options: Any) -> None:
        report = reconcile()
        problems = report.problems or []
        for problem in problems[:SHOWN_PROBLEMS]:
            self.stderr.write(problem)
        if len(problems) > SHOWN_PROBLEMS:
            self.stderr.write(f"... and {len(problems) - SHOWN_PROBLEMS} more")
        summary = (
            f"Checked {report.entries} ledger entries, {report.pots} pots and "
            f"{report.commissions} commissions: "
        )
        if problems:
            raise CommandError(summary + f"{len(problems)} problems")
        self.stdout.write(self.style.SUCCESS(summary + "the books balance"))
