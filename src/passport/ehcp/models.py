"""EHC needs assessments and plans: the request, the LA's decisions, advice, the plan (sections
A-K), annual reviews, and the statutory clocks that time every step.

Every date a step is due comes from `passport.core.clocks.deadline` and is kept on a
`StatutoryClock` row, so dashboards and the SEN2 return read due dates with one query. Services
in `services/` are the only writers; they keep the order of the steps (no decision before the
request, no final plan without a draft) and the database refuses the rest. See docs/ehcp.md.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from passport.children.models import Child
from passport.core.clocks import Clock
from passport.core.text import LONG_TEXT, SHORT_TEXT, reject_markup
from passport.organisations.models import LocalAuthority, Provider, Setting


def _text(label: str, **kwargs) -> models.TextField:
    return models.TextField(
        label, blank=True, max_length=LONG_TEXT, validators=[reject_markup], **kwargs
    )


class AssessmentRequest(models.Model):
    """A request to the local authority for an EHC needs assessment (Children and Families Act
    2014 s.36), by a parent, a young person (16-25) or the child's setting."""

    class RequesterKind(models.TextChoices):
        PARENT = "parent", "Parent or carer"
        YOUNG_PERSON = "young_person", "Young person"
        SETTING = "setting", "Setting"

    class Status(models.TextChoices):
        RECEIVED = "received", "Waiting for the decision to assess"
        ASSESSING = "assessing", "Being assessed"
        NOT_ASSESSING = "not_assessing", "The local authority decided not to assess"
        DRAFT_ISSUED = "draft_issued", "Draft plan issued"
        NOT_ISSUING = "not_issuing", "The local authority decided not to issue a plan"
        FINAL_ISSUED = "final_issued", "Final plan issued"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN = (Status.RECEIVED, Status.ASSESSING, Status.DRAFT_ISSUED)

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="assessment_requests")
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="assessment_requests"
    )
    requester_kind = models.CharField(max_length=12, choices=RequesterKind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    setting = models.ForeignKey(
        Setting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessment_requests",
        help_text="The requesting setting, when a setting asks",
    )
    source_review = models.ForeignKey(
        "passports.Review",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessment_requests",
        help_text="The assess-plan-do-review meeting that recommended the request",
    )
    received_on = models.DateField(help_text="The day the LA received the request: clocks start")
    reason = models.TextField(max_length=LONG_TEXT, validators=[reject_markup])
    evidence = models.JSONField(
        default=dict, help_text="The passport as it stood when the request was made"
    )
    evidence_passport_version = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.RECEIVED)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requester_kind__in=["parent", "young_person", "setting"]),
                name="ehcp_request_known_requester",
            ),
            models.CheckConstraint(
                condition=Q(requester_kind="setting", setting__isnull=False)
                | (~Q(requester_kind="setting") & Q(setting__isnull=True)),
                name="ehcp_request_setting_iff_setting_asks",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "received",
                        "assessing",
                        "not_assessing",
                        "draft_issued",
                        "not_issuing",
                        "final_issued",
                        "withdrawn",
                    ]
                ),
                name="ehcp_request_known_status",
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(status__in=["received", "assessing", "draft_issued"]),
                name="ehcp_one_open_request_per_child",
            ),
        ]

    def __str__(self) -> str:
        return f"EHC needs assessment request for {self.child} received {self.received_on}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class AssessmentDecision(models.Model):
    """The LA's decision at one stage of a request: whether to assess, then whether to issue.

    A refusal carries appeal rights: `appeal_by` is the last day to register an appeal with the
    SEND Tribunal, moved later by a mediation certificate.
    """

    class Stage(models.TextChoices):
        ASSESS = "assess", "Whether to assess"
        ISSUE = "issue", "Whether to issue a plan"

    class Kind(models.TextChoices):
        ASSESS = "assess", "Decided to assess"
        NOT_ASSESS = "not_assess", "Decided not to assess"
        ISSUE = "issue", "Decided to issue a plan"
        NOT_ISSUE = "not_issue", "Decided not to issue a plan"

    REFUSALS = (Kind.NOT_ASSESS, Kind.NOT_ISSUE)

    request = models.ForeignKey(
        AssessmentRequest, on_delete=models.CASCADE, related_name="decisions"
    )
    stage = models.CharField(max_length=6, choices=Stage.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    decided_on = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True, max_length=LONG_TEXT, validators=[reject_markup])
    # The appeal clock runs from the day the written notice was sent (HESC Rules 2008 r20(1)).
    notice_sent_on = models.DateField(null=True, blank=True)
    appeal_by = models.DateField(null=True, blank=True)
    mediation_certificate_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "decided_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "stage"], name="ehcp_one_decision_per_stage"
            ),
            models.CheckConstraint(
                condition=Q(stage="assess", kind__in=["assess", "not_assess"])
                | Q(stage="issue", kind__in=["issue", "not_issue"]),
                name="ehcp_decision_kind_fits_stage",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["assess", "issue"], appeal_by__isnull=True)
                | (
                    Q(kind__in=["not_assess", "not_issue"], appeal_by__isnull=False) & ~Q(reason="")
                ),
                name="ehcp_refusal_has_reason_and_appeal_date",
            ),
            models.CheckConstraint(
                condition=Q(appeal_by__isnull=True) | Q(appeal_by__gt=F("decided_on")),
                name="ehcp_appeal_after_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.decided_on}"

    @property
    def is_refusal(self) -> bool:
        return self.kind in self.REFUSALS


class AdviceRequest(models.Model):
    """Advice the LA asked for during an assessment (SEND Regulations 2014 reg. 6): each adviser
    has 6 weeks."""

    class AdviserKind(models.TextChoices):
        EDUCATIONAL = "educational", "Educational advice (the setting)"
        PSYCHOLOGY = "psychology", "Educational psychologist"
        HEALTH = "health", "Health care professional"
        SOCIAL_CARE = "social_care", "Social care"
        OTHER = "other", "Other"

    request = models.ForeignKey(
        AssessmentRequest, on_delete=models.CASCADE, related_name="advice_requests"
    )
    adviser_kind = models.CharField(max_length=12, choices=AdviserKind.choices)
    adviser = models.CharField(max_length=SHORT_TEXT, validators=[reject_markup])
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="advice_requests"
    )
    asked_on = models.DateField()
    received_on = models.DateField(null=True, blank=True)
    advice = models.TextField(blank=True, max_length=LONG_TEXT, validators=[reject_markup])
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["request", "asked_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(received_on__isnull=True) | Q(received_on__gte=F("asked_on")),
                name="ehcp_advice_received_after_asked",
            ),
        ]

    def __str__(self) -> str:
        return f"Advice from {self.adviser} asked on {self.asked_on}"


