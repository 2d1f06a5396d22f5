"""School groups' pots, commissions, deliveries and the double-entry ledger.

Money is integer pence. Every movement of money is a `LedgerEntry` whose `Posting` lines sum to
zero across four accounts per pot:

    funder     where allocations come from (goes negative as money is allocated)
    available  allocated and not yet committed: the pot's balance
    committed  promised to an approved commission, not yet charged
    spent      charged for sessions delivered

An allocation moves funder -> available, a commitment available -> committed, a delivery charge
committed -> spent, a release committed -> available, an adjustment funder <-> available. Entries
are never edited or deleted (the ORM and database triggers refuse); a mistake is put right by a
reversing entry. So every balance is a sum of postings, and the books balance by construction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum

from passport.children.models import Child
from passport.core.policy import current_pack
from passport.core.text import LONG_TEXT, SHORT_TEXT, reject_markup
from passport.organisations.models import Provider, SchoolGroup, Setting


def validate_stream(code: str) -> None:
    """Refuse a funding stream the policy pack does not list."""
    if code not in dict(current_pack().funding.stream_choices()):
        raise ValidationError(f"{code!r} is not a funding stream in the policy pack")


def financial_year_of(day: dt.date) -> int:
    """Return the year a financial year starts in (2026 for April 2026 to March 2027)."""
    month, first_day = current_pack().funding.financial_year_start
    return day.year if (day.month, day.day) >= (month, first_day) else day.year - 1


def financial_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """Return the first and last days of the financial year starting in `year`."""
    month, first_day = current_pack().funding.financial_year_start
    starts = dt.date(year, month, first_day)
    return starts, dt.date(year + 1, month, first_day) - dt.timedelta(days=1)


def financial_year_label(year: int) -> str:
    return f"{year} to {year + 1}"


class Pot(models.Model):
    """A school group's money from one funding stream for one financial year."""

    school_group = models.ForeignKey(SchoolGroup, on_delete=models.PROTECT, related_name="pots")
    financial_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000)],
        help_text="The year the financial year starts in: 2026 is April 2026 to March 2027",
    )
    stream = models.CharField(max_length=40, validators=[validate_stream])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school_group", "-financial_year", "stream"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_group", "financial_year", "stream"], name="one_pot_per_stream_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stream_name}, {financial_year_label(self.financial_year)}"

    @property
    def stream_name(self) -> str:
        return current_pack().funding.stream_name(self.stream)

    @property
    def year_label(self) -> str:
        return financial_year_label(self.financial_year)

    def balance(self, account: str) -> int:
        """Return the sum of postings to one of this pot's accounts, in pence."""
        total = self.postings.filter(account=account).aggregate(total=Sum("amount_pence"))["total"]
        return int(total or 0)

    def approved_overspend_pence(self) -> int:
        """Return how far below zero recorded approvals let this pot's balance go."""
        total = self.overspend_approvals.aggregate(total=Sum("amount_pence"))["total"]
        return int(total or 0)


class OverspendApproval(models.Model):
    """A recorded decision that a pot may go below zero, by up to an amount."""

    pot = models.ForeignKey(Pot, on_delete=models.PROTECT, related_name="overspend_approvals")
    amount_pence = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    reason = models.TextField(max_length=LONG_TEXT, validators=[reject_markup])
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="overspend_positive"),
        ]

    def __str__(self) -> str:
        return f"Overspend of up to {self.amount_pence}p approved for {self.pot}"


class AppendOnlyQuerySet(models.QuerySet):
    """Ledger rows are never changed in bulk either."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise ValidationError("The ledger is append-only: post a reversing entry instead")

    def delete(self) -> NoReturn:
        raise ValidationError("The ledger is append-only: post a reversing entry instead")


class AppendOnly(models.Model):
    """A row that can be created and never changed or deleted."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValidationError("The ledger is append-only: post a reversing entry instead")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValidationError("The ledger is append-only: post a reversing entry instead")


