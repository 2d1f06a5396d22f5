"""The policy pack: tier names, need codes and statutory timescales as validated data.

The government is still finalising the reform's wording, so the rules live in `policy/*.toml`.
`load_policy_pack` validates a pack and names the first fault; `current_pack` is the cached pack
the service runs on.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import cache
from pathlib import Path

from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


class PolicyPackError(Exception):
    """A policy pack is missing, unreadable or breaks a rule."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PackInfo(_Strict):
    id: str
    version: str
    title: str
    source: str


class Layer(_Strict):
    code: str = Field(pattern=r"^[a-z_]+$")
    name: str
    description: str
    # Targeted Plus brings in professionals (Experts at Hand) through the school group: a change
    # to this layer names them. Specialist provision comes from a Specialist Provision Package
    # under an EHC plan: a change to this layer names the package.
    records_professionals: bool = False
    records_provision_package: bool = False
    # A layer that is an EHC plan's provision is held only while the child has a live plan.
    requires_ehc_plan: bool = False


class Layers(_Strict):
    sequential: bool
    layer: list[Layer] = Field(min_length=1)


class BroadArea(_Strict):
    code: str
    name: str


class SenProvision(_Strict):
    code: str = Field(pattern=r"^[A-Z]$")
    name: str
    allows_need_types: bool = True


class NeedType(_Strict):
    code: str = Field(pattern=r"^[A-Z]{2,5}$")
    name: str
    broad_area: str | None = None
    only_with_provision: list[str] | None = None


class RetiredCode(_Strict):
    """A census code from before the 2014 reforms, still met in older pupils' SEN history."""

    code: str = Field(pattern=r"^[A-Z]{1,5}$")
    name: str
    replaced_by: str
    last_census: int = Field(ge=2000, le=2100)


class Needs(_Strict):
    ranked_needs_max: int = Field(ge=1, le=5)
    type: list[NeedType] = Field(min_length=1)
    # Kept as history when a Common Transfer File carries them, never taken as a current need.
    retired: list[RetiredCode] = Field(default_factory=list)


class Timescales(_Strict):
    decide_to_assess_weeks: int = Field(gt=0)
    professional_advice_weeks: int = Field(gt=0)
    decide_not_to_issue_weeks: int = Field(gt=0)
    draft_plan_comment_days: int = Field(gt=0)
    final_plan_weeks: int = Field(gt=0)
    annual_review_months: int = Field(gt=0)
    review_decision_weeks: int = Field(gt=0)
    amended_plan_weeks: int = Field(gt=0)
    record_transfer_school_days: int = Field(gt=0)
    phase_transfer_deadline: str = Field(pattern=r"^\d\d-\d\d$")
    phase_transfer_deadline_post16: str = Field(pattern=r"^\d\d-\d\d$")
    post16_transfer_months_before: int = Field(gt=0)
    # SEND Regulations 2014 reg. 43 / Tribunal rules: appeal within 2 months of the decision, or
    # 1 month after a mediation certificate if that is later.
    appeal_months: int = Field(default=2, gt=0)
    appeal_after_mediation_months: int = Field(default=1, gt=0)


class Reviews(_Strict):
    default_interval_months: int = Field(gt=0, le=12)
    interval_months_by_layer: dict[str, int]


class Retention(_Strict):
    sen_records_years_after_birth: int = Field(ge=25, le=100)


class PlausibleDates(_Strict):
    """How far back a date of birth and how far ahead a start date may be."""

    oldest_age_years: int = Field(default=25, ge=18, le=30)
    start_date_days_ahead: int = Field(default=366, ge=1, le=731)


class LocalTermDates(_Strict):
    """A local authority's own term dates for one school year, replacing the English defaults."""

    la: str = Field(pattern=r"^\d{3}$")
    school_year_starts: int = Field(ge=2000, le=2100)
    terms: list[tuple[dt.date, dt.date]] = Field(min_length=1, max_length=6)

    @model_validator(mode="after")
    def _terms_in_order(self) -> LocalTermDates:
        previous_end: dt.date | None = None
        for first, last in self.terms:
            if last < first:
                raise ValueError(f"term {first} to {last} ends before it starts")
            if previous_end is not None and first <= previous_end:
                raise ValueError(f"term starting {first} overlaps the term before it")
            previous_end = last
        return self


