"""What a plan says: its text sections, outcomes (section E) and provision (section F) as
items, and the one way they change, as the plan's next version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from passport.core.dates import today
from passport.core.errors import StaleVersion
from passport.ehcp.legacy import refuse_placement_change
from passport.ehcp.models import Plan, PlanOutcome, PlanProvision
from passport.organisations.models import Setting
from passport.people.models import User

Sections = dict[str, str]
PLAN_TEXT_SECTIONS = (
    "section_a",
    "section_b",
    "section_c",
    "section_d",
    "section_g",
    "section_h1",
    "section_h2",
    "placement_type",
    "section_j",
    "section_k",
)


class StalePlan(StaleVersion):
    """Someone else changed the plan since the version this change was made from."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(
            f"Someone else changed the EHC plan since you read it (it is now version "
            f"{plan.version}): compare your version with theirs"
        )
        self.plan = plan


@dataclass(frozen=True)
class OutcomeItem:
    description: str
    broad_area: str = ""
    by_when: dt.date | None = None


@dataclass(frozen=True)
class ProvisionItem:
    description: str
    delivered_by: str = ""
    how_often: str = ""
    outcome_position: int | None = None


def check_sections(sections: Sections) -> None:
    """Refuse a section name that is not one of the plan's text sections."""
    unknown = set(sections) - set(PLAN_TEXT_SECTIONS)
    if unknown:
        raise ValidationError(f"Unknown plan section {sorted(unknown)[0]!r}")


def save_plan(plan: Plan, by: User) -> None:
    """Check and save the plan, with who changed it in its history."""
    try:
        plan.full_clean(exclude=["child", "request", "local_authority", "placement"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    plan.updated_by = by
    plan._history_user = by  # type: ignore[attr-defined]
    plan.save()


def write_items(
    plan: Plan, outcomes: Sequence[OutcomeItem], provisions: Sequence[ProvisionItem], by: User
) -> None:
    """Replace the plan's outcomes (E) and provision (F), in the order given."""
    plan.provisions.all().delete()
    plan.outcomes.all().delete()
    made: dict[int, PlanOutcome] = {}
    for position, item in enumerate(outcomes, start=1):
        if not item.description.strip():
            raise ValidationError({"outcomes": f"Outcome {position} needs a description"})
        outcome = PlanOutcome(
            plan=plan,
            position=position,
            broad_area=item.broad_area,
            description=item.description.strip(),
            by_when=item.by_when,
        )
        outcome._history_user = by  # type: ignore[attr-defined]
        outcome.save()
        made[position] = outcome
    for position, given in enumerate(provisions, start=1):
        if not given.description.strip():
            raise ValidationError({"provisions": f"Provision {position} needs a description"})
        if given.outcome_position is not None and given.outcome_position not in made:
            raise ValidationError(
                {
                    "provisions": f"Provision {position} names outcome {given.outcome_position}, "
                    "which the plan does not have"
                }
            )
        provision = PlanProvision(
            plan=plan,
            position=position,
            outcome=made.get(given.outcome_position) if given.outcome_position else None,
            description=given.description.strip(),
            delivered_by=given.delivered_by.strip(),
            how_often=given.how_often.strip(),
        )
        provision._history_user = by  # type: ignore[attr-defined]
        provision.save()


def _outcomes_of(plan: Plan) -> list[OutcomeItem]:
    return [OutcomeItem(o.description, o.broad_area, o.by_when) for o in plan.outcomes.all()]


def _provisions_of(plan: Plan) -> list[ProvisionItem]:
    return [
        ProvisionItem(
            p.description,
            p.delivered_by,
            p.how_often,
            p.outcome.position if p.outcome else None,
        )
        for p in plan.provisions.select_related("outcome")
    ]


def refuse_past_outcomes(plan: Plan, outcomes: Sequence[OutcomeItem], on: dt.date) -> None:
    """Refuse an outcome newly given a date already past: an outcome says what the child should
    achieve by the end of a phase or stage (SEND Code of Practice 9.66), so its date is ahead.
    An outcome the plan already carries unchanged is kept, so an older plan stays changeable."""
    kept = set(_outcomes_of(plan))
    for position, item in enumerate(outcomes, start=1):
        if item.by_when is not None and item.by_when < on and item not in kept:
            raise ValidationError(
                {
                    "by_when": f"Outcome {position} is due on {item.by_when:%-d %B %Y}, which "
                    "has passed: give a date in the future"
                }
            )


def outcomes_with(plan: Plan, position: int | None, item: OutcomeItem) -> list[OutcomeItem]:
    """The plan's outcomes with the one at `position` replaced by `item` (added if None)."""
    outcomes = _outcomes_of(plan)
    if position is None:
        return [*outcomes, item]
    if not 1 <= position <= len(outcomes):
        raise ValidationError(f"The plan has no outcome {position}")
    outcomes[position - 1] = item
    return outcomes


def outcomes_without(plan: Plan, position: int) -> tuple[list[OutcomeItem], list[ProvisionItem]]:
    """The plan's outcomes without the one at `position`, and its provision renumbered to match:
    provision that served the removed outcome stays, linked to no outcome."""
    outcomes = _outcomes_of(plan)
    if not 1 <= position <= len(outcomes):
        raise ValidationError(f"The plan has no outcome {position}")
    del outcomes[position - 1]
    provisions = []
    for given in _provisions_of(plan):
        linked = given.outcome_position
        if linked == position:
            linked = None
        elif linked is not None and linked > position:
            linked -= 1
        provisions.append(
            ProvisionItem(given.description, given.delivered_by, given.how_often, linked)
        )
    return outcomes, provisions


def provisions_with(
    plan: Plan, position: int | None, item: ProvisionItem | None
) -> list[ProvisionItem]:
    """The plan's provision with the item at `position` replaced by `item`, removed (item None)
    or added (position None)."""
    provisions = _provisions_of(plan)
    if position is None:
        return [*provisions, item] if item is not None else provisions
    if not 1 <= position <= len(provisions):
        raise ValidationError(f"The plan has no provision item {position}")
    if item is None:
        del provisions[position - 1]
    else:
        provisions[position - 1] = item
    return provisions


def change_plan(
    plan: Plan,
    by: User,
    *,
    sections: Sections,
    outcomes: Sequence[OutcomeItem] | None,
    provisions: Sequence[ProvisionItem] | None,
    placement: Setting | None,
    expected_version: int | None = None,
) -> None:
    """Write the sections, items and placement given to a locked plan, as its next version.

    Items not given are kept: giving outcomes alone keeps the provision (and its links to
    outcomes by position), and the other way round. With `expected_version` (the version the
    person read: a hidden field on the page, If-Match in the API) a plan that has moved on is
    refused; the caller holds the plan's row lock, so the check cannot race another change.
    """
    if expected_version is not None and plan.version != expected_version:
        raise StalePlan(plan)
    refuse_placement_change(plan, placement, today())
    if outcomes is not None:
        refuse_past_outcomes(plan, outcomes, today())
    for name, value in sections.items():
        setattr(plan, name, value)
    if placement is not None:
        plan.placement = placement
    plan.version += 1
    save_plan(plan, by)
    if outcomes is not None or provisions is not None:
        write_items(
            plan,
            outcomes if outcomes is not None else _outcomes_of(plan),
            provisions if provisions is not None else _provisions_of(plan),
            by,
        )