class PreferenceRefusal(models.TextChoices):
    """The only reasons an LA may refuse to name the setting a family asks for (Children and
    Families Act 2014 s39(4))."""

    UNSUITABLE = (
        "unsuitable",
        (
            "It is unsuitable for the child's age, ability, aptitude or special educational needs "
            "(s39(4)(a))"
        ),
    )
    OTHERS_EDUCATION = (
        "others_education",
        (
            "Attending it would be incompatible with the efficient education of others (s39(4)(b)(i))"
        ),
    )
    RESOURCES = (
        "resources",
        ("Attending it would be incompatible with the efficient use of resources (s39(4)(b)(ii))"),
    )


class Plan(models.Model):
    """An EHC plan, sections A to K. E (outcomes) and F (provision) are items of their own.

    `route` says which rules the plan lives under: a plan after an assessment request under the
    reform, a plan from birth for complex needs known at birth, or a plan made before the reform
    (dual running, kept to the end of the current phase).
    """

    class Route(models.TextChoices):
        REFORM = "reform", "After an EHC needs assessment"
        FROM_BIRTH = "from_birth", "From birth"
        LEGACY_PRE_REFORM = "legacy_pre_reform", "Made before the reform"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINAL = "final", "Final"
        CEASED = "ceased", "Ceased"

    class Origin(models.TextChoices):
        MADE_HERE = "made_here", "Made in this service"
        RECORDED = "recorded", "Recorded as it already stood"
        TRANSFERRED_IN = "transferred_in", "Transferred in from another local authority"
        FROM_FLAG = "from_flag", "Recorded from a passport that said the child has a plan"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="ehc_plans")
    # RESTRICT, not PROTECT: erasing a child deletes the request and the plan together.
    request = models.OneToOneField(
        AssessmentRequest,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="plan",
    )
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="ehc_plans"
    )
    route = models.CharField(max_length=20, choices=Route.choices, default=Route.REFORM)
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    # How the plan came to be recorded: made here, entered as it already stood, transferred in
    # from another LA (SEND Regulations 2014 reg 15: the new LA maintains the old LA's plan), or
    # made from a passport that only said "EHC plan" before plans were records (issue 16).
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.MADE_HERE)
    transferred_from_la_code = models.CharField(
        "Local authority code the plan came from", max_length=3, blank=True
    )
    transferred_in_on = models.DateField(null=True, blank=True)
    details_to_confirm = models.BooleanField(
        default=False, help_text="Dates or sections were not known when the plan was recorded"
    )

    section_a = _text("A: the views, interests and aspirations of the child and their family")
    section_b = _text("B: special educational needs")
    section_c = _text("C: health needs related to the special educational needs")
    section_d = _text("D: social care needs related to the special educational needs")
    section_g = _text("G: health provision")
    section_h1 = _text(
        "H1: social care provision under the Chronically Sick and Disabled Persons Act"
    )
    section_h2 = _text("H2: other social care provision")
    placement = models.ForeignKey(
        Setting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ehc_plans_naming",
        verbose_name="I: the setting named in the plan",
    )
    placement_type = models.CharField(
        "I: type of placement", max_length=SHORT_TEXT, blank=True, validators=[reject_markup]
    )
    section_j = _text("J: personal budget")
    section_k = _text("K: advice and information gathered")

    draft_issued_on = models.DateField(null=True, blank=True)
    family_responded_on = models.DateField(null=True, blank=True)
    family_comments = models.TextField(blank=True, max_length=LONG_TEXT, validators=[reject_markup])
    family_preferred_setting = models.ForeignKey(
        Setting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Why the setting the family asked for is not named: one of the two reasons the law allows
    # (Children and Families Act 2014 s39(4)); blank when it is named or none was asked for.
    preference_not_named_because = models.CharField(
        max_length=24, choices=PreferenceRefusal.choices, blank=True
    )
    finalised_on = models.DateField(null=True, blank=True)
    # The family may appeal against sections B, F and I of the final plan (Children and Families
    # Act 2014 s51(2)(c)); the final plan is the notice, so time runs from the day it was sent.
    final_appeal_by = models.DateField(null=True, blank=True)
    ceased_on = models.DateField(null=True, blank=True)
    cease_notice_sent_on = models.DateField(null=True, blank=True)
    ceasing_reason = models.CharField(
        max_length=30,
        blank=True,
        help_text="A code from the policy pack's [[ehcp.ceasing_reasons]]",
    )
    cease_appeal_by = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(route__in=["reform", "from_birth", "legacy_pre_reform"]),
                name="ehcp_plan_known_route",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", finalised_on__isnull=True, ceased_on__isnull=True)
                | Q(status="final", finalised_on__isnull=False, ceased_on__isnull=True)
                | Q(status="ceased", ceased_on__isnull=False) & ~Q(ceasing_reason=""),
                name="ehcp_plan_dates_fit_status",
            ),
            models.CheckConstraint(
                condition=Q(finalised_on__isnull=True)
                | Q(draft_issued_on__isnull=True)
                | Q(finalised_on__gte=F("draft_issued_on")),
                name="ehcp_plan_final_after_draft",
            ),
            models.CheckConstraint(
                condition=Q(ceased_on__isnull=True)
                | Q(finalised_on__isnull=True)
                | Q(ceased_on__gte=F("finalised_on")),
                name="ehcp_plan_ceased_after_final",
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(status__in=["draft", "final"]),
                name="ehcp_one_live_plan_per_child",
            ),
            models.CheckConstraint(
                condition=Q(origin="transferred_in", transferred_from_la_code__regex=r"^[0-9]{3}$")
                | (~Q(origin="transferred_in") & Q(transferred_from_la_code="")),
                name="ehcp_plan_transfer_names_old_la",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} EHC plan for {self.child} (version {self.version})"


