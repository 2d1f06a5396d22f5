"""`passport audit verify` and `passport audit export-head`: check and anchor the audit trail."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from passport.audit.services import export_chain_head, verify_chain


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chain (verify), or write its head to a dated file outside "
        "the database (export-head). Run both daily: `passport audit verify && passport audit "
        "export-head`."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{verify,export-head}"
        )
        verify = subcommands.add_parser(
            "verify",
            help="Check every row of the chain, and the exported heads; exit 1 naming the first bad row",
        )
        verify.add_argument(
            "--dir",
            type=Path,
            default=None,
            help=f"Folder of exported head files to check against (default {settings.AUDIT_HEAD_DIR})",
        )
        export = subcommands.add_parser(
            "export-head", help="Write the chain's last position and hash to a new dated file"
        )
        export.add_argument(
            "--dir",
            type=Path,
            default=None,
            help=f"Folder to write the head file to (default {settings.AUDIT_HEAD_DIR})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self._verify(options["dir"])
        else:
            path = export_chain_head(options["dir"])
            self.stdout.write(f"Wrote the audit chain head to {path}")

    def _verify(self, directory: Path | None) -> None:
        result = verify_chain(directory)
        if not result.ok:
            where = f" at position {result.position}" if result.position is not None else ""
            raise CommandError(
                f"Audit trail FAILED{where} ({result.fault}): {result.message}", returncode=1
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"OK: {result.count} events, head at position {result.head_position}, "
                f"head hash {result.head_hash}; {result.heads_checked} exported heads checked"
            )
        )