class Transitions(_Strict):
    """Moves between settings: how soon support must be confirmed, and local term dates."""

    support_confirmation_school_days: int = Field(default=5, gt=0, le=60)
    new_arrivals_weeks: int = Field(default=6, gt=0, le=52)
    la_term_dates: list[LocalTermDates] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_calendar_per_la_year(self) -> Transitions:
        keys = [(t.la, t.school_year_starts) for t in self.la_term_dates]
        for key in keys:
            if keys.count(key) > 1:
                raise ValueError(f"term dates for LA {key[0]} in {key[1]} are given twice")
        return self


class SupportKind(_Strict):
    """A kind of support a provider's service offers, like speech and language therapy."""

    code: str = Field(pattern=r"^[a-z][a-z_]{0,39}$")
    name: str = Field(min_length=1)


class FundingStream(_Strict):
    """Where a school group's money comes from, like the Inclusive Mainstream Fund."""

    code: str = Field(pattern=r"^[a-z][a-z_]{0,39}$")
    name: str = Field(min_length=1)


DELIVERY_OUTCOMES = (
    "attended",
    "missed",
    "cancelled_by_provider",
    "cancelled_by_setting",
    "cancelled_by_family",
)


class Funding(_Strict):
    """School groups' pots: streams, when the financial year starts, when a second person must
    approve a commission, and which session outcomes the provider is paid for."""

    financial_year_starts: str = Field(pattern=r"^\d\d-\d\d$")
    approval_threshold_pence: int = Field(ge=0)
    chargeable_outcomes: list[str] = Field(min_length=1)
    stream: list[FundingStream] = Field(min_length=1)
    # Statistical disclosure control of the dashboard and plan (docs/funding.md): a figure about
    # fewer children than this is merged or withheld.
    fewest_children_shown: int = Field(default=5, ge=2, le=20)

    @model_validator(mode="after")
    def _codes_known(self) -> Funding:
        codes = [s.code for s in self.stream]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise ValueError(f"funding stream {duplicates[0]!r} is defined more than once")
        for outcome in self.chargeable_outcomes:
            if outcome not in DELIVERY_OUTCOMES:
                raise ValueError(
                    f"chargeable outcome {outcome!r} is not one of {DELIVERY_OUTCOMES}"
                )
        month, day = (int(part) for part in self.financial_year_starts.split("-"))
        try:
            dt.date(2001, month, day)
        except ValueError as exc:
            raise ValueError(
                f"financial_year_starts {self.financial_year_starts!r} is not a date"
            ) from exc
        return self

    @property
    def financial_year_start(self) -> tuple[int, int]:
        month, day = (int(part) for part in self.financial_year_starts.split("-"))
        return month, day

    def stream_choices(self) -> list[tuple[str, str]]:
        return [(s.code, s.name) for s in self.stream]

    def stream_name(self, code: str) -> str:
        return dict(self.stream_choices()).get(code, code)


class CeasingReason(_Strict):
    code: str = Field(pattern=r"^[a-z_]+$")
    name: str


class ClockExceptionReason(_Strict):
    """One exception the law lists for a statutory time limit: when it applies, the limit does
    not (SEND Regulations 2014 reg 5(4), 8(2), 10(4), 13(3))."""

    code: str = Field(pattern=r"^[a-z_]+$")
    name: str
    clocks: list[str] = Field(min_length=1)
    law: str = Field(min_length=1)


class Ehcp(_Strict):
    """EHC needs assessments and plans: when a clock counts as at risk, why a plan may cease."""

    # An open statutory clock due within this many days (after this week) is "at risk".
    at_risk_days: int = Field(default=28, gt=7, le=140)
    # The reasons a plan ceases, as the DfE's EHC plans release reports them (SEN2).
    ceasing_reasons: list[CeasingReason] = Field(min_length=1)
    # The closed list of exceptions to the EHC time limits, each naming the clocks it applies to.
    clock_exceptions: list[ClockExceptionReason] = Field(default_factory=list)
    # Days a setting the LA may name has to respond to its consultation (CFA 2014 s39(2)).
    setting_consultation_days: int = Field(default=15, gt=0)
    # Amending a plan: the family's days for representations on the proposed amendments.
    amendment_representations_days: int = Field(default=15, gt=0)
    # A review meeting: notice of it at least this many days ahead; its report within this many.
    review_notice_days: int = Field(default=14, gt=0)
    review_report_days: int = Field(default=14, gt=0)
    # How often the LA should consider reviewing a plan for a child under five: every three to
    # six months (SEND Code of Practice 2015 para 9.178). Guidance, not a time limit.
    under_five_review_months: list[int] = Field(default_factory=lambda: [3, 6])
    # The age below which that guidance applies.
    under_five_review_age: int = Field(default=5, ge=1, le=6)
    # The age in whose academic year a plan may last end (Children and Families Act 2014 s46).
    plan_max_age: int = Field(default=25, ge=19, le=30)
    # Ceasing reasons with no decision to appeal: the plan ends on the day (e.g. a death).
    cease_at_once_reasons: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _codes_distinct(self) -> Ehcp:
        codes = [reason.code for reason in self.ceasing_reasons]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise ValueError(f"ceasing reason {duplicates[0]!r} is defined more than once")
        return self


class LegacyPlans(_Strict):
    """Dual running for plans made before the reform: when they are reassessed, when a
    mainstream child may move to an Individual Support Plan, and who is protected."""

    published_on: dt.date
    reassessment_at_transitions_from: dt.date
    isp_moves_from: dt.date
    transition_years: list[int] = Field(min_length=1)
    protected_from_year: int = Field(ge=0, le=13)
    # Ceasing a plan for these reasons hands the child to the passport (the ISP): a move the
    # dual-running rules decide (`ehcp.legacy.refuse_move_to_isp`).
    moves_to_isp_ceasing_reasons: list[str] = Field(default_factory=lambda: ["needs_met"])
    end_of_secondary_year: int = Field(ge=7, le=13)
    special_place_window: tuple[dt.date, dt.date]

    @model_validator(mode="after")
    def _dates_in_order(self) -> LegacyPlans:
        if not self.published_on < self.reassessment_at_transitions_from <= self.isp_moves_from:
            raise ValueError(
                "published_on, reassessment_at_transitions_from and isp_moves_from must be in "
                "that order"
            )
        if sorted(set(self.transition_years)) != self.transition_years:
            raise ValueError("transition_years must be distinct and in order, like [0, 7, 12]")
        if not all(-3 <= year <= 14 for year in self.transition_years):
            raise ValueError("transition_years must be school years from -3 to 14")
        first, last = self.special_place_window
        if last < first:
            raise ValueError("special_place_window ends before it starts")
        return self


class PolicyPack(_Strict):
    """One validated policy pack."""

    pack: PackInfo
    layers: Layers
    broad_areas: list[BroadArea] = Field(min_length=1)
    sen_provision: list[SenProvision] = Field(min_length=1)
    retired_sen_provision: list[RetiredCode] = Field(default_factory=list)
    needs: Needs
    timescales: Timescales
    reviews: Reviews
    retention: Retention
    plausible_dates: PlausibleDates = Field(default_factory=PlausibleDates)
    transitions: Transitions = Field(default_factory=Transitions)
    ehcp: Ehcp
    support_kinds: list[SupportKind] = Field(default_factory=list)
    funding: Funding
    legacy_plans: LegacyPlans

    @model_validator(mode="after")
    def _references_resolve(self) -> PolicyPack:
        for label, codes in (
            ("layer", [layer.code for layer in self.layers.layer]),
            ("broad area", [area.code for area in self.broad_areas]),
            ("SEN provision", [p.code for p in self.sen_provision]),
            ("need type", [n.code for n in self.needs.type]),
            ("support kind", [k.code for k in self.support_kinds]),
        ):
            duplicates = sorted({c for c in codes if codes.count(c) > 1})
            if duplicates:
                raise ValueError(f"{label} code {duplicates[0]!r} is defined more than once")
        area_codes = {area.code for area in self.broad_areas}
        provision_codes = {p.code for p in self.sen_provision}
        for need in self.needs.type:
            if need.broad_area is not None and need.broad_area not in area_codes:
                raise ValueError(
                    f"need type {need.code!r} names broad area {need.broad_area!r}, "
                    "which the pack does not define"
                )
            for code in need.only_with_provision or []:
                if code not in provision_codes:
                    raise ValueError(
                        f"need type {need.code!r} names SEN provision {code!r}, "
                        "which the pack does not define"
                    )
        layer_codes = {layer.code for layer in self.layers.layer}
        for code, months in self.reviews.interval_months_by_layer.items():
            if code not in layer_codes:
                raise ValueError(f"reviews.interval_months_by_layer names unknown layer {code!r}")
            if not 0 < months <= 12:
                raise ValueError(f"review interval for {code!r} must be 1 to 12 months")
        return self

    def layer_choices(self) -> list[tuple[str, str]]:
        """Return (code, name) pairs in the pack's order."""
        return [(layer.code, layer.name) for layer in self.layers.layer]

    def layer(self, code: str) -> Layer | None:
        """Return the layer with this code, or None if the pack no longer has it."""
        return next((layer for layer in self.layers.layer if layer.code == code), None)

    def layer_name(self, code: str) -> str:
        """Return the display name of a layer code, or the code if the pack no longer has it."""
        return dict(self.layer_choices()).get(code, code)

    def need_type(self, code: str) -> NeedType | None:
        """Return the need type with this code."""
        return next((n for n in self.needs.type if n.code == code), None)

    def need_type_choices(self) -> list[tuple[str, str]]:
        """Return (code, name) pairs for need types."""
        return [(n.code, n.name) for n in self.needs.type]

    def broad_area_choices(self) -> list[tuple[str, str]]:
        """Return (code, name) pairs for the broad areas of need."""
        return [(a.code, a.name) for a in self.broad_areas]

    def provision(self, code: str) -> SenProvision | None:
        """Return the SEN provision with this census code."""
        return next((p for p in self.sen_provision if p.code == code), None)

    def provision_choices(self) -> list[tuple[str, str]]:
        """Return (code, name) pairs for SEN provision."""
        return [(p.code, p.name) for p in self.sen_provision]

    def support_kind_choices(self) -> list[tuple[str, str]]:
        """Return (code, name) pairs for the kinds of support services offer."""
        return [(k.code, k.name) for k in self.support_kinds]

    def support_kind_name(self, code: str) -> str:
        """Return the display name of a support kind, or the code if the pack no longer has it."""
        return dict(self.support_kind_choices()).get(code, code)

    def review_interval_months(self, layer_code: str | None) -> int:
        """Return how often a passport at this layer is reviewed."""
        if layer_code is None:
            return self.reviews.default_interval_months
        return self.reviews.interval_months_by_layer.get(
            layer_code, self.reviews.default_interval_months
        )


def load_policy_pack(path: Path) -> PolicyPack:
    """Read and validate the pack at `path`, naming the first fault if it is invalid."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PolicyPackError(f"Policy pack {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PolicyPackError(f"Policy pack {path} is not valid TOML: {exc}") from exc
    try:
        return PolicyPack.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the pack"
        raise PolicyPackError(f"Policy pack {path} is invalid at {where}: {first['msg']}") from exc


@cache
def current_pack() -> PolicyPack:
    """Return the pack named by settings.POLICY_PACK, loaded once per process."""
    return load_policy_pack(Path(settings.POLICY_PACK))