class PlanOutcome(models.Model):
    """Section E: one outcome the plan aims for."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveSmallIntegerField()
    broad_area = models.CharField(max_length=5, blank=True, help_text="A broad area from the pack")
    description = models.TextField(max_length=LONG_TEXT, validators=[reject_markup])
    by_when = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="ehcp_outcome_position"),
            models.CheckConstraint(condition=~Q(description=""), name="ehcp_outcome_not_blank"),
        ]

    def __str__(self) -> str:
        return self.description[:60]


class PlanProvision(models.Model):
    """Section F: one piece of special educational provision, specific and quantified."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="provisions")
    outcome = models.ForeignKey(
        PlanOutcome, on_delete=models.SET_NULL, null=True, blank=True, related_name="provisions"
    )
    position = models.PositiveSmallIntegerField()
    description = models.TextField(max_length=LONG_TEXT, validators=[reject_markup])
    delivered_by = models.CharField(max_length=SHORT_TEXT, blank=True, validators=[reject_markup])
    how_often = models.CharField(
        max_length=SHORT_TEXT,
        blank=True,
        validators=[reject_markup],
        help_text="e.g. 30 minutes, 3 times a week",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="ehcp_provision_position"),
            models.CheckConstraint(condition=~Q(description=""), name="ehcp_provision_not_blank"),
        ]

    def __str__(self) -> str:
        return self.description[:60]


