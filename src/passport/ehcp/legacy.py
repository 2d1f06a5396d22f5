"""Plans made before the reform ("dual running"): the rules of the policy pack's [legacy_plans].

Schools White Paper, 23 February 2026: existing EHC plans are kept to the end of the current
phase; reassessment at phase transitions starts in September 2029; mainstream moves from an EHC
plan to an Individual Support Plan start in 2030, only at a transition and only once an ISP
exists; no child in Year 3 or above at publication moves before the end of secondary; and the
triple lock: a child in a special-school place in 2029 keeps it until they finish education.

The rules are pure functions over `LegacyCase` (the facts about one plan and its child) and a
date, so they can be read and table-tested on their own; `LegacyCase.of(plan)` gathers the facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from passport.children.models import Child, Enrolment
from passport.core.dates import national_curriculum_year
from passport.core.policy import LegacyPlans, current_pack
from passport.ehcp.models import Plan
from passport.organisations.models import Setting
from passport.passports.models import Passport

LEGACY_ROUTE = Plan.Route.LEGACY_PRE_REFORM
# A move "at a transition" takes effect between the summer holiday before the new phase and the
# end of its first September: settings start on different days, and families move in August.
TRANSITION_OPENS = (8, 1)
TRANSITION_CLOSES = (9, 30)


@dataclass(frozen=True)
class Placement:
    """A period at a setting, and whether it was a special school."""

    starts_on: dt.date
    ends_on: dt.date | None
    special: bool

    def live_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        return self.starts_on <= last and (self.ends_on is None or self.ends_on >= first)


@dataclass(frozen=True)
class LegacyCase:
    """What the dual-running rules need to know about one plan and its child."""

    route: str
    date_of_birth: dt.date
    ceased_on: dt.date | None
    placements: tuple[Placement, ...]
    has_isp: bool

    @classmethod
    def of(
        cls,
        plan: Plan,
        *,
        child: Child | None = None,
        enrolments: Iterable[Enrolment] | None = None,
        has_isp: bool | None = None,
    ) -> LegacyCase:
        """Gather the facts about a `Plan`: up to three queries, none for what the caller passes
        (the child, their enrolments with settings, whether they have a passport)."""
        child = child or plan.child
        if enrolments is None:
            enrolments = Enrolment.objects.filter(child=child).select_related("setting")
        if has_isp is None:
            has_isp = Passport.objects.filter(child=child).exists()
        placements = tuple(
            Placement(e.starts_on, e.ends_on, e.setting.kind == Setting.Kind.SPECIAL)
            for e in sorted(enrolments, key=lambda e: e.starts_on)
        )
        return cls(plan.route, child.date_of_birth, plan.ceased_on, placements, has_isp)

    def live_on(self, day: dt.date) -> bool:
        return self.ceased_on is None or self.ceased_on > day


@dataclass(frozen=True)
class Verdict:
    """Whether something may happen, and if not, every reason why not, in plain English."""

    allowed: bool
    reasons: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.allowed


def _rules(pack: LegacyPlans | None) -> LegacyPlans:
    return pack or current_pack().legacy_plans


def _reception_starts(date_of_birth: dt.date) -> int:
    """Return the year a child starts Reception (national_curriculum_year counts from it)."""
    first_day = dt.date(date_of_birth.year + 10, 9, 1)
    return first_day.year - national_curriculum_year(date_of_birth, first_day)


def transition_dates(date_of_birth: dt.date, pack: LegacyPlans | None = None) -> list[dt.date]:
    """Return the first day of each school year in which the child starts a new phase."""
    reception = _reception_starts(date_of_birth)
    return [dt.date(reception + year, 9, 1) for year in _rules(pack).transition_years]


def transition_at(case: LegacyCase, on: dt.date, pack: LegacyPlans | None = None) -> dt.date | None:
    """Return the phase transition a day falls at, or None if it falls at none."""
    for starts in transition_dates(case.date_of_birth, pack):
        opens = dt.date(starts.year, *TRANSITION_OPENS)
        closes = dt.date(starts.year, *TRANSITION_CLOSES)
        if opens <= on <= closes:
            return starts
    return None


def reassessment_due(case: LegacyCase, pack: LegacyPlans | None = None) -> dt.date | None:
    """Return the phase transition at which a plan made before the reform is reassessed.

    None for a plan made under the reform, a ceased plan, or a child with no phase transition
    left once reassessments begin.
    """
    rules = _rules(pack)
    if case.route != LEGACY_ROUTE:
        return None
    for starts in transition_dates(case.date_of_birth, rules):
        if starts >= rules.reassessment_at_transitions_from and case.live_on(starts):
            return starts
    return None


def in_special_school(case: LegacyCase, on: dt.date) -> bool:
    """Return whether the child's place on a day (or their last before it) is a special school."""
    live = [p for p in case.placements if p.live_on(on)]
    if not live:
        live = [p for p in case.placements if p.starts_on <= on][-1:]
    return any(p.special for p in live)


