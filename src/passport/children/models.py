"""The child, their time on roll at settings, and who holds parental responsibility."""

from __future__ import annotations

import datetime as dt
from collections.abc import Set as AbstractSet
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from passport.children.validators import check_date_of_birth
from passport.core.dates import end_of_compulsory_school_age, national_curriculum_year, today
from passport.core.text import SHORT_TEXT, check_name, reject_markup
from passport.organisations.models import LocalAuthority, Setting


class LiveQuerySet(models.QuerySet):
    """Rows with `starts_on` and `ends_on` dates."""

    def live_on(self, day: dt.date) -> LiveQuerySet:
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)


class AccessDecision(Protocol):
    """What an access decision tells the pages about how the person reached the child."""

    @property
    def relationship(self) -> str | None: ...

    @property
    def setting_id(self) -> int | None: ...

    @property
    def sections(self) -> frozenset[str]: ...

    def shows(self, section: str) -> bool: ...


class Child(models.Model):
    """A child or young person with additional needs."""

    # Not stored: `access` sets these on the instance it hands to a page, so the page shows what
    # the decision allows without deciding again.
    access_decision: AccessDecision
    permitted_actions: frozenset[str]
    sections_shown: frozenset[str]

    given_name = models.CharField(max_length=100, validators=[check_name])
    family_name = models.CharField(max_length=100, validators=[check_name])
    preferred_name = models.CharField(max_length=100, blank=True, validators=[check_name])
    date_of_birth = models.DateField()
    upn = models.CharField("UPN", max_length=13, unique=True, null=True, blank=True)
    uln = models.CharField("ULN", max_length=10, unique=True, null=True, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, unique=True, null=True, blank=True)
    home_local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resident_children",
        help_text="The local authority the child lives in, which may differ from where they learn",
    )
    own_account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="own_child_record",
        help_text="The young person's own sign-in, if they have one",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "children"
        indexes = [models.Index(fields=["family_name", "given_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def known_as(self) -> str:
        return self.preferred_name or self.given_name

    def clean(self) -> None:
        if not self.date_of_birth:
            return
        try:
            if self._state.adding:
                # A new record's date of birth must be plausible today; a record kept past the
                # age of 25 (until the retention period ends) stays valid.
                check_date_of_birth(self.date_of_birth)
            elif self.date_of_birth > today():
                raise ValidationError("Date of birth must be today or in the past")
        except ValidationError as exc:
            raise ValidationError({"date_of_birth": exc.messages}) from exc

    def compulsory_school_age_ends_on(self) -> dt.date:
        """Return the day rights pass from the parents to the young person."""
        return end_of_compulsory_school_age(self.date_of_birth)

    def holds_own_rights(self, on: dt.date | None = None) -> bool:
        """Return whether the young person decides for themselves (past compulsory school age)."""
        return (on or today()) > self.compulsory_school_age_ends_on()

    def year_group(self, on: dt.date | None = None) -> int:
        """Return the national curriculum year for their age (Reception is 0)."""
        return national_curriculum_year(self.date_of_birth, on or today())

    def name_for(self, sections: AbstractSet[str], on: dt.date | None = None) -> str:
        """Return the name to show someone who may read the child and sees these sections.

        With the identity section, the full name. Without it (a professional whose consent from
        the family leaves identity out), the least that tells two children apart: the name they
        go by, the initial of their family name and their year group ("Maya R., Year 4"). The
        year group says less than the date of birth it comes from, and nothing more is shown.
        """
        if "identity" in sections:
            return self.full_name
        return f"{self.known_as} {self.family_name[:1]}., {self.year_group_name(on)}"

    def year_group_name(self, on: dt.date | None = None) -> str:
        """Return the year group in words: "Nursery", "Reception", "Year 4", "Past Year 13"."""
        year = self.year_group(on)
        if year < 0:
            return "Nursery"
        if year > 13:  # a young person up to 25: national curriculum years stop at 13
            return "Past Year 13"
        return "Reception" if year == 0 else f"Year {year}"


class Enrolment(models.Model):
    """A period on roll at a setting: the child's on-roll history."""

    class Registration(models.TextChoices):
        MAIN = "main", "Main (single or main dual registration)"
        SUBSIDIARY = "subsidiary", "Subsidiary dual registration"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="enrolments")
    setting = models.ForeignKey(Setting, on_delete=models.PROTECT, related_name="enrolments")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    registration = models.CharField(
        max_length=12, choices=Registration.choices, default=Registration.MAIN
    )

    objects = LiveQuerySet.as_manager()

    class Meta:
        ordering = ["child", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="enrolment_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["setting", "ends_on"]),
            models.Index(fields=["child", "ends_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.child} at {self.setting} from {self.starts_on}"


class ParentalResponsibility(models.Model):
    """A person with parental responsibility for a child, and how they are related."""

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="parental_responsibilities"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="parental_responsibilities"
    )
    relationship = models.CharField(
        max_length=SHORT_TEXT,
        validators=[reject_markup],
        help_text="For example, mother, foster carer",
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    objects = LiveQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "parental responsibilities"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="responsibility_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["child", "person", "starts_on"], name="one_responsibility_per_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.relationship}) for {self.child}"
