"""Moves between settings: admissions, leavings, support confirmed in place, phase transfers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from passport.children.models import Child, Enrolment
from passport.core.text import LONG_TEXT, SHORT_TEXT, reject_markup
from passport.organisations.models import Setting


class Admission(models.Model):
    """A child admitted to a setting's roll from a date: the receiving side of a move."""

    class Source(models.TextChoices):
        FORM = "form", "Admission form"
        API = "api", "API"
        CTF = "ctf", "Common Transfer File"
        WAVE = "wave", "September wave"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="admissions")
    setting = models.ForeignKey(Setting, on_delete=models.PROTECT, related_name="admissions")
    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="admission")
    starts_on = models.DateField(help_text="The first day on roll")
    registration = models.CharField(
        max_length=12, choices=Enrolment.Registration.choices, default=Enrolment.Registration.MAIN
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)
    sending_setting = models.ForeignKey(
        Setting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The setting whose main enrolment this admission ended, if any",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "child"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "setting", "starts_on"], name="one_admission_per_start"
            ),
        ]
        indexes = [
            models.Index(fields=["setting", "starts_on"]),
            # The notification task looks up a setting's admissions nobody was told of yet: a
            # handful among the years of admissions a setting has.
            models.Index(
                fields=["setting"],
                condition=Q(notified_at__isnull=True),
                name="admission_awaiting_notice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} admitted to {self.setting} from {self.starts_on}"


class Leaving(models.Model):
    """A child leaving a setting's roll, and where they went."""

    class Destination(models.TextChoices):
        ANOTHER_SETTING = "another_setting", "Another school, college or nursery"
        ELECTIVE_HOME_EDUCATION = "elective_home_education", "Elective home education"
        LEFT_ENGLAND = "left_england", "Left England"
        OTHER = "other", "Other or not known"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="leavings")
    setting = models.ForeignKey(Setting, on_delete=models.PROTECT, related_name="leavings")
    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="leaving")
    last_day = models.DateField()
    destination = models.CharField(max_length=30, choices=Destination.choices)
    destination_detail = models.CharField(
        max_length=SHORT_TEXT, blank=True, validators=[reject_markup]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # The last day to send the pupil's common transfer file: 15 school days after they leave the
    # roll (Education (Pupil Information) (England) Regulations 2005 reg 9(3)), on the setting's
    # local authority's term dates. Empty when that calendar does not reach so far.
    record_due_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-last_day"]

    def __str__(self) -> str:
        return f"{self.child} left {self.setting} on {self.last_day}"


class SupportConfirmation(models.Model):
    """The receiving SENCO's confirmation that they read the passport and support is in place."""

    admission = models.OneToOneField(
        Admission, on_delete=models.CASCADE, related_name="confirmation"
    )
    passport_read = models.BooleanField()
    confirmed_on = models.DateField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)
    calendar_days = models.IntegerField(help_text="Days from the first day on roll")
    school_days = models.IntegerField(help_text="School days from the first day on roll")
    policy_version = models.CharField(max_length=60, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(passport_read=True), name="confirmation_read"),
        ]

    def __str__(self) -> str:
        return f"Support confirmed for {self.admission}"


class SupportDecision(models.Model):
    """What the receiving setting decided for one item of the passport's Support in place."""

    class Decision(models.TextChoices):
        CONTINUE = "continue", "Continue as it is"
        CHANGE = "change", "Change it"
        STOP = "stop", "Stop it"

    confirmation = models.ForeignKey(
        SupportConfirmation, on_delete=models.CASCADE, related_name="decisions"
    )
    support_item = models.ForeignKey(
        "passports.SupportItem", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    description = models.TextField(help_text="The support as it was described when decided")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField(max_length=LONG_TEXT, blank=True, validators=[reject_markup])

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="continue") | ~Q(reason=""),
                name="support_decision_change_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.description[:40]}"


