"""People who use the service and the roles they hold through memberships."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q

from passport.organisations.models import LocalAuthority, Provider, SchoolGroup, Setting


class Role(models.TextChoices):
    SENCO = "senco", "SENCO"
    TEACHER = "teacher", "Teacher"
    SETTING_HEAD = "setting_head", "Head of setting"
    DATA_PROTECTION_LEAD = "data_protection_lead", "Data protection lead"
    LA_CASEWORKER = "la_caseworker", "Local authority SEND caseworker"
    HEALTH_PROFESSIONAL = "health_professional", "Health or therapy professional"
    PARENT_CARER = "parent_carer", "Parent or carer"
    YOUNG_PERSON = "young_person", "Young person"
    CLUSTER_LEAD = "cluster_lead", "Cluster lead"
    ANALYST = "analyst", "Analyst"
    ADMINISTRATOR = "administrator", "Administrator"


SETTING_ROLES = frozenset({Role.SENCO, Role.TEACHER, Role.SETTING_HEAD, Role.DATA_PROTECTION_LEAD})
STAFF_ROLES = frozenset(set(Role) - {Role.PARENT_CARER, Role.YOUNG_PERSON})


class User(AbstractUser):
    """Someone who signs in. Their email address is their sign-in name."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    REQUIRED_FIELDS = ["email", "full_name"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def live_memberships(self, on: dt.date) -> models.QuerySet[Membership]:
        """Return the memberships that are in force on a date."""
        return self.memberships.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on
        )


class Membership(models.Model):
    """A role a person holds, and the organisation they hold it in, between two dates."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    setting = models.ForeignKey(
        Setting, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    school_group = models.ForeignKey(
        SchoolGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["user", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=sorted(r.value for r in SETTING_ROLES))
                | Q(setting__isnull=False),
                name="setting_roles_name_a_setting",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=[Role.LA_CASEWORKER.value, Role.ANALYST.value])
                | Q(local_authority__isnull=False),
                name="la_roles_name_an_la",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.HEALTH_PROFESSIONAL.value) | Q(provider__isnull=False),
                name="health_roles_name_a_provider",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.CLUSTER_LEAD.value) | Q(school_group__isnull=False),
                name="cluster_leads_name_a_group",
            ),
        ]

    def __str__(self) -> str:
        where = self.setting or self.local_authority or self.provider or self.school_group
        return f"{self.user} - {self.get_role_display()}" + (f" at {where}" if where else "")


class ExternalIdentity(models.Model):
    """A person's account at an OpenID provider (DfE Sign-in, GOV.UK One Login): its subject.

    Linked on the first sign-in whose verified email address is the person's; afterwards the
    provider's subject alone finds them (One Login's subject is pairwise: only we see it).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_identities")
    issuer = models.URLField(max_length=200)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(auto_now_add=True)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user", "issuer"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_person_per_subject"),
            models.UniqueConstraint(fields=["user", "issuer"], name="one_subject_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"


class Invitation(models.Model):
    """An offer of a role at a setting, sent by email as a one-time link.

    Only a hash of the link's token is kept: whoever reads the database cannot use a link.
    """

    setting = models.ForeignKey(Setting, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField("email address")
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=30, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="invitations_sent")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations_accepted"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=sorted(r.value for r in SETTING_ROLES)),
                name="invitations_are_for_setting_roles",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} as {self.get_role_display()} at {self.setting}"
