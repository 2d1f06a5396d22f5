"""Dual running for plans made before the reform, worked by hand from the White Paper's rules.

Children used below (Reception starts in the September after the fourth birthday):
- Ava, born 10 March 2019: Reception September 2023, Year 2 on 23 February 2026 (not protected).
  Phase transitions: 1 Sep 2023 (Reception), 1 Sep 2030 (Year 7), 1 Sep 2035 (Year 12).
- Ben, born 5 October 2017: Reception September 2022, Year 3 on 23 February 2026 (protected until
  the end of secondary, 31 August 2034). Transitions: 2022, 1 Sep 2029 (Year 7), 1 Sep 2034.
- Cal, born 1 May 2008: Reception 2012; every transition (2012, 2019, 2024) is before 2029.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from django.conf import settings

from passport.core.policy import PolicyPackError, load_policy_pack
from passport.ehcp.legacy import (
    LegacyCase,
    Placement,
    end_of_secondary,
    may_move_to_isp,
    reassessment_due,
    special_place_protected,
    transition_dates,
)
from passport.ehcp.models import Plan
from passport.organisations.models import Setting
from passport.testing.factories import SettingFactory, child_on_roll, local_authority

D = dt.date
MAINSTREAM = (Placement(D(2023, 9, 1), None, special=False),)
AVA = LegacyCase("legacy_pre_reform", D(2019, 3, 10), None, MAINSTREAM, has_isp=True)
BEN = LegacyCase("legacy_pre_reform", D(2017, 10, 5), None, MAINSTREAM, has_isp=True)
CAL = LegacyCase("legacy_pre_reform", D(2008, 5, 1), None, MAINSTREAM, has_isp=True)
SPECIAL_FROM_2027 = (
    Placement(D(2023, 9, 1), D(2027, 7, 20), special=False),
    Placement(D(2027, 9, 6), None, special=True),
)


def test_transitions_are_the_first_days_of_reception_year_7_and_year_12():
    assert transition_dates(AVA.date_of_birth) == [D(2023, 9, 1), D(2030, 9, 1), D(2035, 9, 1)]
    assert transition_dates(BEN.date_of_birth) == [D(2022, 9, 1), D(2029, 9, 1), D(2034, 9, 1)]
    assert end_of_secondary(BEN.date_of_birth) == D(2034, 8, 31)


@pytest.mark.parametrize(
    ("case", "due"),
    [
        (AVA, D(2030, 9, 1)),  # the first transition from September 2029 is Year 7 in 2030
        (BEN, D(2029, 9, 1)),  # Year 7 starts on the very day reassessments begin
        (CAL, None),  # no transition left
        (replace(AVA, route="reform"), None),  # a plan under the reform is not "legacy"
        (replace(AVA, ceased_on=D(2028, 7, 31)), None),  # ceased before it was due
    ],
)
def test_reassessment_is_due_at_the_first_transition_from_september_2029(case, due):
    assert reassessment_due(case) == due


@pytest.mark.parametrize(
    ("case", "on", "allowed", "because"),
    [
        (AVA, D(2030, 9, 2), True, ""),
        (AVA, D(2030, 8, 15), True, ""),  # the summer before Year 7 counts as the transition
        (AVA, D(2029, 9, 3), False, "start on 1 January 2030"),
        (AVA, D(2031, 1, 6), False, "next starts on 1 September 2035"),
        (replace(AVA, has_isp=False), D(2030, 9, 2), False, "no Individual Support Plan"),
        (replace(AVA, placements=SPECIAL_FROM_2027), D(2030, 9, 2), False, "triple lock"),
        (replace(AVA, route="reform"), D(2030, 9, 2), False, "before the reform"),
        (replace(AVA, ceased_on=D(2030, 7, 1)), D(2030, 9, 2), False, "ceased"),
        (BEN, D(2029, 9, 2), False, "end of secondary (31 August 2034)"),
        (BEN, D(2034, 9, 1), True, ""),  # Year 12: secondary is over
    ],
)
def test_a_mainstream_move_to_an_isp(case, on, allowed, because):
    verdict = may_move_to_isp(case, on)
    assert bool(verdict) is allowed
    if because:
        assert any(because in reason for reason in verdict.reasons), verdict.reasons


def test_a_special_school_place_outside_2029_is_not_locked_but_still_not_mainstream():
    left_special = (
        Placement(D(2024, 9, 1), D(2026, 7, 20), special=True),
        Placement(D(2026, 9, 1), D(2030, 7, 20), special=False),
        Placement(D(2030, 9, 3), None, special=True),
    )
    case = replace(AVA, placements=left_special)
    assert not special_place_protected(case, D(2030, 9, 3))
    verdict = may_move_to_isp(case, D(2030, 9, 3))
    assert verdict.reasons == (
        "Only children in mainstream settings move from an EHC plan to an ISP",
    )


@pytest.mark.parametrize(
    ("placements", "on", "ceased_on", "protected"),
    [
        (SPECIAL_FROM_2027, D(2033, 1, 1), None, True),  # kept until they finish education
        (SPECIAL_FROM_2027, D(2028, 1, 1), None, False),  # the lock starts in 2029
        (SPECIAL_FROM_2027, D(2033, 1, 1), D(2032, 7, 31), False),  # finished education
        (MAINSTREAM, D(2033, 1, 1), None, False),
        ((Placement(D(2029, 12, 31), None, special=True),), D(2030, 1, 1), None, True),
    ],
)
def test_the_triple_lock(placements, on, ceased_on, protected):
    case = replace(AVA, placements=placements, ceased_on=ceased_on)
    assert special_place_protected(case, on) is protected


@pytest.mark.django_db
def test_the_facts_are_gathered_from_a_plan():
    special = SettingFactory(kind=Setting.Kind.SPECIAL)
    child = child_on_roll(special, date_of_birth=D(2019, 3, 10))
    plan = Plan.objects.create(
        child=child,
        local_authority=local_authority(),
        route="legacy_pre_reform",
        status="final",
        finalised_on=D(2024, 1, 10),
    )
    case = LegacyCase.of(plan)
    assert case.has_isp and case.placements[0].special
    assert reassessment_due(case) == D(2030, 9, 1)
    assert special_place_protected(case, D(2030, 9, 1))


SHIPPED = Path(settings.POLICY_PACK)


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("isp_moves_from = 2030-01-01", "isp_moves_from = 2028-01-01", "in that order"),
        ("transition_years = [0, 7, 12]", "transition_years = [7, 0, 12]", "in order"),
        ("transition_years = [0, 7, 12]", "transition_years = [0, 7, 20]", "from -3 to 14"),
        ("protected_from_year = 3", "protected_from_year = -1", "protected_from_year"),
        (
            "special_place_window = [2029-01-01, 2029-12-31]",
            "special_place_window = [2029-12-31, 2029-01-01]",
            "ends before it starts",
        ),
        ("published_on = 2026-02-23", "published_on = 23/02/2026", "not valid TOML"),
    ],
)
def test_a_bad_legacy_plans_section_stops_start_up(tmp_path, old, new, named):
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "pack.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PolicyPackError, match=named):
        load_policy_pack(path)
