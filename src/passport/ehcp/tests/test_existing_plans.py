"""Plans that exist outside the service (issue 16): recorded as they stand, transferred in,
made from birth, or converted from a passport that only said "EHC plan"; the passport's
provision follows the plan record; the triple lock where a plan made before the reform moves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from passport.core.clocks import Clock
from passport.ehcp import services
from passport.ehcp.legacy import refuse_placement_change
from passport.ehcp.models import AnnualReview, Plan, StatutoryClock
from passport.ehcp.services.existing_plans import (
    ExistingPlan,
    confirm_plan_details,
    convert_flag_only_plans,
    recommended_review_by,
    record_existing_plan,
)
from passport.ehcp.services.plan_content import StalePlan
from passport.organisations.models import Setting
from passport.passports.models import LayerAssignment, Passport
from passport.passports.services import change_layer, set_needs
from passport.testing.factories import SettingFactory, child_on_roll, local_authority, put_at_layer

pytestmark = pytest.mark.django_db
D = dt.date


def legacy(**kwargs) -> ExistingPlan:
    return ExistingPlan(
        route=Plan.Route.LEGACY_PRE_REFORM,
        issued_on=kwargs.pop("issued_on", D(2023, 3, 14)),
        sections=kwargs.pop("sections", {"section_b": "Severe speech and language needs"}),
        **kwargs,
    )


def test_a_passport_cannot_say_ehc_plan_without_a_plan_record(case):
    passport = case.child.passport
    with pytest.raises(ValidationError) as refused:
        set_needs(
            passport,
            sen_provision="E",
            need_types=["SLCN"],
            broad_areas=["CI"],
            needs_description="Speech",
            by=case.senco,
            check_plan=True,
        )
    assert "no EHC plan recorded" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        change_layer(
            passport,
            layer="specialist",
            starts_on=dt.date.today(),
            reason="Complex needs",
            by=case.senco,
            provision_package="Communication package",
        )
    assert "needs an EHC plan" in str(refused.value)


def test_a_legacy_plan_recorded_as_it_stands_runs_its_review_clock_and_gives_the_passport_e(
    case,
):
    plan = record_existing_plan(
        case.child,
        case.caseworker,
        legacy(review_meetings=[D(2024, 3, 5), D(2025, 3, 11)], placement=case.setting),
        local_authority=local_authority(),
    )
    assert (plan.status, plan.route, plan.origin, plan.finalised_on) == (
        "final",
        "legacy_pre_reform",
        "recorded",
        D(2023, 3, 14),
    )
    assert sorted(plan.annual_reviews.values_list("meeting_on", flat=True)) == [
        D(2024, 3, 5),
        D(2025, 3, 11),
    ]
    # Within 12 months starting with the last review, 11 March 2025: by 10 March 2026
    # (CFA 2014 s44(1)).
    assert plan.clocks.get(clock=Clock.ANNUAL_REVIEW).due_on == D(2026, 3, 10)
    passport = Passport.objects.get(child=case.child)
    assert (passport.sen_provision, passport.ehc_plan_since) == ("E", D(2023, 3, 14))
    # The plan is now the source of truth: the passport cannot drop back to SEN support.
    with pytest.raises(ValidationError, match="until the local authority ceases it"):
        set_needs(
            passport,
            sen_provision="K",
            need_types=["SLCN"],
            broad_areas=["CI"],
            needs_description="Speech",
            by=case.senco,
            check_plan=True,
        )
    # And the specialist layer is allowed now there is a plan.
    change_layer(
        passport,
        layer="specialist",
        starts_on=dt.date.today(),
        reason="EHC plan",
        by=case.senco,
        provision_package="Communication package",
    )


def test_a_plan_transferred_in_names_the_old_authority_and_the_day_it_came(case):
    with pytest.raises(ValidationError) as refused:
        record_existing_plan(
            case.child,
            case.caseworker,
            legacy(transferred_from_la_code="80"),
            local_authority=local_authority(),
        )
    assert refused.value.message_dict == {
        "transferred_from_la_code": ["Enter the 3-digit local authority code"],
        "transferred_in_on": ["Enter the date the plan transferred to you"],
    }
    with pytest.raises(ValidationError, match="another local authority"):
        record_existing_plan(
            case.child,
            case.caseworker,
            legacy(transferred_from_la_code="801", transferred_in_on=D(2025, 1, 6)),
            local_authority=local_authority("801"),
        )
    assert not Plan.objects.exists()
    plan = record_existing_plan(
        case.child,
        case.caseworker,
        ExistingPlan(
            route=Plan.Route.REFORM,
            issued_on=D(2024, 6, 3),
            transferred_from_la_code="330",
            transferred_in_on=D(2025, 1, 6),
        ),
        local_authority=local_authority(),
    )
    assert (plan.origin, plan.transferred_from_la_code, plan.transferred_in_on) == (
        "transferred_in",
        "330",
        D(2025, 1, 6),
    )


def test_a_second_live_plan_and_review_dates_outside_the_plan_are_refused(case):
    with pytest.raises(ValidationError, match="between the date the plan was issued and today"):
        record_existing_plan(
            case.child,
            case.caseworker,
            legacy(review_meetings=[D(2022, 1, 10)]),
            local_authority=local_authority(),
        )
    record_existing_plan(case.child, case.caseworker, legacy(), local_authority=local_authority())
    with pytest.raises(ValidationError, match="already has an EHC plan"):
        record_existing_plan(
            case.child, case.caseworker, legacy(), local_authority=local_authority()
        )
    assert Plan.objects.count() == 1


def test_ceasing_the_plan_takes_e_and_the_specialist_layer_away(case):
    passport = case.child.passport
    put_at_layer(passport, "targeted_plus", case.senco, starts_on=D(2022, 9, 1))
    plan = record_existing_plan(
        case.child,
        case.caseworker,
        ExistingPlan(route=Plan.Route.REFORM, issued_on=D(2023, 3, 14)),
        local_authority=local_authority(),
    )
    put_at_layer(passport, "specialist", case.senco, starts_on=D(2023, 3, 14))
    services.cease_plan(plan, case.caseworker, ceased_on=dt.date.today(), reason_code="transfer")
    passport.refresh_from_db()
    assert (passport.sen_provision, passport.ehc_plan_since) == ("K", None)
    assert passport.current_layer().layer == "targeted_plus"


def test_a_legacy_plan_cannot_give_way_to_the_passport_before_2030(case):
    # Schools White Paper, 23 Feb 2026: moves from an EHC plan to an ISP start in 2030, only at
    # a phase transition.
    plan = record_existing_plan(
        case.child, case.caseworker, legacy(), local_authority=local_authority()
    )
    with pytest.raises(ValidationError, match="start on 1 January 2030"):
        services.cease_plan(
            plan, case.caseworker, ceased_on=dt.date.today(), reason_code="needs_met"
        )
    assert Plan.objects.get(pk=plan.pk).status == "final"


def test_the_triple_lock_keeps_a_special_school_place_in_section_i(case):
    special = SettingFactory(name="Brook Special School", kind=Setting.Kind.SPECIAL)
    mainstream = SettingFactory(name="Hill Primary")
    plan = record_existing_plan(
        case.child, case.caseworker, legacy(placement=special), local_authority=local_authority()
    )
    enrolment = case.child.enrolments.get()
    enrolment.setting = special
    enrolment.save()
    with pytest.raises(ValidationError, match="triple lock"):
        refuse_placement_change(plan, mainstream, D(2030, 9, 2))
    refuse_placement_change(plan, special, D(2030, 9, 2))  # the same place: nothing changes
    refuse_placement_change(plan, mainstream, D(2028, 9, 4))  # before the 2029 window


def test_a_recorded_plan_with_details_to_confirm_is_changed_from_its_version(case):
    plan = record_existing_plan(
        case.child,
        case.caseworker,
        legacy(details_to_confirm=True),
        local_authority=local_authority(),
    )
    with pytest.raises(StalePlan):
        confirm_plan_details(
            plan, case.caseworker, sections={"section_a": "Loves music"}, expected_version=0
        )
    plan = confirm_plan_details(
        plan,
        case.caseworker,
        sections={"section_a": "Loves music"},
        issued_on=D(2023, 4, 3),
        expected_version=plan.version,
    )
    assert (plan.details_to_confirm, plan.version, plan.finalised_on) == (False, 2, D(2023, 4, 3))
    assert plan.clocks.get(clock=Clock.ANNUAL_REVIEW).due_on == D(2024, 4, 2)


def test_under_fives_are_reviewed_every_3_to_6_months(case):
    # SEND Code of Practice 2015 para 9.178.
    case.child.date_of_birth = D(2024, 5, 2)
    plan = Plan(child=case.child)
    assert recommended_review_by(plan, D(2025, 1, 15)) == D(2025, 7, 15)
    assert recommended_review_by(plan, D(2029, 5, 2)) is None


def test_flag_only_passports_become_recorded_legacy_plans(case):
    passport = case.child.passport
    Passport.objects.filter(pk=passport.pk).update(sen_provision="E")
    put_at_layer(passport, "targeted_plus", case.senco, starts_on=D(2021, 9, 1))
    put_at_layer(passport, "specialist", case.senco, starts_on=D(2022, 11, 7))
    other = child_on_roll(case.setting, home_local_authority=local_authority())
    names = (
        "passports.Passport",
        "passports.HistoricalPassport",
        "ehcp.Plan",
        "ehcp.StatutoryClock",
        "children.Enrolment",
    )
    models = {name: apps.get_model(*name.split(".")) for name in names}
    assert convert_flag_only_plans(models, on=D(2026, 12, 8)) == 1
    plan = Plan.objects.get()
    assert (plan.child, plan.route, plan.origin, plan.details_to_confirm, plan.finalised_on) == (
        case.child,
        "legacy_pre_reform",
        "from_flag",
        True,
        D(2022, 11, 7),
    )
    clock = StatutoryClock.objects.get(plan=plan)
    assert (clock.clock, clock.due_on) == ("annual_review", D(2023, 11, 6))
    assert clock.missed_notice_queued_at is not None  # a guessed date tells no family
    passport.refresh_from_db()
    assert passport.ehc_plan_since == D(2022, 11, 7)
    assert not Plan.objects.filter(child=other).exists()
    # Running it again records nothing more.
    assert convert_flag_only_plans(models, on=D(2026, 12, 8)) == 0
    assert AnnualReview.objects.count() == 0
    assert LayerAssignment.objects.filter(passport=passport).count() == 2
