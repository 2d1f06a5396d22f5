"""The passport as the API reads and writes it.

Input schemas check shape, length and dates; the services check the rest (policy-pack codes,
need-type rules, markup in text) and name the field at fault.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from passport.access.policies import Action, decide
from passport.core.policy import current_pack
from passport.core.text import LONG_TEXT, SHORT_TEXT
from passport.passports.models import (
    AboutMeContribution,
    GroupSize,
    LayerAssignment,
    Outcome,
    Passport,
    Period,
    Review,
    Strategy,
    SupportItem,
)
from passport.web.params import MAX_ID
from passport.web.schemas import (
    Code,
    Input,
    IsoDate,
    RequiredShortText,
    RequiredText,
    Text,
)


class CodeName(Schema):
    """A code from the policy pack and the name people read."""

    code: str
    name: str


def layer_named(code: str) -> CodeName:
    return CodeName(code=code, name=current_pack().layer_name(code))


def need_type_named(code: str) -> CodeName:
    need = current_pack().need_type(code)
    return CodeName(code=code, name=need.name if need else code)


def provision_named(code: str) -> CodeName:
    provision = current_pack().provision(code)
    return CodeName(code=code, name=provision.name if provision else code)


# About me


class AboutMeIn(Input):
    liked_about_me: Text = Field(description="What people like and admire about me")
    matters_to_me: Text = Field(description="What is important to me")
    how_to_support_me: Text = Field(description="How best to support me")


class ContributionIn(Input):
    voice: Literal["child", "parent"] = Field(description="Whose words these are")
    text: RequiredText


class ContributionOut(Schema):
    id: int
    voice: str
    text: str
    author: str
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj: AboutMeContribution) -> str:
        return str(obj.author)


class AboutMeOut(Schema):
    version: int
    liked_about_me: str
    matters_to_me: str
    how_to_support_me: str
    contributions: list[ContributionOut]

    @staticmethod
    def resolve_contributions(obj: Passport) -> list[AboutMeContribution]:
        return list(obj.about_me_contributions.select_related("author"))


# My needs


class NeedsIn(Input):
    sen_provision: Code = Field(description="SEN provision code from the policy pack: K, E or N")
    need_types: list[Code] = Field(
        description="Need type codes, primary need first; at most the policy pack's limit (2)"
    )
    broad_areas: list[Code] = Field(default_factory=list, description="Broad area codes")
    needs_description: RequiredText


class RankedNeedOut(Schema):
    rank: int
    code: str
    name: str


class NeedsOut(Schema):
    version: int
    sen_provision: CodeName
    need_types: list[RankedNeedOut]
    broad_areas: list[CodeName]
    needs_description: str

    @staticmethod
    def resolve_sen_provision(obj: Passport) -> CodeName:
        return provision_named(obj.sen_provision)

    @staticmethod
    def resolve_need_types(obj: Passport) -> list[RankedNeedOut]:
        return [
            RankedNeedOut(rank=need.rank, **need_type_named(need.need_type).model_dump())
            for need in obj.ranked_needs.order_by("rank")
        ]

    @staticmethod
    def resolve_broad_areas(obj: Passport) -> list[CodeName]:
        names = dict(current_pack().broad_area_choices())
        return [CodeName(code=code, name=names.get(code, code)) for code in obj.broad_areas]


# Layer of support


class LayerIn(Input):
    layer: Code
    starts_on: IsoDate
    reason: RequiredText
    professionals_involved: str = Field(
        "",
        max_length=LONG_TEXT,
        description="For a layer that brings in professionals (Targeted Plus): who, from where",
    )
    school_group_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="The school group whose services support the child"
    )
    provision_package: str = Field(
        "",
        max_length=SHORT_TEXT,
        description="For the specialist layer: the Specialist Provision Package",
    )


class LayerAssignmentOut(Schema):
    id: int
    layer: CodeName
    starts_on: dt.date
    reason: str
    professionals_involved: str
    school_group: str | None
    provision_package: str
    recorded_by: str
    recorded_at: dt.datetime

    @staticmethod
    def resolve_school_group(obj: LayerAssignment) -> str | None:
        return obj.school_group.name if obj.school_group is not None else None

    @staticmethod
    def resolve_layer(obj: LayerAssignment) -> CodeName:
        return layer_named(obj.layer)

    @staticmethod
    def resolve_recorded_by(obj: LayerAssignment) -> str:
        return str(obj.recorded_by)


class LayerOut(Schema):
    version: int
    current: LayerAssignmentOut | None
    history: list[LayerAssignmentOut] = Field(
        description="Every layer the child has been at, newest first"
    )

    @staticmethod
    def resolve_current(obj: Passport) -> LayerAssignment | None:
        return obj.current_layer()

    @staticmethod
    def resolve_history(obj: Passport) -> list[LayerAssignment]:
        return list(
            obj.layer_assignments.select_related("recorded_by").order_by("-starts_on", "-pk")
        )


# The list sections: what works, support in place, outcomes, reviews


class StrategyIn(Input):
    kind: Strategy.Kind = Strategy.Kind.STRATEGY
    description: RequiredText


class StrategyOut(Schema):
    id: int
    kind: str
    description: str
    created_at: dt.datetime


def _shows(passport: Passport, section: str) -> bool:
    """Return whether the reader's access decision includes the section: every section for a
    passport read without one (the SENCO who has just started it)."""
    decision = getattr(passport.child, "access_decision", None)
    return decision is None or decision.shows(section)


def _item_shows(item: SupportItem, section: str, context: dict[str, Any] | None) -> bool:
    """Return whether the reader of an item may see another section's field on it.

    An item read with its passport carries the access decision `get_child_for` attached; one
    fetched on its own is decided again (without a second audit row: the read is audited).
    """
    child = item.passport.child
    if hasattr(child, "access_decision"):
        return bool(child.access_decision.shows(section))
    request = (context or {}).get("request")
    if request is None:
        return False
    return decide(request.user, child, Action.READ).shows(section)


class SupportItemIn(Input):
    description: RequiredText = Field(description="What the support is")
    intended_outcome: RequiredText = Field(description="What it is for")
    delivered_by: RequiredShortText = Field(description="Who provides it")
    group_size: GroupSize
    minutes_per_session: int = Field(ge=1, le=600)
    sessions_per_period: int = Field(ge=1, le=100)
    period: Period
    starts_on: IsoDate
    ends_on: IsoDate | None = None
    layer: Code
    support_kind: Annotated[str, Field(max_length=40)] = Field(
        "",
        description="A support kind code from the policy pack, so a school group can commission it",
    )
    rationale: Text = Field("", description="Why this support")


class SupportItemOut(Schema):
    id: int
    description: str
    intended_outcome: str
    delivered_by: str
    provider: str | None
    group_size: str
    minutes_per_session: int
    sessions_per_period: int
    period: str
    amount: str = Field(description="How much and how often, as a person would say it")
    starts_on: dt.date
    ends_on: dt.date | None
    layer: CodeName | None = Field(
        description="The layer the support belongs to; null when your access does not include "
        "the layer"
    )
    support_kind: str
    rationale: str

    @staticmethod
    def resolve_provider(obj: SupportItem) -> str | None:
        return obj.provider.name if obj.provider else None

    @staticmethod
    def resolve_layer(obj: SupportItem, context: dict[str, Any] | None = None) -> CodeName | None:
        return layer_named(obj.layer) if _item_shows(obj, "layer", context) else None


class OutcomeIn(Input):
    description: RequiredText = Field(description="What we are aiming for")
    target_date: IsoDate
    progress: Outcome.Progress = Outcome.Progress.NOT_STARTED
    progress_notes: Text = ""


class OutcomeOut(Schema):
    id: int
    description: str
    target_date: dt.date
    progress: str
    progress_notes: str


class ReviewIn(Input):
    held_on: IsoDate
    participants: RequiredText = Field(description="Who took part")
    child_views: RequiredText
    parent_views: Text = ""
    progress_summary: RequiredText
    decision: Review.Decision
    next_review_on: IsoDate


class ReviewOut(Schema):
    id: int
    held_on: dt.date
    participants: str
    child_views: str
    parent_views: str
    progress_summary: str
    decision: str
    next_review_on: dt.date


# The whole passport


class PassportOut(Schema):
    child_id: int
    version: int
    updated_at: dt.datetime
    updated_by: str | None
    about_me: AboutMeOut | None = Field(description="Null when your access does not include it")
    needs: NeedsOut | None = Field(description="Null when your access does not include it")
    layer: LayerOut | None = Field(description="Null when your access does not include it")
    what_works: list[StrategyOut] | None
    support: list[SupportItemOut] | None
    outcomes: list[OutcomeOut] | None
    reviews: list[ReviewOut] | None

    @staticmethod
    def resolve_updated_by(obj: Passport) -> str | None:
        return str(obj.updated_by) if obj.updated_by else None

    @staticmethod
    def resolve_about_me(obj: Passport) -> Passport | None:
        if not _shows(obj, "about_me"):
            return None
        return obj

    @staticmethod
    def resolve_needs(obj: Passport) -> Passport | None:
        if not _shows(obj, "needs"):
            return None
        return obj

    @staticmethod
    def resolve_layer(obj: Passport) -> Passport | None:
        if not _shows(obj, "layer"):
            return None
        return obj

    @staticmethod
    def resolve_what_works(obj: Passport) -> list[Strategy] | None:
        if not _shows(obj, "what_works"):
            return None
        return list(obj.strategies.all())

    @staticmethod
    def resolve_support(obj: Passport) -> list[SupportItem] | None:
        if not _shows(obj, "support"):
            return None
        return list(obj.support_items.select_related("provider"))

    @staticmethod
    def resolve_outcomes(obj: Passport) -> list[Outcome] | None:
        if not _shows(obj, "outcomes"):
            return None
        return list(obj.outcomes.all())

    @staticmethod
    def resolve_reviews(obj: Passport) -> list[Review] | None:
        if not _shows(obj, "reviews"):
            return None
        return list(obj.reviews.all())


@dataclass(frozen=True)
class SectionSchemas:
    """How the API names, reads and writes the items of one list section."""

    item_name: str
    label: str
    item_in: type[Input]
    item_out: type[Schema]


# Keyed like services.ITEM_SECTIONS, by the name used in URLs.
SECTION_SCHEMAS: dict[str, SectionSchemas] = {
    "what-works": SectionSchemas("strategy", "what works", StrategyIn, StrategyOut),
    "support": SectionSchemas("support_item", "support in place", SupportItemIn, SupportItemOut),
    "outcomes": SectionSchemas("outcome", "outcomes", OutcomeIn, OutcomeOut),
    "reviews": SectionSchemas("review", "reviews", ReviewIn, ReviewOut),
}
