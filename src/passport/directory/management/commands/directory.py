"""`passport directory import FILE.json` and `passport directory export [--out FILE]`: the service
directory as Open Referral UK; `history ID` shows who changed a record and `hand-over ID` gives it
a new owner."""

from __future__ import annotations

import json
import uuid
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from passport.directory.history import record_history
from passport.directory.models import Service
from passport.directory.oruk.export import MAX_PER_PAGE, published_services, services_feed
from passport.directory.oruk.validation import validate_services_document
from passport.directory.ownership import owner_name
from passport.directory.services import (
    DirectoryImportError,
    hand_over,
    import_services,
    read_document,
)
from passport.organisations.models import LocalAuthority, Provider
from passport.people.models import User


class Command(BaseCommand):
    help = (
        "Import Open Referral UK services into the directory (import FILE.json), or write the "
        "directory's active services as an Open Referral UK file (export [--out FILE])."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{import,export,history,hand-over}"
        )
        handing = subcommands.add_parser(
            "hand-over",
            help="Give a service or provider a new owner (who alone may change it)",
        )
        handing.add_argument("id", help="The service id, or the provider's organization id")
        owner = handing.add_mutually_exclusive_group(required=True)
        owner.add_argument("--to-la", dest="to_la", help="The new owner's 3-digit LA code")
        owner.add_argument(
            "--to-provider", dest="to_provider", help="The new owner's organization id"
        )
        owner.add_argument(
            "--to-administrators",
            action="store_true",
            help="No LA or provider: the service's administrators own it",
        )
        handing.add_argument("--reason", required=True, help="Why, for the change history")
        history = subcommands.add_parser(
            "history", help="Show who changed a service or provider, what and when"
        )
        history.add_argument("id", help="The service id, or the provider's organization id")
        importing = subcommands.add_parser(
            "import", help="Upsert the organizations and services in an ORUK JSON file"
        )
        importing.add_argument("file", type=Path, help="The ORUK JSON file")
        importing.add_argument(
            "--la",
            dest="la_code",
            default=None,
            help="The 3-digit code of the local authority new providers belong to",
        )
        importing.add_argument(
            "--as",
            dest="as_email",
            default=None,
            help="Record the import as done by this person (default: the system)",
        )
        exporting = subcommands.add_parser(
            "export", help="Write the active services as an ORUK page of full services"
        )
        exporting.add_argument(
            "--out", type=Path, default=None, help="File to write (default: standard output)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "import":
            self._import(options["file"], options["la_code"], options["as_email"])
        elif options["subcommand"] == "history":
            self._history(options["id"])
        elif options["subcommand"] == "hand-over":
            self._hand_over(options)
        else:
            self._export(options["out"])

    def _import(self, path: Path, la_code: str | None, as_email: str | None) -> None:
        user = None
        if as_email:
            user = User.objects.filter(email__iexact=as_email, is_active=True).first()
            if user is None:
                raise CommandError(f"No active user has the email address {as_email}")
        local_authority = None
        if la_code:
            local_authority = LocalAuthority.objects.filter(code=la_code).first()
            if local_authority is None:
                raise CommandError(f"No local authority has the code {la_code}")
        if not path.is_file():
            raise CommandError(f"There is no file at {path}")
        try:
            document = read_document(path.read_bytes())
            total = len(document.get("contents", [])) if isinstance(document, dict) else 0
            if isinstance(document, list):
                total = len(document)
            with tqdm(
                total=total or 1,
                unit="service",
                file=self.stderr._out,
                leave=False,
            ) as bar:
                report = import_services(
                    document,
                    by=user,
                    local_authority=local_authority,
                    progress=lambda done: bar.update(done - bar.n),
                )
        except DirectoryImportError as exc:
            lines = [f"{path.name} was not imported, and nothing was changed. {exc.summary}"]
            lines += [f"  {problem.path}: {problem.rule}" for problem in exc.problems]
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(report.summary())

    def _record(self, text: str) -> Service | Provider:
        try:
            record_id = uuid.UUID(text)
        except ValueError as exc:
            raise CommandError(
                f"Give the id as a UUID, like 3fa85f64-5717-4562-b3fc-2c963f66afa6 (not {text!r})"
            ) from exc
        record: Service | Provider | None = (
            Service.objects.filter(pk=record_id).first()
            or Provider.objects.filter(oruk_id=record_id).first()
        )
        if record is None:
            raise CommandError(f"No service or provider in the directory has the id {record_id}")
        return record

    def _hand_over(self, options: dict[str, Any]) -> None:
        record = self._record(options["id"])
        la = provider = None
        if options["to_la"]:
            la = LocalAuthority.objects.filter(code=options["to_la"]).first()
            if la is None:
                raise CommandError(f"No local authority has the code {options['to_la']!r}")
        elif options["to_provider"]:
            provider = Provider.objects.filter(oruk_id=self._uuid(options["to_provider"])).first()
            if provider is None:
                raise CommandError(f"No provider has the organization id {options['to_provider']}")
        before = owner_name(record)
        try:
            after = hand_over(
                record, local_authority=la, provider=provider, reason=options["reason"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"{record.name}: owned by {after} (was {before})")

    @staticmethod
    def _uuid(text: str) -> uuid.UUID:
        try:
            return uuid.UUID(text)
        except ValueError as exc:
            raise CommandError(f"Give the id as a UUID (not {text!r})") from exc

    def _history(self, text: str) -> None:
        record = self._record(text)
        self.stdout.write(f"{record.name}: owned by {owner_name(record)}")
        for change in record_history(record):
            what = "created" if change.created else "changed"
            how = f" ({change.how})" if change.how else ""
            self.stdout.write(f"{change.when:%Y-%m-%d %H:%M} {what} by {change.who}{how}")
            for field, old, new in change.fields:
                self.stdout.write(f"  {field}: {old} -> {new}")

    def _export(self, out: Path | None) -> None:
        services = published_services()
        total = services.count()
        contents: list[dict[str, Any]] = []
        page = 1
        with tqdm(total=total, unit="service", file=self.stderr._out, leave=False) as bar:
            while True:
                feed = services_feed(services, page=page, per_page=MAX_PER_PAGE, full=True)
                contents += feed["contents"]
                bar.update(feed["size"])
                if feed["last_page"]:
                    break
                page += 1
        document = {
            "total_items": len(contents),
            "total_pages": 1,
            "page_number": 1,
            "size": len(contents),
            "first_page": True,
            "last_page": True,
            "empty": not contents,
            "contents": contents,
        }
        problems = validate_services_document(document)
        if problems:
            raise CommandError(
                "The export does not follow the Open Referral UK schema: "
                + "; ".join(str(problem) for problem in problems[:10])
            )
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        providers = len({service["organization"]["id"] for service in contents})
        summary = f"Exported {len(contents)} active services from {providers} providers"
        if out is None:
            self.stdout.write(text, ending="")
            self.stderr.write(summary)
        else:
            out.write_text(text, encoding="utf-8")
            self.stdout.write(f"{summary} to {out}")