def special_place_protected(case: LegacyCase, on: dt.date, pack: LegacyPlans | None = None) -> bool:
    """Return whether the triple lock keeps the child's special-school place on a day."""
    first, last = _rules(pack).special_place_window
    held_in_window = any(p.special and p.overlaps(first, last) for p in case.placements)
    return held_in_window and on >= first and case.live_on(on)


def end_of_secondary(date_of_birth: dt.date, pack: LegacyPlans | None = None) -> dt.date:
    """Return the last day of the child's final year of secondary school (31 August)."""
    return dt.date(_reception_starts(date_of_birth) + _rules(pack).end_of_secondary_year + 1, 8, 31)


def may_move_to_isp(case: LegacyCase, on: dt.date, pack: LegacyPlans | None = None) -> Verdict:
    """Decide whether a plan made before the reform may give way to an ISP on a day."""
    rules = _rules(pack)
    if case.route != LEGACY_ROUTE:
        return Verdict(False, ("Only plans made before the reform move under dual running",))
    if not case.live_on(on):
        return Verdict(False, ("The plan has ceased",))
    reasons: list[str] = []
    if on < rules.isp_moves_from:
        reasons.append(
            f"Moves from an EHC plan to an ISP start on {rules.isp_moves_from:%-d %B %Y}"
        )
    if transition_at(case, on, rules) is None:
        upcoming = [d for d in transition_dates(case.date_of_birth, rules) if d > on]
        when = f": the next starts on {upcoming[0]:%-d %B %Y}" if upcoming else ""
        reasons.append(f"A plan gives way to an ISP only at a phase transition{when}")
    if not case.has_isp:
        reasons.append("There is no Individual Support Plan (passport) yet")
    if special_place_protected(case, on, rules):
        reasons.append(
            "The triple lock: a child in a special-school place in "
            f"{rules.special_place_window[0].year} keeps it until they finish education"
        )
    elif in_special_school(case, on):
        reasons.append("Only children in mainstream settings move from an EHC plan to an ISP")
    if (
        national_curriculum_year(case.date_of_birth, rules.published_on)
        >= rules.protected_from_year
    ):
        secondary_ends = end_of_secondary(case.date_of_birth, rules)
        if on <= secondary_ends:
            reasons.append(
                f"The child was in Year {rules.protected_from_year} or above on "
                f"{rules.published_on:%-d %B %Y}, so keeps the plan until the end of secondary "
                f"({secondary_ends:%-d %B %Y})"
            )
    return Verdict(not reasons, tuple(reasons))


def refuse_placement_change(plan: Plan, placement: Setting | None, on: dt.date) -> None:
    """Refuse to name a setting that is not a special school in section I of a plan made before
    the reform while the triple lock keeps the child's special-school place (Schools White
    Paper, 23 February 2026: a child in a special-school place in 2029 keeps it until they
    finish education). Called wherever a plan's placement changes (`plan_content.change_plan`).
    """
    if plan.route != LEGACY_ROUTE or placement is None or placement.pk == plan.placement_id:
        return
    if placement.kind == Setting.Kind.SPECIAL:
        return
    rules = _rules(None)
    if special_place_protected(LegacyCase.of(plan), on, rules):
        raise ValidationError(
            {
                "placement": "The triple lock: a child in a special-school place in "
                f"{rules.special_place_window[0].year} keeps it until they finish education, "
                f"so section I cannot name {placement.name}, which is not a special school"
            }
        )


def refuse_move_to_isp(plan: Plan, reason_code: str, on: dt.date) -> None:
    """Refuse to cease a plan made before the reform so that the passport (the ISP) takes its
    place, unless dual running allows it on the day (`may_move_to_isp`). Called by `cease_plan`.
    """
    rules = _rules(None)
    if plan.route != LEGACY_ROUTE or reason_code not in rules.moves_to_isp_ceasing_reasons:
        return
    verdict = may_move_to_isp(LegacyCase.of(plan), on, rules)
    if not verdict:
        raise ValidationError(
            {
                "ceasing_reason": "This plan cannot give way to the passport yet. "
                + "; ".join(verdict.reasons)
            }
        )
