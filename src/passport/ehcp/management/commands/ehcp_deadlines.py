"""`passport ehcp_deadlines`: find statutory EHC steps that went past their legal limit and queue
one notice to each family, and end plans whose time to appeal a decision to cease has passed.
Run it daily; running it twice queues nothing new."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from passport.ehcp.models import StatutoryClock
from passport.ehcp.services import end_plans_after_appeal_window, missed_clocks
from passport.ehcp.tasks import notify_missed_deadline


class Command(BaseCommand):
    help = "Queue a notice to the family for every EHC deadline missed since the last run."

    def handle(self, *args: Any, **options: Any) -> None:
        ids = list(missed_clocks().values_list("pk", flat=True))
        queued = 0
        for clock_id in tqdm(ids, desc="Missed deadlines", unit="step", disable=not ids):
            with transaction.atomic():
                # Claim the row first, so two runs at once cannot both queue a notice.
                claimed = StatutoryClock.objects.filter(
                    pk=clock_id, missed_notice_queued_at__isnull=True
                ).update(missed_notice_queued_at=timezone.now())
                if claimed:
                    notify_missed_deadline.enqueue(clock_id)
                    queued += claimed
        self.stdout.write(f"{len(ids)} missed deadlines found; {queued} notices queued to families")
        # A plan the LA decided to cease ends only once the time to appeal has passed with no
        # appeal recorded (Children and Families Act 2014 s45(4)).
        ended = end_plans_after_appeal_window()
        self.stdout.write(f"{ended} plans ceased after the time to appeal passed")