class TransferPlan(models.Model):
    """A child's phase transfer out of a setting: destination and readiness."""

    class Kind(models.TextChoices):
        NURSERY_TO_RECEPTION = "nursery_to_reception", "Nursery to Reception"
        YEAR_6_TO_7 = "year_6_to_7", "Year 6 to Year 7"
        YEAR_11_TO_POST_16 = "year_11_to_post_16", "Year 11 to post-16"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="transfer_plans")
    setting = models.ForeignKey(Setting, on_delete=models.PROTECT, related_name="transfer_plans")
    transfer_year = models.PositiveSmallIntegerField(help_text="The September the child moves")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    destination_setting = models.ForeignKey(
        Setting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    destination_text = models.CharField(
        max_length=SHORT_TEXT, blank=True, validators=[reject_markup]
    )
    passport_reviewed = models.BooleanField(default=False)
    meeting_held_on = models.DateField(null=True, blank=True)
    essentials_shared = models.BooleanField(default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "setting", "transfer_year"], name="one_transfer_plan_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child}: {self.get_kind_display()} {self.transfer_year}"

    @property
    def destination_named(self) -> bool:
        return bool(self.destination_setting_id or self.destination_text)


class PendingTransfer(models.Model):
    """A move asked for by a CTF naming a child on roll at another setting, or on no roll after
    leaving for elective home education or England, or never enrolled: nothing changes until that
    setting or the local authority confirms it (only the local authority for a child on no roll)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="pending_transfers")
    from_setting = models.ForeignKey(
        Setting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers_away_to_decide",
        help_text=(
            "The setting the child was on roll at when the transfer was asked for; none when they "
            "were on no roll, and the local authority decides"
        ),
    )
    to_setting = models.ForeignKey(
        Setting, on_delete=models.PROTECT, related_name="transfers_in_asked_for"
    )
    starts_on = models.DateField(help_text="The first day on roll the file proposed")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # The file's SEN data, kept to apply as the import would have if the transfer is confirmed.
    sen_provision = models.CharField(max_length=1, blank=True)
    need_types = models.JSONField(default=list, blank=True)
    needs_description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(max_length=LONG_TEXT, blank=True, validators=[reject_markup])
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the current setting's SENCOs were emailed"
    )
    # A declined transfer holds further requests for the child from the same setting until the
    # setting the child is on roll at, or the local authority, releases it.
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(
        null=True, blank=True, help_text="When a declined transfer stopped holding new requests"
    )

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            # A file sent again finds the transfer already waiting rather than asking twice.
            models.UniqueConstraint(
                fields=["child", "to_setting"],
                condition=Q(status="pending"),
                name="one_pending_transfer_per_destination",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="pending_transfer_decided_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(reason=""),
                name="pending_transfer_declined_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | Q(status="declined"),
                name="pending_transfer_only_declined_released",
            ),
        ]
        indexes = [
            models.Index(
                fields=["from_setting"],
                condition=Q(status="pending"),
                name="pending_transfer_waiting",
            ),
            models.Index(
                fields=["child", "to_setting"],
                condition=Q(status="declined", released_at__isnull=True),
                name="pending_transfer_held",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} to {self.to_setting}: {self.get_status_display()}"

    @property
    def holds_requests(self) -> bool:
        """Whether this declined transfer refuses further requests from the same setting."""
        return self.status == self.Status.DECLINED and self.released_at is None


class RecordedMove(models.Model):
    """A move recorded on the "Record a move" pages, kept so its recorder can undo it within a
    day (access.policies.may_undo_move): which main enrolments it ended, and their last days
    before, so undoing restores the roll exactly."""

    reference = models.CharField(max_length=12, unique=True)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    setting = models.ForeignKey(Setting, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    registration = models.CharField(max_length=12, choices=Enrolment.Registration.choices)
    admission = models.OneToOneField(
        Admission, on_delete=models.SET_NULL, null=True, blank=True, related_name="recorded_move"
    )
    # [[enrolment id, its ends_on before the move as ISO date or null], ...]
    ended_enrolments = models.JSONField(default=list)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    moved_at = models.DateTimeField()
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return self.reference