class SettingConsultation(models.Model):
    """The LA consulting a setting it may name in section I before naming it (Children and
    Families Act 2014 s39(2) for a draft sent with the family's request, s40(2) otherwise),
    sending it the draft plan; the setting has 15 days to respond (policy pack
    `ehcp.setting_consultation_days`)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="consultations")
    setting = models.ForeignKey(Setting, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField()
    respond_by = models.DateField()
    responded_on = models.DateField(null=True, blank=True)
    response = models.TextField(blank=True, max_length=LONG_TEXT, validators=[reject_markup])
    version = models.PositiveIntegerField(default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["plan", "sent_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "setting"], name="ehcp_consult_once"),
            models.CheckConstraint(
                condition=Q(respond_by__gt=F("sent_on")), name="ehcp_consult_respond_after_sent"
            ),
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True) | Q(responded_on__gte=F("sent_on")),
                name="ehcp_consult_response_after_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"Consultation of {self.setting} sent {self.sent_on}"

    def answered_or_lapsed(self, on: date) -> bool:
        """Whether the setting has responded, or its time to respond ended before `on`."""
        return self.responded_on is not None or on > self.respond_by


class AnnualReview(models.Model):
    """A review of a final plan (at least every 12 months), with the procedure of SEND
    Regulations 2014 reg 20: the meeting's notice at least 2 weeks ahead, the report within 2
    weeks of the meeting, and the LA's decision within 4 weeks of it (reg 20(10)). A decision to
    amend is then carried out by an `Amendment` (reg 22)."""

    class Outcome(models.TextChoices):
        KEEP = "keep", "Keep the plan as it is"
        AMEND = "amend", "Amend the plan"
        CEASE = "cease", "Cease the plan"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="annual_reviews")
    meeting_on = models.DateField()
    invitations_sent_on = models.DateField(
        null=True, blank=True, help_text="When the notice of the meeting was sent"
    )
    report_sent_on = models.DateField(
        null=True, blank=True, help_text="When the report of the meeting was sent"
    )
    report = models.TextField(blank=True, max_length=LONG_TEXT, validators=[reject_markup])
    version = models.PositiveIntegerField(default=1)
    outcome = models.CharField(max_length=5, choices=Outcome.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    amended_plan_issued_on = models.DateField(null=True, blank=True)
    # A decision not to amend (s51(2)(e)) or the amended plan (s51(2)(d)) can be appealed: time
    # runs from the notice of the decision, or from the day the amended plan was sent.
    notice_sent_on = models.DateField(null=True, blank=True)
    appeal_by = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=LONG_TEXT, validators=[reject_markup])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["plan", "-meeting_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("meeting_on")),
                name="ehcp_review_decided_after_meeting",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True, outcome="")
                | Q(decided_on__isnull=False) & ~Q(outcome=""),
                name="ehcp_review_outcome_with_decision",
            ),
            models.CheckConstraint(
                condition=Q(amended_plan_issued_on__isnull=True)
                | Q(outcome="amend", amended_plan_issued_on__gte=F("decided_on")),
                name="ehcp_review_amended_after_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"Annual review meeting on {self.meeting_on}"


class Amendment(models.Model):
    """Amending a final plan (SEND Regulations 2014 reg 22): the notice of the proposed
    amendments, at least 15 days for the family's representations, then the amended plan within
    8 weeks of the notice. It may follow a review's decision to amend, or come at any time."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="amendments")
    review = models.OneToOneField(
        AnnualReview,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="amendment",
    )
    proposed = models.TextField(max_length=LONG_TEXT, validators=[reject_markup])
    notice_sent_on = models.DateField()
    representations_until = models.DateField()
    representations_on = models.DateField(null=True, blank=True)
    representations = models.TextField(blank=True, max_length=LONG_TEXT, validators=[reject_markup])
    issued_on = models.DateField(null=True, blank=True)
    appeal_by = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["plan", "-notice_sent_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(proposed=""), name="ehcp_amendment_says_what"),
            models.CheckConstraint(
                condition=Q(representations_until__gte=F("notice_sent_on")),
                name="ehcp_amendment_window_after_notice",
            ),
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True) | Q(issued_on__gte=F("notice_sent_on")),
                name="ehcp_amendment_issued_after_notice",
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(issued_on__isnull=True),
                name="ehcp_one_open_amendment_per_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"Amendment proposed on {self.notice_sent_on}"