class LedgerEntry(AppendOnly):
    """One movement of money: its postings sum to zero."""

    class Kind(models.TextChoices):
        ALLOCATION = "allocation", "Allocation"
        COMMITMENT = "commitment", "Commitment"
        DELIVERY_CHARGE = "delivery_charge", "Delivery charge"
        RELEASE = "release", "Release"
        ADJUSTMENT = "adjustment", "Adjustment"
        REVERSAL = "reversal", "Reversal"

    pot = models.ForeignKey(Pot, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    commission = models.ForeignKey(
        "Commission", on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    memo = models.CharField(max_length=SHORT_TEXT, blank=True, validators=[reject_markup])
    idempotency_key = models.CharField(
        max_length=100,
        blank=True,
        help_text="Set by imports and deliveries so the same charge cannot be posted twice",
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["posted_at", "pk"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="ledger_entry_idempotent",
            ),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False)
                | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="only_reversals_reverse",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.pot}"

    @property
    def amount_pence(self) -> int:
        """The size of the movement: the sum of its positive postings."""
        return sum(p.amount_pence for p in self.postings.all() if p.amount_pence > 0)


class Posting(AppendOnly):
    """One line of a ledger entry: a signed amount to one of a pot's accounts."""

    class Account(models.TextChoices):
        FUNDER = "funder", "Funder"
        AVAILABLE = "available", "Available"
        COMMITTED = "committed", "Committed"
        SPENT = "spent", "Spent"

    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="postings")
    pot = models.ForeignKey(Pot, on_delete=models.PROTECT, related_name="postings")
    account = models.CharField(max_length=10, choices=Account.choices)
    amount_pence = models.BigIntegerField()

    class Meta:
        ordering = ["entry", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount_pence=0), name="posting_not_zero"),
            models.CheckConstraint(
                condition=Q(account__in=["funder", "available", "committed", "spent"]),
                name="posting_account_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount_pence:+}p {self.account}"


class Commission(models.Model):
    """A service bought from a provider for a group of children across the group's settings."""

    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        CLOSED = "closed", "Closed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school_group = models.ForeignKey(
        SchoolGroup, on_delete=models.PROTECT, related_name="commissions"
    )
    pot = models.ForeignKey(Pot, on_delete=models.PROTECT, related_name="commissions")
    service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, related_name="commissions"
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="commissions")
    support_kind = models.CharField(max_length=40)
    description = models.CharField(
        "What is being bought", max_length=SHORT_TEXT, validators=[reject_markup]
    )
    units_per_child = models.PositiveIntegerField(
        validators=[MinValueValidator(1)], help_text="Sessions or hours for each child"
    )
    unit = models.CharField(max_length=10)
    unit_cost_pence = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.AWAITING_APPROVAL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="commission_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(units_per_child__gte=1) & Q(unit_cost_pence__gte=1),
                name="commission_positive_amounts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.provider})"

    @property
    def child_count(self) -> int:
        return self.places.count()

    @property
    def total_cost_pence(self) -> int:
        return self.units_per_child * self.unit_cost_pence * self.child_count

    @property
    def support_kind_name(self) -> str:
        return current_pack().support_kind_name(self.support_kind)


class CommissionPlace(models.Model):
    """A child named in a commission, at one of the group's settings."""

    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="places")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="commission_places")
    setting = models.ForeignKey(Setting, on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey(
        "access.Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["commission", "setting__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "child"], name="child_once_per_commission"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} in {self.commission}"


class Delivery(models.Model):
    """One session (or hour) for one child: attended, missed, or cancelled and by whom."""

    class Outcome(models.TextChoices):
        ATTENDED = "attended", "Attended"
        MISSED = "missed", "Missed (the child did not attend)"
        CANCELLED_BY_PROVIDER = "cancelled_by_provider", "Cancelled by the provider"
        CANCELLED_BY_SETTING = "cancelled_by_setting", "Cancelled by the setting"
        CANCELLED_BY_FAMILY = "cancelled_by_family", "Cancelled by the family"

    place = models.ForeignKey(CommissionPlace, on_delete=models.CASCADE, related_name="deliveries")
    delivered_on = models.DateField()
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    units = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    note = models.CharField(max_length=SHORT_TEXT, blank=True, validators=[reject_markup])
    charge = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="delivery"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["delivered_on", "pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["place", "delivered_on"], name="one_delivery_per_child_per_day"
            ),
            models.CheckConstraint(condition=Q(units__gte=1), name="delivery_units_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} on {self.delivered_on}"

    @property
    def charged(self) -> bool:
        return self.charge_id is not None
