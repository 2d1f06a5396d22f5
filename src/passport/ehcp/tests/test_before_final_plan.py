"""What the law requires before a final plan: the advice asked for (SEND Regulations 2014 reg 6,
11), the setting consulted (CFA 2014 s39(2), s40(2)), the family's choice or a s39(4) reason, and
a setting that takes children of the child's age."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from passport.core.dates import add_years
from passport.ehcp import services
from passport.ehcp.models import Plan
from passport.testing.factories import SettingFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def draft_for(case, *, advice: bool = False) -> Plan:
    request = services.request_assessment(
        case.child, case.parent, reason="Please", received_on=ago(120)
    )
    services.decide_whether_to_assess(request, case.caseworker, assess=True, decided_on=ago(90))
    if advice:
        services.ask_for_advice(
            request, case.caseworker, adviser_kind="psychology", adviser="Dr Rees", asked_on=ago(80)
        )
    plan = services.issue_draft_plan(request, case.caseworker, issued_on=ago(40))
    services.record_family_response(plan, case.parent, responded_on=ago(35), comments="Agree")
    return plan


def test_a_final_plan_waits_for_advice_asked_for_unless_an_exception_is_recorded(case):
    plan = draft_for(case, advice=True)
    services.consult_setting(plan, case.caseworker, setting=case.setting, sent_on=ago(40))
    with pytest.raises(ValidationError, match=r"Advice from Dr Rees.*has not arrived"):
        services.finalise_plan(plan, case.caseworker, placement=case.setting, finalised_on=ago(1))
    assert Plan.objects.get(pk=plan.pk).status == "draft"

    # The child missed the psychologist's appointment: reg 8(2) lifts the 6 weeks.
    advice_clock = plan.request.advice_requests.get().clock
    services.record_exception(
        advice_clock, case.caseworker, code="missed_appointment", starts_on=ago(60)
    )
    final = services.finalise_plan(
        plan, case.caseworker, placement=case.setting, finalised_on=ago(1)
    )
    assert final.status == "final"


def test_a_setting_is_consulted_and_has_15_days_before_it_is_named(case):
    plan = draft_for(case)
    with pytest.raises(ValidationError, match="Consult Brook Lane Primary"):
        services.finalise_plan(plan, case.caseworker, placement=case.setting, finalised_on=ago(1))
    consultation = services.consult_setting(
        plan, case.caseworker, setting=case.setting, sent_on=ago(10)
    )
    # Sent 10 days ago: its 15 days run to 5 days from now.
    assert consultation.respond_by == ago(10) + dt.timedelta(days=15)
    with pytest.raises(ValidationError, match="has until"):
        services.finalise_plan(plan, case.caseworker, placement=case.setting, finalised_on=ago(1))
    services.record_setting_response(
        consultation, case.caseworker, responded_on=ago(3), response="We can meet the needs"
    )
    assert (
        services.finalise_plan(
            plan, case.caseworker, placement=case.setting, finalised_on=ago(1)
        ).placement
        == case.setting
    )


def test_a_setting_that_does_not_answer_can_be_named_after_its_15_days(case):
    plan = draft_for(case)
    services.consult_setting(plan, case.caseworker, setting=case.setting, sent_on=ago(20))
    # Sent 20 days ago, so its 15 days ended 5 days ago.
    final = services.finalise_plan(
        plan, case.caseworker, placement=case.setting, finalised_on=ago(4)
    )
    assert final.status == "final"


def test_the_familys_choice_is_named_unless_the_law_gives_a_reason(case):
    chosen = SettingFactory(name="Hill View Special School")
    plan = draft_for(case)
    plan.family_preferred_setting = chosen
    plan.save(update_fields=["family_preferred_setting"])
    services.consult_setting(plan, case.caseworker, setting=case.setting, sent_on=ago(40))
    with pytest.raises(ValidationError, match="The family asked for Hill View Special School"):
        services.finalise_plan(plan, case.caseworker, placement=case.setting, finalised_on=ago(1))
    with pytest.raises(ValidationError, match="The family asked for"):
        services.finalise_plan(
            plan,
            case.caseworker,
            placement=case.setting,
            finalised_on=ago(1),
            preference_not_named_because="cheaper",
        )
    final = services.finalise_plan(
        plan,
        case.caseworker,
        placement=case.setting,
        finalised_on=ago(1),
        preference_not_named_because="resources",
    )
    assert final.preference_not_named_because == "resources"


def test_a_nursery_is_not_named_for_a_17_year_old(case):
    case.child.date_of_birth = add_years(TODAY, -17) - dt.timedelta(days=60)
    case.child.save(update_fields=["date_of_birth"])
    nursery = SettingFactory(
        name="Little Acorns Nursery", statutory_low_age=0, statutory_high_age=5
    )
    plan = draft_for(case)
    with pytest.raises(ValidationError, match=r"takes children aged 0 to 5; .* is 17"):
        services.consult_setting(plan, case.caseworker, setting=nursery, sent_on=ago(30))
    with pytest.raises(ValidationError, match="takes children aged 0 to 5"):
        services.finalise_plan(plan, case.caseworker, placement=nursery, finalised_on=ago(1))
    assert not plan.consultations.exists()