class StatutoryClockQuerySet(models.QuerySet["StatutoryClock"]):
    def running(self) -> StatutoryClockQuerySet:
        """Clocks whose step is still to be done and not excused."""
        return self.filter(met_on__isnull=True, stopped_on__isnull=True, excused=False)


class StatutoryClock(models.Model):
    """One legal time limit on one step of one case, from its start to the day it was met.

    `due_on` is always `core.clocks.deadline(clock, starts_on, pauses=...)` over this clock's
    pause exceptions; services recompute it when a pause is recorded. A clock stops without
    being met when the step no longer applies (a refusal ends the final-plan clock).
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="statutory_clocks")
    request = models.ForeignKey(
        AssessmentRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="clocks"
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="clocks"
    )
    advice_request = models.OneToOneField(
        AdviceRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="clock"
    )
    annual_review = models.ForeignKey(
        AnnualReview, on_delete=models.CASCADE, null=True, blank=True, related_name="clocks"
    )
    clock = models.CharField(max_length=24, choices=[(c.value, c.value) for c in Clock])
    starts_on = models.DateField()
    due_on = models.DateField()
    met_on = models.DateField(null=True, blank=True)
    stopped_on = models.DateField(null=True, blank=True)
    excused = models.BooleanField(default=False)
    missed_notice_queued_at = models.DateTimeField(null=True, blank=True)

    objects = StatutoryClockQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gt=F("starts_on")), name="ehcp_clock_due_after_start"
            ),
            models.CheckConstraint(
                condition=Q(met_on__isnull=True) | Q(met_on__gte=F("starts_on")),
                name="ehcp_clock_met_after_start",
            ),
            models.CheckConstraint(
                condition=Q(request__isnull=False) | Q(plan__isnull=False),
                name="ehcp_clock_belongs_to_a_case",
            ),
        ]
        indexes = [models.Index(fields=["met_on", "stopped_on", "excused", "due_on"])]

    def __str__(self) -> str:
        return f"{self.clock} due {self.due_on}"

    @property
    def is_running(self) -> bool:
        return self.met_on is None and self.stopped_on is None and not self.excused


class ClockException(models.Model):
    """One of the exceptions the law lists for a time limit (SEND Regulations 2014 reg 5(4),
    8(2), 10(4), 13(3)): while it applies the time limit does not; nothing is paused.

    `code` is one of the policy pack's `[[ehcp.clock_exceptions]]`; it is blank only for
    exceptions recorded as free text before the list, kept with their words.
    """

    class Kind(models.TextChoices):
        EXCUSE = "excuse", "The time limit does not apply"

    statutory_clock = models.ForeignKey(
        StatutoryClock, on_delete=models.CASCADE, related_name="exceptions"
    )
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.EXCUSE)
    code = models.CharField(max_length=40, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="When the circumstance ended")
    reason = models.TextField(max_length=LONG_TEXT, validators=[reject_markup])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["statutory_clock", "starts_on"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="ehcp_exception_has_reason"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="ehcp_exception_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reason[:40]}"


class CeasingProposal(models.Model):
    """The LA considering ceasing a plan, its decision and any appeal against it.

    SEND Regulations 2014 reg 31: the LA informs and consults the child's parent or the young
    person, and consults the head of the institution named in the plan, before deciding; it then
    notifies the decision with the right to appeal. Children and Families Act 2014 s45(4): the
    plan is maintained until the time to appeal has passed, or an appeal is finally determined.
    """

    class Status(models.TextChoices):
        CONSULTING = "consulting", "Considering ceasing: consulting"
        NOTIFIED = "notified", "Decided to cease: time to appeal running"
        APPEALED = "appealed", "Appeal registered with the SEND Tribunal"
        CEASED = "ceased", "Plan ceased"
        PLAN_CONTINUES = "plan_continues", "Plan continues"

    class TribunalOutcome(models.TextChoices):
        CEASE_UPHELD = "cease_upheld", "The Tribunal upheld the decision to cease"
        PLAN_CONTINUES = "plan_continues", "The Tribunal ordered the plan to continue"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="ceasing_proposals")
    reason = models.CharField(max_length=30, help_text="A code from [[ehcp.ceasing_reasons]]")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CONSULTING)
    proposed_on = models.DateField(help_text="The family was told and consulted (reg 31(1))")
    setting_consulted_on = models.DateField(null=True, blank=True)
    notice_sent_on = models.DateField(null=True, blank=True)
    appeal_by = models.DateField(null=True, blank=True)
    appeal_registered_on = models.DateField(null=True, blank=True)
    tribunal_outcome = models.CharField(max_length=16, choices=TribunalOutcome.choices, blank=True)
    tribunal_decided_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(status__in=["consulting", "notified", "appealed"]),
                name="ehcp_one_open_ceasing_proposal_per_plan",
            ),
            models.CheckConstraint(
                condition=Q(notice_sent_on__isnull=True)
                | Q(notice_sent_on__gte=F("proposed_on"), appeal_by__isnull=False),
                name="ehcp_ceasing_notice_after_proposal",
            ),
        ]

    def __str__(self) -> str:
        return f"Ceasing {self.reason}: {self.get_status_display()}"
