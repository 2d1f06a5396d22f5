"""The support passport (the reform's Individual Support Plan) and its sections.

Every section is kept with django-simple-history, so every change is a version with who and
when; the passport's `version` counts them for people and for the API's If-Match. About me and
My needs also count their own saves, so a form left open is stale only when its own section moved.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from passport.children.models import Child, LiveQuerySet
from passport.children.validators import check_start_date
from passport.core.dates import today
from passport.core.policy import current_pack
from passport.core.text import LONG_TEXT, SHORT_TEXT, reject_markup
from passport.organisations.models import Provider, SchoolGroup


def _support_kind_validator(code: str) -> None:
    if code and code not in dict(current_pack().support_kind_choices()):
        raise ValidationError(f"{code!r} is not a support kind in the policy pack")


def _layer_code_validator(code: str) -> None:
    if code not in dict(current_pack().layer_choices()):
        raise ValidationError(f"{code!r} is not a layer in the policy pack")


class Passport(models.Model):
    """One child's support passport: About me and My needs live here; lists live in items."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="passport")
    version = models.PositiveIntegerField(default=1)
    about_me_version = models.PositiveIntegerField(default=1)
    needs_version = models.PositiveIntegerField(default=1)
    # About me, in the child's own words (Wales IDP one-page profile).
    liked_about_me = models.TextField(
        "What people like and admire about me",
        blank=True,
        max_length=LONG_TEXT,
        validators=[reject_markup],
    )
    matters_to_me = models.TextField(
        "What is important to me", blank=True, max_length=LONG_TEXT, validators=[reject_markup]
    )
    how_to_support_me = models.TextField(
        "How best to support me", blank=True, max_length=LONG_TEXT, validators=[reject_markup]
    )
    # My needs. "E" is derived, never chosen: the EHC plan service sets it, and the day the live
    # plan was issued, when a plan is issued or recorded, and takes them away when it ceases.
    sen_provision = models.CharField("SEN provision", max_length=1, default="K")
    ehc_plan_since = models.DateField(
        "EHC plan in force since",
        null=True,
        blank=True,
        help_text="The day the child's live EHC plan was issued; empty without a live plan",
    )
    broad_areas = models.JSONField(default=list, blank=True)
    needs_description = models.TextField(
        "My needs and how they affect my learning",
        blank=True,
        max_length=LONG_TEXT,
        validators=[reject_markup],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(
        excluded_fields=[
            "version",
            "about_me_version",
            "needs_version",
            "updated_at",
            "updated_by",
        ]
    )

    def __str__(self) -> str:
        return f"Support passport for {self.child}"

    def current_layer(self) -> LayerAssignment | None:
        """Return the layer in force: the most recent assignment."""
        return self.layer_assignments.order_by("-starts_on", "-pk").first()


class RankedNeed(models.Model):
    """A census need type with its rank (1 is the primary need)."""

    passport = models.ForeignKey(Passport, on_delete=models.CASCADE, related_name="ranked_needs")
    need_type = models.CharField(max_length=5)
    rank = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["passport", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["passport", "rank"], name="need_ranks_distinct"),
            models.UniqueConstraint(fields=["passport", "need_type"], name="need_types_distinct"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="need_rank_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.need_type} (rank {self.rank})"


class Strategy(models.Model):
    """Something that works for this child: a strategy or a reasonable adjustment."""

    class Kind(models.TextChoices):
        STRATEGY = "strategy", "Strategy"
        ADJUSTMENT = "adjustment", "Adjustment"

    passport = models.ForeignKey(Passport, on_delete=models.CASCADE, related_name="strategies")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.STRATEGY)
    description = models.TextField(max_length=LONG_TEXT, validators=[reject_markup])
    created_at = models.DateTimeField(auto_now_add=True)
    # Counts this item's saves: a form or an API write that read an older count is refused.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["passport", "created_at", "pk"]
        verbose_name_plural = "strategies"

    def __str__(self) -> str:
        return self.description[:60]


class Period(models.TextChoices):
    DAY = "day", "a day"
    WEEK = "week", "a week"
    HALF_TERM = "half_term", "a half term"
    TERM = "term", "a term"
    YEAR = "year", "a year"


class GroupSize(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "One to one"
    SMALL_GROUP = "small_group", "Small group"
    WHOLE_CLASS = "whole_class", "In class"


class SupportItem(models.Model):
    """One element of provision, specific and quantified (Wales IDP section 2B)."""

    passport = models.ForeignKey(Passport, on_delete=models.CASCADE, related_name="support_items")
    description = models.TextField(
        "What the support is", max_length=LONG_TEXT, validators=[reject_markup]
    )
    intended_outcome = models.TextField(
        "What it is for", max_length=LONG_TEXT, validators=[reject_markup]
    )
    delivered_by = models.CharField(
        "Who provides it", max_length=SHORT_TEXT, validators=[reject_markup]
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group_size = models.CharField(max_length=12, choices=GroupSize.choices)
    minutes_per_session = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    sessions_per_period = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    period = models.CharField(max_length=10, choices=Period.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    layer = models.CharField(max_length=30, validators=[_layer_code_validator])
    support_kind = models.CharField(
        "Kind of support",
        max_length=40,
        blank=True,
        validators=[_support_kind_validator],
        help_text="A code from the policy pack's support_kinds, so a school group can commission it",
    )
    rationale = models.TextField(
        "Why this support", blank=True, max_length=LONG_TEXT, validators=[reject_markup]
    )

    # Counts this item's saves: a form or an API write that read an older count is refused.
    version = models.PositiveIntegerField(default=1)

    objects = LiveQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["passport", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="support_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(minutes_per_session__gte=1), name="support_minutes_positive"
            ),
            models.CheckConstraint(
                condition=Q(sessions_per_period__gte=1), name="support_sessions_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    def clean(self) -> None:
        if self.starts_on:
            try:
                check_start_date(self.starts_on)
            except ValidationError as exc:
                raise ValidationError({"starts_on": exc.messages}) from exc
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": "End date must be the same as or after the start date"}
            )

    @property
    def amount(self) -> str:
        """Say how much and how often, as a person would."""
        times = "once" if self.sessions_per_period == 1 else f"{self.sessions_per_period} times"
        return f"{self.minutes_per_session} minutes, {times} {self.get_period_display()}"


class Outcome(models.Model):
    """What we are aiming for, by when, and how it is going."""

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        SOME = "some", "Some progress"
        GOOD = "good", "Good progress"
        ACHIEVED = "achieved", "Achieved"
        NOT_ACHIEVED = "not_achieved", "Not achieved"

    passport = models.ForeignKey(Passport, on_delete=models.CASCADE, related_name="outcomes")
    description = models.TextField(
        "What we are aiming for", max_length=LONG_TEXT, validators=[reject_markup]
    )
    target_date = models.DateField("By when")
    progress = models.CharField(
        max_length=15, choices=Progress.choices, default=Progress.NOT_STARTED
    )
    progress_notes = models.TextField(blank=True, max_length=LONG_TEXT, validators=[reject_markup])
    # Counts this item's saves: a form or an API write that read an older count is refused.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["passport", "target_date", "pk"]

    def __str__(self) -> str:
        return self.description[:60]


class Review(models.Model):
    """One assess-plan-do-review meeting."""

    class Decision(models.TextChoices):
        CONTINUE = "continue", "Continue the current support"
        STEP_UP = "step_up", "Step up the support"
        STEP_DOWN = "step_down", "Step down the support"
        REQUEST_ASSESSMENT = "request_assessment", "Request an EHC needs assessment"

    passport = models.ForeignKey(Passport, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    participants = models.TextField(
        "Who took part", max_length=LONG_TEXT, validators=[reject_markup]
    )
    child_views = models.TextField(
        "The child's views", max_length=LONG_TEXT, validators=[reject_markup]
    )
    parent_views = models.TextField(
        "The parents' or carers' views",
        blank=True,
        max_length=LONG_TEXT,
        validators=[reject_markup],
    )
    progress_summary = models.TextField(
        "Progress", max_length=LONG_TEXT, validators=[reject_markup]
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    next_review_on = models.DateField()
    # Counts this item's saves: a form or an API write that read an older count is refused.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["passport", "-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Review on {self.held_on}"

    def clean(self) -> None:
        if self.held_on and self.held_on > today():
            raise ValidationError({"held_on": "Date of the review must be today or in the past"})
        if self.held_on and self.next_review_on and self.next_review_on <= self.held_on:
            raise ValidationError(
                {"next_review_on": "Next review date must be after the date of this review"}
            )


class LayerAssignment(models.Model):
    """The layer of support a child is at from a date, and why. The history is the list."""

    passport = models.ForeignKey(
        Passport, on_delete=models.CASCADE, related_name="layer_assignments"
    )
    layer = models.CharField(max_length=30, validators=[_layer_code_validator])
    starts_on = models.DateField()
    reason = models.TextField(max_length=LONG_TEXT, validators=[reject_markup])
    professionals_involved = models.TextField(
        "Professionals involved",
        blank=True,
        max_length=LONG_TEXT,
        validators=[reject_markup],
        help_text="Education and health professionals brought in (Experts at Hand)",
    )
    school_group = models.ForeignKey(
        SchoolGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The school group whose shared services support the child",
    )
    provision_package = models.CharField(
        "Specialist Provision Package",
        max_length=SHORT_TEXT,
        blank=True,
        validators=[reject_markup],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["passport", "-starts_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.layer} from {self.starts_on}"


class AboutMeContribution(models.Model):
    """Something a parent or the child adds to About me, in their own words."""

    class Voice(models.TextChoices):
        CHILD = "child", "The child, in their own words"
        PARENT = "parent", "A parent or carer"
        STAFF = "staff", "Staff at the setting"

    passport = models.ForeignKey(
        Passport, on_delete=models.CASCADE, related_name="about_me_contributions"
    )
    voice = models.CharField(max_length=10, choices=Voice.choices)
    text = models.TextField(max_length=LONG_TEXT, validators=[reject_markup])
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["passport", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class FormSubmission(models.Model):
    """A form (or an API request with an Idempotency-Key) that created a record, by its token.

    A second submit of the same page (a double click, a retry after a slow answer) finds the
    first one here and goes where it went, creating nothing; the unique constraint makes two
    submits at the same moment wait for each other rather than both create.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32)
    # What the first submit made: the address the page went on to, or the id the API added.
    result = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="one_submission_per_form")
        ]

    def __str__(self) -> str:
        return f"Form {self.token} sent by user {self.user_id}"
