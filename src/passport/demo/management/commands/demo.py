"""`passport demo`: fill the database with one realistic local authority to try the service."""

from __future__ import annotations

import textwrap
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError

from passport.core.safety import RefusedInProduction, refuse_in_production
from passport.demo.generator import (
    DEFAULT_CHILDREN,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DEMO_REFUSAL,
    DEMO_SIGN_INS,
    DemoSummary,
    build_demo,
    existing_data,
    remove_demo_data,
)


class Command(BaseCommand):
    help = (
        "Create demo data: one local authority with 12 settings, about 300 children with support "
        "passports, and a sign-in for every role."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Random seed: the same seed gives the same children on the same day "
            f"(default {DEFAULT_SEED})",
        )
        parser.add_argument(
            "--children",
            type=int,
            default=DEFAULT_CHILDREN,
            help=f"How many children to create (default {DEFAULT_CHILDREN}); 7 are always made: "
            "Leo and Maya from the sign-in list and 5 waiting for a passport",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database already has children",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo data first (children, passports, accounts, settings)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            refuse_in_production("demo", DEMO_REFUSAL)
        except RefusedInProduction as exc:
            raise CommandError(str(exc)) from exc
        if options["if_empty"] and options["reset"]:
            raise CommandError("Use --if-empty or --reset, not both")
        if options["children"] < 0:
            raise CommandError("Enter a number of children of 0 or more, like --children 300")
        found = existing_data()
        if found and options["if_empty"]:
            self.stdout.write(f"The database already has data ({found}): leaving it as it is.")
            return
        if found and not options["reset"]:
            raise CommandError(
                f"The database already has data ({found}). Run `passport demo --reset` to replace "
                "the demo data, or `passport demo --if-empty` to leave it alone."
            )
        started = time.monotonic()
        progress = getattr(self.stderr, "_out", None) if options["verbosity"] > 0 else None
        with transaction.atomic():
            if options["reset"]:
                try:
                    removed = remove_demo_data()
                except ProtectedError as exc:
                    blocking = next(iter(exc.protected_objects))._meta.verbose_name_plural
                    raise CommandError(
                        f"Cannot remove the demo data: {blocking} outside the demo point at it. "
                        "Remove those first, or start again with an empty database."
                    ) from exc
                if options["verbosity"] > 0:
                    self.stdout.write(
                        f"Removed the demo data: {removed['children']} children, "
                        f"{removed['passports']} passports, {removed['users']} accounts, "
                        f"{removed['settings']} settings."
                    )
            summary = build_demo(
                seed=options["seed"], children=options["children"], progress=progress
            )
        if options["verbosity"] > 0:
            self._report(summary, time.monotonic() - started)

    def _report(self, summary: DemoSummary, seconds: float) -> None:
        out = self.stdout.write
        out(self.style.SUCCESS(f"Demo data created in {seconds:.1f} seconds."))
        out("")
        out(_table(("Setting", "Kind", "URN", "On roll", "Passports"), summary.settings))
        out("")
        out(_table(("Layer", "Passports"), summary.passports_by_layer))
        out("")
        out(_table(("SEN provision", "Passports"), summary.passports_by_provision))
        out("")
        out(_table(("Role", "Accounts"), summary.users_by_role))
        out("")
        out(
            f"{summary.children} children, {summary.children_without_passport} of them without a "
            f"passport yet; {summary.users} accounts."
        )
        out("")
        out(
            self.style.MIGRATE_HEADING(
                "Run `passport runserver`, open http://127.0.0.1:8000 and sign in as any of "
                f"these. The password for all of them is {DEMO_PASSWORD}. Staff also enter "
                "a 6-digit code: `passport otp_code <email>` prints the current one."
            )
        )
        for role, email, sees in DEMO_SIGN_INS:
            out(f"  {email}  ({role})")
            out(textwrap.fill(sees, width=96, initial_indent=" " * 6, subsequent_indent=" " * 6))


def _table(headings: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    """Lay rows out in columns: text on the left, numbers on the right."""
    cells = [tuple(str(v) for v in headings)] + [tuple(str(v) for v in row) for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headings))]
    numeric = [all(isinstance(row[i], int) for row in rows) for i in range(len(headings))]
    lines = []
    for index, row in enumerate(cells):
        lines.append(
            "  ".join(
                cell.rjust(width) if numeric[i] else cell.ljust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)
