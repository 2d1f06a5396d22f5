"""One row per message the service sends, from queued to delivered or failed."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Channel(models.TextChoices):
    NOTIFY = "notify", "GOV.UK Notify"
    EMAIL = "email", "Email (SMTP)"


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    PERMANENT_FAILURE = "permanent-failure", "Permanent failure"
    TEMPORARY_FAILURE = "temporary-failure", "Temporary failure"
    TECHNICAL_FAILURE = "technical-failure", "Technical failure"


class Notification(models.Model):
    """A message to one person about one event, and what became of it."""

    Channel = Channel
    Status = Status
    FAILURES = (Status.PERMANENT_FAILURE, Status.TEMPORARY_FAILURE, Status.TECHNICAL_FAILURE)

    event = models.CharField(max_length=60)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    email_address = models.EmailField()
    # Sent to Notify with the message, so a retry can ask whether Notify already has it.
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    template_id = models.CharField(max_length=36, blank=True)
    # Only the values the event's catalogue entry allows: never a child's details.
    personalisation = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    provider_id = models.CharField(max_length=36, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    resend_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="resent_as"
    )

    class Meta:
        indexes = [models.Index(fields=["status", "status_changed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[status.value for status in Status]),
                name="notification_status_known",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=[channel.value for channel in Channel]),
                name="notification_channel_known",
            ),
            models.CheckConstraint(
                condition=~Q(channel="notify") | ~Q(template_id=""),
                name="notification_to_notify_has_template",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.email_address} ({self.status})"
