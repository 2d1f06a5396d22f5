"""Services that providers offer, as published in Open Referral UK (HSDS 3.0 UK profile)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from passport.core.policy import current_pack


def validate_support_kind(code: str) -> None:
    """Refuse a support kind the policy pack does not list."""
    if code not in dict(current_pack().support_kind_choices()):
        raise ValidationError(f"{code!r} is not a support kind in the policy pack")


class Service(models.Model):
    """One service a provider offers, priced per session or per hour.

    The primary key is the Open Referral UK service id, so a service keeps its identity when a
    directory file is imported again or published to another directory.
    """

    class Status(models.TextChoices):
        # The values Open Referral UK allows for service.status.
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        DEFUNCT = "defunct", "Defunct"
        TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"

    class Unit(models.TextChoices):
        SESSION = "session", "Session"
        HOUR = "hour", "Hour"

    id = models.UUIDField(
        "Open Referral UK service id", primary_key=True, default=uuid.uuid4, editable=False
    )
    provider = models.ForeignKey(
        "organisations.Provider", on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    support_kind = models.CharField(
        max_length=40,
        validators=[validate_support_kind],
        help_text="A code from the policy pack's support_kinds list",
    )
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.SESSION)
    unit_cost_pence = models.PositiveIntegerField(
        help_text="What one unit costs a commissioner, in pence"
    )
    url = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    assured_date = models.DateField(
        null=True, blank=True, help_text="When the information about the service was last checked"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Who may change the service (docs/directory.md): its provider, or the local authority that
    # published it; neither means the service's administrators.
    owner_local_authority = models.ForeignKey(
        "organisations.LocalAuthority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    owner_provider = models.ForeignKey(
        "organisations.Provider", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner_local_authority__isnull=True)
                | models.Q(owner_provider__isnull=True),
                name="directory_service_one_owner",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["active", "inactive", "defunct", "temporarily closed"]
                ),
                name="directory_service_status_oruk",
            ),
            models.CheckConstraint(
                condition=models.Q(unit__in=["session", "hour"]),
                name="directory_service_unit_known",
            ),
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True)
                | models.Q(maximum_age__isnull=True)
                | models.Q(minimum_age__lte=models.F("maximum_age")),
                name="directory_service_age_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def support_kind_name(self) -> str:
        return current_pack().support_kind_name(self.support_kind)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE
