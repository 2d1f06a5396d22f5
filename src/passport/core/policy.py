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


class Needs(_Strict):
    ranked_needs_max: int = Field(ge=1, le=5)
    type: list[NeedType] = Field(min_length=1)


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


class Reviews(_Strict):
    default_interval_months: int = Field(gt=0, le=12)
    interval_months_by_layer: dict[str, int]


class Retention(_Strict):
    sen_records_years_after_birth: int = Field(ge=25, le=100)


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


class PolicyPack(_Strict):
    """One validated policy pack."""

    pack: PackInfo
    layers: Layers
    broad_areas: list[BroadArea] = Field(min_length=1)
    sen_provision: list[SenProvision] = Field(min_length=1)
    needs: Needs
    timescales: Timescales
    reviews: Reviews
    retention: Retention
    transitions: Transitions = Field(default_factory=Transitions)

    @model_validator(mode="after")
    def _references_resolve(self) -> PolicyPack:
        for label, codes in (
            ("layer", [layer.code for layer in self.layers.layer]),
            ("broad area", [area.code for area in self.broad_areas]),
            ("SEN provision", [p.code for p in self.sen_provision]),
            ("need type", [n.code for n in self.needs.type]),
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
