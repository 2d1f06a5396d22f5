"""Local authorities, settings, school groups and health or therapy providers."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from passport.organisations.reference import gias_establishment_types


def validate_gias_type(code: int) -> None:
    """Refuse an establishment type code GIAS does not define."""
    if code not in gias_establishment_types():
        raise ValidationError(f"{code} is not a GIAS establishment type code")


class LocalAuthority(models.Model):
    """An English local authority, known by its DfE 3-digit code."""

    code = models.CharField(
        max_length=3, unique=True, validators=[RegexValidator(r"^\d{3}$", "Enter 3 digits")]
    )
    ons_code = models.CharField(max_length=9, blank=True)
    name = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Setting(models.Model):
    """A nursery, school or college where children learn."""

    class Kind(models.TextChoices):
        EARLY_YEARS = "early_years", "Early years"
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        SPECIAL = "special", "Special"
        COLLEGE = "college", "College"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    urn = models.CharField(
        "URN",
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^\d{6,8}$", "Enter the URN, 6 to 8 digits")],
        help_text="Unique Reference Number from GIAS, or the Ofsted URN for an early years setting",
    )
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="settings"
    )
    estab = models.CharField(
        "DfE establishment number",
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", "Enter 4 digits")],
        help_text="The 4 digits after the LA code in the LAESTAB number; blank if there is none",
    )
    phase = models.CharField(max_length=40, help_text="GIAS phase of education, like Primary")
    gias_type_code = models.PositiveSmallIntegerField(
        "GIAS establishment type",
        null=True,
        blank=True,
        validators=[validate_gias_type],
        help_text="Blank for a private, voluntary or independent early years provider",
    )
    statutory_low_age = models.PositiveSmallIntegerField(default=0)
    statutory_high_age = models.PositiveSmallIntegerField(default=25)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(statutory_low_age__lte=models.F("statutory_high_age")),
                name="setting_age_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SchoolGroup(models.Model):
    """Settings that work together and hold a pot for shared services."""

    name = models.CharField(max_length=200, unique=True)
    settings = models.ManyToManyField(Setting, related_name="school_groups", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Provider(models.Model):
    """An NHS trust, LA service, independent therapist or voluntary organisation."""

    class Kind(models.TextChoices):
        NHS_TRUST = "nhs_trust", "NHS trust"
        LA_SERVICE = "la_service", "Local authority service"
        INDEPENDENT = "independent", "Independent practice"
        VOLUNTARY = "voluntary", "Voluntary organisation"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    ods_code = models.CharField(
        "ODS code", max_length=10, blank=True, help_text="NHS Organisation Data Service code"
    )
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="providers"
    )
    oruk_id = models.UUIDField(
        "Open Referral UK organization id",
        unique=True,
        default=uuid.uuid4,
        editable=False,
        help_text="The organization id this provider has in Open Referral UK directories",
    )
    # Who may change this record in the service directory (docs/directory.md): the provider
    # itself, or the local authority that published it; neither means the service's
    # administrators.
    owner_local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_provider = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner_local_authority__isnull=True)
                | models.Q(owner_provider__isnull=True),
                name="organisations_provider_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.name
