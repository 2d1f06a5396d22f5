"""Relationships that exist for access alone: caseloads, referrals, consent, a young person's
choice about their parents, and break-glass openings.

Features create these through `access.services`; the policy in `policies.py` reads them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from passport.children.models import Child, LiveQuerySet
from passport.core.text import LONG_TEXT, reject_markup
from passport.organisations.models import LocalAuthority, Provider, Setting


class CaseloadAssignment(models.Model):
    """A child on an LA SEND caseworker's caseload: the "associated" scope."""

    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="caseload"
    )
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="caseload_assignments")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    objects = LiveQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="caseload_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["caseworker", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.child} on the caseload of {self.caseworker}"


class LocalAuthorityWideAccess(models.Model):
    """The separate permission to see every child resident or educated in an LA."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="la_wide_access"
    )
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    objects = LiveQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "local-authority-wide access"

    def __str__(self) -> str:
        return f"{self.user}: every child in {self.local_authority}"


class Referral(models.Model):
    """An active referral or commission that brings a provider's professionals to a child."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="referrals")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="referrals")
    service = models.CharField(
        max_length=200,
        validators=[reject_markup],
        help_text="For example, speech and language therapy",
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = LiveQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["provider", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.service} by {self.provider} for {self.child}"


class Consent(models.Model):
    """Consent, from a parent or the young person, for a provider to see named sections."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="consents")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="consents")
    sections = models.JSONField(help_text="The passport sections the provider may read")
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["child", "provider"])]

    def __str__(self) -> str:
        return f"Consent for {self.provider} to see {', '.join(self.sections)}"


class ParentalAccessChoice(models.Model):
    """A young person's recorded choice whether a parent keeps access to their passport."""

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="parental_access_choices"
    )
    parent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    keeps_access = models.BooleanField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child", "parent", "-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.parent} {'keeps' if self.keeps_access else 'loses'} access to {self.child}"


class BreakGlass(models.Model):
    """An emergency opening of a record beyond what the person's relationships give: allowed,
    flagged, and reviewed by the data protection lead of the child's setting or, for a child on
    no roll, by their local authority (by the service's administrators when none is known)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass"
    )
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="break_glass")
    reason = models.TextField(max_length=LONG_TEXT, validators=[reject_markup])
    opened_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    # Who reviews the opening is decided when it happens: a child who later joins a roll does
    # not move an earlier opening out of the reviewer's sight.
    review_setting = models.ForeignKey(
        Setting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The setting whose data protection lead reviews this opening",
    )
    review_local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="For a child on no roll: the local authority that reviews this opening",
    )

    class Meta:
        indexes = [models.Index(fields=["user", "child", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_setting__isnull=True) | Q(review_local_authority__isnull=True),
                name="break_glass_one_reviewer",
            ),
        ]

    def __str__(self) -> str:
        return f"Emergency access by {self.user} to {self.child}"
