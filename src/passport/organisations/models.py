"""Local authorities, settings, school groups and health or therapy providers."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from passport.organisations.reference import gias_establishment_types

# A GIAS URN (6 to 8 digits), an Ofsted early years URN (EY and 6 digits), or a reference a local
# authority issued to an early years provider Ofsted does not register (letters, then digits).
URN_PATTERN = r"^(?=.{6,8}$)(\d+|EY\d{6}|[A-Z]{1,4}\d+)$"


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

    class Status(models.TextChoices):
        """GIAS EstablishmentStatus (name), and the same words for early years providers."""

        OPEN = "open", "Open"
        OPEN_PROPOSED_TO_CLOSE = "open_proposed_to_close", "Open, but proposed to close"
        PROPOSED_TO_OPEN = "proposed_to_open", "Proposed to open"
        CLOSED = "closed", "Closed"

    class Source(models.TextChoices):
        MANUAL = "manual", "Entered in the service"
        GIAS = "gias", "Get Information about Schools"
        EARLY_YEARS = "early_years", "Early years register"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    urn = models.CharField(
        "URN",
        max_length=8,
        unique=True,
        validators=[
            RegexValidator(
                URN_PATTERN,
                "Enter the URN: 6 to 8 digits, or EY and 6 digits for an Ofsted early years URN",
            )
        ],
        help_text="Unique Reference Number from GIAS, the Ofsted URN of an early years provider "
        "(EY123456), or the reference its local authority issued",
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
    # What GIAS (or the early years register) says about the setting, kept by
    # `passport settings import-gias|import-early-years` (docs/settings.md).
    status = models.CharField(
        max_length=30, choices=Status.choices, default=Status.OPEN, db_default=Status.OPEN
    )
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    ukprn = models.CharField(
        "UKPRN",
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d{8}$", "Enter the UKPRN, 8 digits")],
    )
    source = models.CharField(
        max_length=20, choices=Source.choices, default=Source.MANUAL, db_default=Source.MANUAL
    )
    # The setting that took over this one's pupils (an academy conversion, a merger), from the
    # GIAS links file; enrolments follow it from `succeeded_on` (transitions.services.successions).
    successor = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="predecessors"
    )
    succeeded_on = models.DateField(null=True, blank=True)
    # SEN unit and resourced provision (GIAS), which placement and sufficiency planning look for.
    sen_unit_capacity = models.PositiveIntegerField(null=True, blank=True)
    sen_unit_on_roll = models.PositiveIntegerField(null=True, blank=True)
    resourced_provision_capacity = models.PositiveIntegerField(null=True, blank=True)
    resourced_provision_on_roll = models.PositiveIntegerField(null=True, blank=True)
    resourced_provision_type = models.CharField(max_length=100, blank=True)
    sen_provision_types = models.JSONField(
        default=list, blank=True, help_text="GIAS SEN1 to SEN13: the needs its provision is for"
    )

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


class SchoolTerm(models.Model):
    """One term of a local authority's school year, as the local authority set it.

    Maintained schools follow their local authority's term dates (Education Act 2002 s32(1)); the
    service counts school days from these (core.schooldays), and a school year with none falls
    back to England's defaults. Each term runs from `first_day` to `last_day`, both inclusive.
    """

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="school_terms"
    )
    school_year_starts = models.PositiveSmallIntegerField(
        help_text="The calendar year the school year starts in (2028 for 2028 to 2029)"
    )
    number = models.PositiveSmallIntegerField(help_text="1 to 6, in date order")
    first_day = models.DateField()
    last_day = models.DateField()
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["local_authority", "school_year_starts", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "school_year_starts", "number"],
                name="organisations_one_term_per_number",
            ),
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="organisations_term_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_authority} term {self.number} of {self.school_year_starts}"
