"""`passport notifications failures|resend|retry|status|templates`: the messages the service sends."""

from __future__ import annotations

from argparse import ArgumentParser
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from passport.notifications.catalogue import current_events
from passport.notifications.models import Notification
from passport.notifications.services import (
    awaiting_delivery_report,
    check_delivery,
    failures,
    notify_client,
    queue_due_retries,
    resend,
)


class Command(BaseCommand):
    help = (
        "Show failed messages (failures), send them again (resend ID...), queue retries that are "
        "due (retry), record delivery from GOV.UK Notify (status), print Notify templates "
        "(templates)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{failures,resend,retry,status,templates}"
        )
        subcommands.add_parser("failures", help="List messages that failed and were not resent")
        resending = subcommands.add_parser(
            "resend", help="Send failed messages again, once the address or setting is put right"
        )
        resending.add_argument("ids", nargs="+", type=int, metavar="ID", help="a message's id")
        subcommands.add_parser(
            "retry", help="Queue messages whose retry is due, or whose sending was interrupted"
        )
        subcommands.add_parser(
            "status", help="Ask GOV.UK Notify what became of messages it accepted (every 15 min)"
        )
        subcommands.add_parser(
            "templates", help="Print each event's wording with Notify's ((placeholders))"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['subcommand']}")(options)

    def _failures(self, options: dict[str, Any]) -> None:
        failed = list(failures())
        for notification in failed:
            when = timezone.localtime(notification.status_changed_at).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(
                f"{notification.pk}\t{when}\t{notification.event}\t{notification.email_address}\t"
                f"{notification.status}\t{notification.last_error}"
            )
        self.stdout.write(f"{len(failed)} failed messages not resent")

    def _resend(self, options: dict[str, Any]) -> None:
        for notification_id in options["ids"]:
            try:
                again = resend(notification_id)
            except Notification.DoesNotExist:
                raise CommandError(f"There is no message {notification_id}") from None
            except ValueError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(f"Message {notification_id} queued again as {again.pk}")

    def _retry(self, options: dict[str, Any]) -> None:
        self.stdout.write(f"{queue_due_retries()} messages queued to try again")

    def _status(self, options: dict[str, Any]) -> None:
        if not settings.PASSPORT_NOTIFY_API_KEY:
            self.stdout.write("GOV.UK Notify is not configured: email has no delivery reports")
            return
        client = notify_client()
        waiting = list(awaiting_delivery_report())
        counts: Counter[str] = Counter()
        for notification in tqdm(waiting, desc="Delivery", unit="message", disable=not waiting):
            counts[check_delivery(notification, client)] += 1
        summary = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
        self.stdout.write(f"{len(waiting)} messages checked: {summary or 'none waiting'}")

    def _templates(self, options: dict[str, Any]) -> None:
        for event in current_events().values():
            subject, body = event.notify_text()
            self.stdout.write(
                f"# {event.name}: {event.description}\n# {event.template_setting}\n"
                f"Subject: {subject}\n\n{body}\n"
            )
